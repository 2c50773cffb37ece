using System.Globalization;
using Acode.Application.Outbox;
using Acode.Application.Sync;
using Acode.Cli.Commands;
using Acode.Cli.Output;
using Microsoft.AspNetCore.Http;

namespace Acode.Cli.Ui;

/// <summary>
/// Health: the outbox backlog and its oldest age, dead letters with their last errors, the last successful sync and
/// the conflict count when PostgreSQL is configured; the same facts as <c>acode db status</c> and <c>acode db sync status</c>.
/// The store faults other pages answered with since the viewer started, when there were any (<see cref="UiFaultLog"/>).
/// With PostgreSQL reachable, also each workspace's last sync and the latest conflicts with both versions side by side,
/// <see cref="ConflictsShown"/> at a time (keyset: <c>?conflicts_before=ID</c>).
/// </summary>
internal sealed class HealthPage(IOutbox outbox, ISyncService sync, ISyncConflictReader? conflicts, Func<string> schema, string databasePath, string workspace, UiFaultLog faults)
{
    public const int DeadLettersShown = 50;

    public const int ConflictsShown = 20;

    public async Task<IResult> RenderAsync(long? conflictsBefore, CancellationToken cancellationToken)
    {
        DateTimeOffset now = DateTimeOffset.UtcNow;
        OutboxStatistics stats = await outbox.GetStatisticsAsync(cancellationToken);
        SyncStatus status = await sync.GetStatusAsync(cancellationToken);
        IReadOnlyList<OutboxRecord> deadLetters = await outbox.ReadAsync(OutboxStatus.Failed, DeadLettersShown, cancellationToken);
        var shared = new SharedHealth(conflicts is not null && status.Reachable == true && status.Problem is null && status.PostgresSchemaVersion is not null ? conflicts : null);
        await shared.LoadAsync(conflictsBefore, ConflictsShown, cancellationToken);
        string html = PageLayout.Render("Health", workspace, w =>
        {
            w.Markup("<h1>Health</h1><h2>Workspace database</h2><table class=\"kv\" id=\"database\"><tbody>");
            Row(w, "Database", databasePath);
            Row(w, "Schema", schema());
            w.Markup("</tbody></table>");
            faults.Write(w);
            w.Markup("<h2>Outbox</h2><table class=\"kv\" id=\"outbox\"><tbody>");
            Row(w, "Pending", stats.Pending.ToString("N0", CultureInfo.InvariantCulture));
            Row(w, "Oldest pending", stats.OldestPendingAge(now) is { } age ? $"{Display.Duration(age)} old (since {Display.Time(stats.OldestPendingCreatedAt)})" : "none");
            Row(w, "Dead letters", stats.Failed.ToString("N0", CultureInfo.InvariantCulture), stats.Failed > 0 ? "failed" : null);
            Row(w, "Delivered (retained)", stats.Processed.ToString("N0", CultureInfo.InvariantCulture));
            Row(w, "Last delivered", stats.LastProcessedAt is { } last ? Display.Time(last) : "never");
            w.Markup("</tbody></table><h2>Sync</h2><table class=\"kv\" id=\"sync\"><tbody>");
            foreach ((string name, string value) in DbSyncStatusCommand.Rows(status))
            {
                Row(w, name, value, name is "Last error" || (name == "Reachable" && status.Reachable == false) || (name == "PostgreSQL schema" && status.Problem is not null) ? "failed" : null);
            }

            w.Markup("</tbody></table>");
            shared.Write(w, conflictsBefore);
            w.Markup("<h2>Dead letters</h2>");
            if (deadLetters.Count == 0)
            {
                w.Markup("<p class=\"empty\" id=\"dead-letters\">No dead letters.</p>");
                return;
            }

            w.Markup("<table class=\"dead\" id=\"dead-letters\"><thead><tr><th class=\"num\">#</th><th>Entity</th><th>Operation</th><th class=\"num\">Attempts</th><th>Last error</th></tr></thead><tbody>");
            foreach (OutboxRecord r in deadLetters)
            {
                w.Markup("<tr><td class=\"num\">").Text(r.Id.ToString(CultureInfo.InvariantCulture))
                    .Markup("</td><td class=\"id\">").Text($"{r.EntityType} {r.EntityId} v{r.Version}")
                    .Markup("</td><td>").Text(r.Operation.ToString())
                    .Markup("</td><td class=\"num\">").Text(r.Attempts.ToString(CultureInfo.InvariantCulture))
                    .Markup("</td><td><code>").Text(r.LastError).Markup("</code></td></tr>");
            }

            w.Markup("</tbody></table>");
            if (stats.Failed > deadLetters.Count)
            {
                w.Markup("<p class=\"hint\">").Text($"The oldest {deadLetters.Count} of {stats.Failed:N0}; 'acode db sync status --json' lists them too.").Markup("</p>");
            }

            w.Markup("<p class=\"hint\">").Text("Requeue them with 'acode db sync retry --all' once the cause is fixed (this viewer changes nothing).").Markup("</p>");
        });
        return Results.Content(html, "text/html; charset=utf-8");
    }

    private static void Row(HtmlWriter w, string name, string value, string? css = null)
    {
        w.Markup("<tr><th>").Text(name).Markup("</th><td");
        if (css is not null)
        {
            w.Attribute("class", css);
        }

        w.Markup(">").Text(value).Markup("</td></tr>");
    }
}
