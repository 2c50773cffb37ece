using System.Globalization;
using System.Text;
using Acode.Application;
using Acode.Application.Redaction;
using Acode.Cli.Output;
using Microsoft.AspNetCore.Http;

namespace Acode.Cli.Ui;

/// <summary>
/// One artifact: its facts and its content as text; a diff (kind Diff, or a diff/patch media type) line by line as a
/// diff; an image (<see cref="ArtifactImage"/>) as an <c>&lt;img&gt;</c> of <see cref="ArtifactContentEndpoint"/>.
/// </summary>
internal sealed class ArtifactPage(IRunStateStore store, string workspace)
{
    /// <summary>
    /// Content shown on the page, in characters (as many as of a payload on the events pages); the rest is said as a
    /// count, with <c>acode session export</c>, which gives the content whole.
    /// </summary>
    public const int MaxShownChars = SessionPage.PayloadOnEventsPage;

    public async Task<IResult> RenderAsync(string id, string artifactId, CancellationToken cancellationToken)
    {
        if (Malformed(workspace, id, artifactId, out SessionId sessionId, out ArtifactId aid) is { } malformed)
        {
            return malformed;
        }

        Session? session = await store.GetSessionAsync(sessionId, cancellationToken);
        if (session?.FindArtifact(aid) is not { } artifact)
        {
            return NotFound(workspace, id, artifactId, session is not null);
        }

        string html = PageLayout.Render(artifact.Name, workspace, w =>
        {
            w.Markup("<p class=\"crumbs\">").Link(UiLinks.Session(session.Id.Value), SessionTitles.Short(session.Title)).Markup("</p>")
                .Markup("<h1 id=\"artifact-name\">").Text(artifact.Name).Markup("</h1><dl class=\"facts\">")
                .Markup("<dt>Kind</dt><dd>").Text(artifact.Kind.ToString())
                .Markup("</dd><dt>Media type</dt><dd>").Text(SessionTitles.Label(artifact.MediaType))
                .Markup("</dd><dt>Size</dt><dd>").Text(Display.Bytes(artifact.Size))
                .Markup("</dd><dt>SHA-256</dt><dd class=\"hash\">").Text(artifact.ContentHash)
                .Markup("</dd><dt>From</dt><dd class=\"id\">").Text(artifact.ToolCallId?.Value ?? artifact.StepId?.Value ?? "the session")
                .Markup("</dd><dt>Created</dt><dd>").Text(Display.Time(artifact.CreatedAt)).Markup("</dd></dl>");
            if (artifact.Content is not { } content)
            {
                w.Markup("<p class=\"empty\">").Text("Only the size and hash of this artifact are stored (a reference); its content lives elsewhere.").Markup("</p>");
                return;
            }

            if (ArtifactImage.ServedType(artifact) is not null)
            {
                w.Markup("<p class=\"image\"><img id=\"artifact-image\"").Attribute("src", UiLinks.ArtifactContent(session.Id.Value, artifact.Id.Value))
                    .Attribute("alt", artifact.Name).Markup("></p>");
                return;
            }

            // An image type whose bytes are not that image is not shown, even when they read as text: the page says why.
            if (ArtifactImage.Declared(artifact.MediaType) is not null || !TryDecode(artifact, content.Span, out string? text, out string? encodingName))
            {
                w.Markup("<p class=\"empty\" id=\"artifact-binary\">").Text($"Binary content ({Display.Bytes(artifact.Size)}); not shown.").Markup("</p>");
                if (ArtifactImage.Declared(artifact.MediaType) is { } declared)
                {
                    w.Markup("<p class=\"hint\">").Text($"Its media type says {declared}, but its bytes are not a {ArtifactImage.FormatName(declared)} image, so it is not shown as one; 'acode session export {session.Id.Value}' gives the content whole (base64).").Markup("</p>");
                }

                return;
            }

            if (encodingName is not null)
            {
                w.Markup("<p class=\"hint\" id=\"artifact-encoding\">").Text($"Its bytes are not UTF-8; its media type says text, so it is shown read as {encodingName}.").Markup("</p>");
            }

            (text, string? leftOut) = TextCut.CutAndSay(text, MaxShownChars, $"'acode session export {session.Id.Value}' gives the artifact's content whole (base64).");

            if (IsDiff(artifact))
            {
                WriteDiff(w, text);
            }
            else
            {
                w.Markup("<pre class=\"content\" id=\"artifact-content\">").Text(text).Markup("</pre>");
            }

            if (leftOut is not null)
            {
                w.Markup("<p class=\"hint cut\" id=\"content-cut\">").Text(leftOut).Markup("</p>");
            }
        });
        return Results.Content(html, "text/html; charset=utf-8");
    }

