using System.Text.RegularExpressions;
using Acode.Application;
using Microsoft.AspNetCore.Http;

namespace Acode.Cli.Ui;

/// <summary>
/// <c>GET /sessions/{id}/artifacts/{artifactId}/content</c>: an image artifact's stored bytes, which its page shows in
/// an <c>&lt;img&gt;</c>. Only what <see cref="ArtifactImage.ServedType"/> accepts is served (a raster type declared
/// and confirmed by the bytes' signature; never SVG), as exactly that media type, with <c>nosniff</c>, a
/// Content-Security-Policy of <c>default-src 'none'</c> (opened on its own it can load and run nothing) and
/// <c>Content-Disposition: inline</c>; the door's <c>no-store</c> stays. A malformed id is the artifact page's 400 page; anything else
/// (an unknown session or artifact, any other artifact) its 404 page.
/// </summary>
internal sealed partial class ArtifactContentEndpoint(IRunStateStore store, string workspace)
{
    /// <summary>The policy of a served image: it may load nothing, run nothing, and be framed by nothing.</summary>
    public const string ContentSecurityPolicy = "default-src 'none'";

    public async Task<IResult> GetAsync(string id, string artifactId, CancellationToken cancellationToken)
    {
        if (ArtifactPage.Malformed(workspace, id, artifactId, out SessionId sessionId, out ArtifactId aid) is { } malformed)
        {
            return malformed;
        }

        Session? session = await store.GetSessionAsync(sessionId, cancellationToken);
        if (session?.FindArtifact(aid) is not { } artifact)
        {
            return ArtifactPage.NotFound(workspace, id, artifactId, session is not null);
        }

        if (ArtifactImage.ServedType(artifact) is not { } type || artifact.Content is not { } content)
        {
            return PageLayout.ProblemResult(workspace, StatusCodes.Status404NotFound, "Not an image",
                $"Artifact {aid} in session {sessionId} is not an image the viewer shows: only stored PNG, JPEG, GIF and WebP content whose bytes are of its declared type is.",
                $"Open the artifact's page (this address without /content) for what it holds; 'acode session export {sessionId}' gives its content whole (base64).");
        }

        return new ImageResult(content, type, SimpleFileName().IsMatch(artifact.Name) ? artifact.Name : null);
    }

    // A name quoted in Content-Disposition only when nothing in it needs quoting or encoding; any other is left out.
    [GeneratedRegex(@"\A[A-Za-z0-9][A-Za-z0-9._-]{0,99}\z", RegexOptions.CultureInvariant)]
    private static partial Regex SimpleFileName();

    /// <summary>The image's bytes with the headers of <see cref="ArtifactContentEndpoint"/> (a HEAD gets the headers only).</summary>
    private sealed class ImageResult(ReadOnlyMemory<byte> content, string type, string? fileName) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            IHeaderDictionary headers = httpContext.Response.Headers;
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            headers.XContentTypeOptions = "nosniff";
            headers.ContentDisposition = fileName is null ? "inline" : $"inline; filename=\"{fileName}\"";
            return Results.Bytes(content, type).ExecuteAsync(httpContext);
        }
    }
}
