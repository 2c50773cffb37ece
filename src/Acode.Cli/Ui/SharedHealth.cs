using System.Globalization;
using System.Text.Json;
using Acode.Application.Errors;
using Acode.Application.Sync;
using Acode.Cli.Output;

namespace Acode.Cli.Ui;

/// <summary>
/// The PostgreSQL part of the health page: each workspace's first and last sync and acode version (from the
/// <c>workspaces</c> table every sync run keeps, <see cref="WorkspacesShown"/> most recent) and the latest
/// conflicts, each with the incoming and the stored version side by side. Without a reader (PostgreSQL not configured
/// or not reachable) it writes nothing; a failed read is shown as its message, the rest of the page still renders.
/// </summary>
internal sealed class SharedHealth(ISyncConflictReader? reader)
{
    public const int WorkspacesShown = 200;

    // Relaxed: the text is HTML-encoded by HtmlWriter.Text afterwards, so < and > may stay readable.
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private IReadOnlyList<SyncConflict> _conflicts = [];
    private IReadOnlyList<WorkspaceLastSync> _workspaces = [];
    private int _limit;
    private string? _problem;
    private string? _problemHint;

    /// <summary>Why PostgreSQL could not be read (its ACODE-DB code and message), or null.</summary>
    public string? Problem => _problem;

    public async Task LoadAsync(long? before, int limit, CancellationToken cancellationToken)
    {
        _limit = limit;
        if (reader is null)
        {
            return;
        }

        try
        {
            _workspaces = await reader.ReadLastSyncsAsync(WorkspacesShown + 1, cancellationToken);
            _conflicts = await reader.ReadConflictsAsync(before, limit, cancellationToken);
        }
        catch (AcodeDbException ex)
        {
            _problem = $"{ex.Code}: {ex.Message}";
            _problemHint = ex.Hint;
        }
    }