    /// <summary>
    /// The 400 page (<see cref="MalformedIdPage"/>) when <paramref name="id"/> or <paramref name="artifactId"/> cannot be
    /// an id; null, with both parsed, when they can (also <see cref="ArtifactContentEndpoint"/>'s).
    /// </summary>
    public static IResult? Malformed(string workspace, string id, string artifactId, out SessionId sessionId, out ArtifactId aid)
    {
        aid = default;
        if (!SessionId.TryParse(RouteIds.Canonical(id), out sessionId))
        {
            return MalformedIdPage.Session(workspace, id, startTaken: false);
        }

        return ArtifactId.TryParse(RouteIds.Canonical(artifactId), out aid) ? null : MalformedIdPage.Artifact(workspace, artifactId);
    }

    /// <summary>The 404 page of an unknown session or artifact (also <see cref="ArtifactContentEndpoint"/>'s).</summary>
    public static IResult NotFound(string workspace, string id, string artifactId, bool sessionFound)
        => sessionFound
            ? PageLayout.ProblemResult(workspace, StatusCodes.Status404NotFound, "Artifact not found", $"No artifact {artifactId} in session {id}.", "Go back to the session and pick one of its artifacts.")
            : PageLayout.ProblemResult(workspace, StatusCodes.Status404NotFound, "Session not found", $"No session {id}: it was deleted, or never was in this store.", "Pick a session from the list.");

    private static bool IsDiff(Artifact artifact)
        => artifact.Kind == ArtifactKind.Diff
            || artifact.MediaType.Contains("diff", StringComparison.OrdinalIgnoreCase)
            || artifact.MediaType.Contains("patch", StringComparison.OrdinalIgnoreCase);

    private static void WriteDiff(HtmlWriter w, string text)
    {
        w.Markup("<pre class=\"diff\" id=\"artifact-content\">");
        foreach (string line in text.Split('\n'))
        {
            string css = line switch
            {
                _ when line.StartsWith("+++", StringComparison.Ordinal) || line.StartsWith("---", StringComparison.Ordinal) => "meta",
                _ when line.StartsWith("diff ", StringComparison.Ordinal) || line.StartsWith("index ", StringComparison.Ordinal) => "meta",
                _ when line.StartsWith("@@", StringComparison.Ordinal) => "hunk",
                _ when line.StartsWith('+') => "add",
                _ when line.StartsWith('-') => "del",
                _ => "ctx",
            };
            w.Element("span", line, css).Markup("\n");
        }

        w.Markup("</pre>");
    }

    /// <summary>
    /// The content as text by <see cref="ArtifactText"/> (the rule the redaction reads it by, so what it replaced is seen),
    /// without its byte order mark; <paramref name="encodingName"/> names the encoding when it is not UTF-8.
    /// </summary>
    private static bool TryDecode(Artifact artifact, ReadOnlySpan<byte> bytes, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? text, out string? encodingName)
    {
        encodingName = null;
        if (bytes.IsEmpty)
        {
            text = string.Empty;
            return true;
        }

        // Bytes whose media type does not say text are shown only when they are UTF-8 without a NUL byte (as git judges a
        // file); declared text is shown as it was read, a NUL as any control character (trial AY F7).
        if (!ArtifactText.TryDecode(artifact.MediaType, bytes, out text, out ArtifactTextEncoding? encoding)
            || (text.Contains('\0', StringComparison.Ordinal) && !ArtifactText.IsDeclaredText(artifact.MediaType)))
        {
            text = null;
            return false;
        }

        // A byte order mark says how to read the bytes; it is not part of what they say.
        text = text.StartsWith('\uFEFF') ? text[1..] : text;
        encodingName = encoding.IsUtf8 ? null : encoding.Name;
        return true;
    }
}
