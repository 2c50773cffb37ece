using Acode.Application.Sync;
using Microsoft.AspNetCore.Http;

namespace Acode.Cli.Ui;

/// <summary>
/// Health with <c>--remote</c>: PostgreSQL's side only. The server (redacted) and its schema, each workspace's first and
/// last sync and acode version (the <c>workspaces</c> table), and the conflicts with both versions side by side,
/// <see cref="HealthPage.ConflictsShown"/> at a time. No outbox, dead letters or local sync status: those belong to a
/// workspace, and this viewer opens none (each workspace's own <c>acode ui</c> shows them). See docs/ui.md.
/// </summary>
internal sealed class RemoteHealthPage(ISyncConflictReader reader, Func<string> schema, string server, string workspace, UiFaultLog faults)
{
    public async Task<IResult> RenderAsync(long? conflictsBefore, CancellationToken cancellationToken)
    {
        var shared = new SharedHealth(reader);
        await shared.LoadAsync(conflictsBefore, HealthPage.ConflictsShown, cancellationToken);
        string html = PageLayout.Render("Health", workspace, w =>
        {
            // Down now: the schema read when the viewer started is not presented as current.
            w.Markup("<h1>Health</h1><h2>PostgreSQL</h2><table class=\"kv\" id=\"postgres\"><tbody>")
                .Markup("<tr><th>Server</th><td>").Text(server).Markup("</td></tr>")
                .Markup("<tr><th>Reachable</th><td id=\"reachable\">").Text(shared.Problem is { } problem ? "no: " + problem : "yes").Markup("</td></tr>")
                .Markup("<tr><th>Schema</th><td id=\"schema\">").Text(shared.Problem is null ? schema() : $"not known now (PostgreSQL cannot be read); it was {schema()} when this viewer started").Markup("</td></tr></tbody></table>")
                .Markup("<p class=\"hint\">").Text("The team's view: a workspace's outbox backlog and dead letters are on its own 'acode ui' (or 'acode db status').").Markup("</p>");
            faults.Write(w);
            shared.Write(w, conflictsBefore);
        });
        return Results.Content(html, "text/html; charset=utf-8");
    }
}