    public void Write(HtmlWriter w, long? before)
    {
        if (reader is null)
        {
            return;
        }

        w.Markup("<h2>Workspaces</h2>");
        if (_problem is not null)
        {
            w.Markup("<p class=\"error\" id=\"shared-problem\">").Text(_problem).Markup("</p>")
                .Markup("<p class=\"hint\" id=\"shared-problem-try\">").Text("Try: " + _problemHint).Markup("</p>");
            return;
        }

        if (_workspaces.Count == 0)
        {
            w.Markup("<p class=\"empty\" id=\"workspaces\">No workspace has synced yet.</p>");
        }
        else
        {
            w.Markup("<table class=\"workspaces\" id=\"workspaces\"><thead><tr><th>Workspace</th><th>Last sync (UTC)</th><th>First sync (UTC)</th><th>acode</th></tr></thead><tbody>");
            foreach (WorkspaceLastSync ws in _workspaces.Take(WorkspacesShown))
            {
                w.Markup("<tr").Attribute("data-id", ws.Id).Markup("><td class=\"workspace\">");
                if (ws.Name != ws.Id)
                {
                    w.Element("span", ws.Name, "ws-name").Markup("<br>");
                }

                w.Element("span", ws.Id, "id").Markup("</td><td class=\"last-sync\">").Text(Display.Time(ws.LastSyncAt))
                    .Markup("</td><td>").Text(Display.Time(ws.FirstSyncAt))
                    .Markup("</td><td>").Text(ws.AcodeVersion).Markup("</td></tr>");
            }

            w.Markup("</tbody></table>");
        }

        w.Markup("<p class=\"hint\">").Text(_workspaces.Count > WorkspacesShown
            ? $"The {WorkspacesShown} most recently synced workspaces. A sync records its time (and the name it reports) on each run that delivers something and on its first run (every 'acode db sync', even one with nothing to deliver)."
            : "A sync records its time here (and the name it reports) on each run that delivers something and on its first run (every 'acode db sync', even one with nothing to deliver).").Markup("</p>");
        w.Markup("<h2>Conflicts</h2>");
        if (_conflicts.Count == 0)
        {
            w.Markup("<p class=\"empty\" id=\"conflicts\">").Text(before is null ? "No conflicts." : "No more conflicts.").Markup("</p>");
            return;
        }

        w.Markup("<div id=\"conflicts\">");
        foreach (SyncConflict c in _conflicts)
        {
            w.Markup("<section class=\"conflict\"").Attribute("id", "conflict-" + c.Id.ToString(CultureInfo.InvariantCulture)).Markup("><h3>")
                .Text($"#{c.Id} {c.EntityType} {c.EntityId} · {Display.Time(c.DetectedAt)}").Markup(" ");
            if (c.SessionId.Length > 0 && c.SessionDeleted)
            {
                // A tombstone has no page to open: named, not linked.
                w.Element("span", c.SessionId, "id").Markup(" ").Element("span", "(session deleted in PostgreSQL)", "deleted");
            }
            else if (c.SessionId.Length > 0)
            {
                w.Link(UiLinks.Session(c.SessionId), c.SessionId, "id");
            }

            w.Markup("</h3>");
            if (c.OwningSessionId is { } owner)
            {
                w.Markup("<p class=\"reason\">").Text($"Not applied: {c.EntityId} belongs to session ").Link(UiLinks.Session(owner), owner, "id")
                    .Text($", not to {c.SessionId}; a row never moves to another session, so the stored one was kept.").Markup("</p>");
            }

            w.Markup("<div class=\"versions\">");
            string incoming = WorkspaceLabel.Inline(c.IncomingOrigin, c.IncomingOriginName), existing = WorkspaceLabel.Inline(c.ExistingOrigin, c.ExistingOriginName);
            Version(w, "incoming", c.IncomingIsDeletion
                ? $"Incoming deletion of session {c.SessionId}: v{c.IncomingVersion} (based on v{c.IncomingBaseVersion}) from {incoming}"
                : $"Incoming v{c.IncomingVersion} (based on v{c.IncomingBaseVersion}) from {incoming}", c.IncomingPayload, c.Winner == "incoming", c.IncomingIsDeletion);
            Version(w, "existing", c.ExistingPayload is null ? "Stored: the row was gone"
                : c.ExistingIsDeletion ? $"Stored: session {c.SessionId} deleted (tombstone v{c.ExistingVersion} from {existing})"
                : $"Stored v{c.ExistingVersion} from {existing}", c.ExistingPayload, c.Winner == "existing", c.ExistingIsDeletion);
            w.Markup("</div></section>");
        }

        w.Markup("</div>");
        if (_conflicts.Count == _limit)
        {
            w.Markup("<p class=\"more\">").Link("/health?conflicts_before=" + _conflicts[^1].Id.ToString(CultureInfo.InvariantCulture), "Older conflicts →", "next").Markup("</p>");
        }
    }

    /// <summary>A workspace as the rest of the viewer names it: its reported name with its id, or the id alone.</summary>
    private static void Version(HtmlWriter w, string side, string heading, string? payload, bool won, bool deletion)
    {
        w.Markup("<div").Attribute("class", $"version {side}{(won ? " won" : "")}{(deletion ? " deletion" : "")}").Markup("><h4>").Text(heading).Markup(won ? " <span class=\"winner\">kept</span>" : "")
            .Markup("</h4>");
        if (deletion)
        {
            w.Markup("<p class=\"deletion\">").Text("A deletion: the session and everything in it are gone; its tombstone keeps only the session's last document, shown below.").Markup("</p>");
        }

        w.Markup("<pre>").Text(payload is null ? "—" : Pretty(payload)).Markup("</pre></div>");
    }

    private static string Pretty(string json)
    {
        try
        {
            using JsonDocument document = JsonDocument.Parse(json);
            // As the event log shows payloads: the characters, not their escapes (the page HTML-escapes them).
            return Display.WithAstralCharacters(JsonSerializer.Serialize(document.RootElement, Indented));
        }
        catch (JsonException)
        {
            return json;
        }
    }
}
