using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Acode.Application.Outbox;
using Acode.Application.Sync;
using Acode.Cli.Output;
using Spectre.Console;

namespace Acode.Cli.Commands;

/// <summary><c>acode db sync status</c>: the backlog, dead letters, last sync, conflicts and whether PostgreSQL answers.</summary>
internal static class DbSyncStatusCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var json = new Option<bool>("--json") { Description = "Print JSON instead of a table." };
        var command = new Command("status", "Show the sync: target (redacted), reachability, backlog, oldest pending age, dead letters, last successful sync, conflicts.") { json };
        CommandAction.Set(command, globals, async (context, cancellationToken) =>
        {
            context.OpenExistingDatabase();
            SyncStatus status = await context.Sync.GetStatusAsync(cancellationToken);
            IReadOnlyList<OutboxRecord> deadLetters = await context.Outbox.ReadAsync(OutboxStatus.Failed, 20, cancellationToken);
            if (context.ParseResult.GetValue(json))
            {
                JsonNode node = ToJson(status);
                node["deadLetterRecords"] = new JsonArray(deadLetters.Select(r => (JsonNode)new JsonObject
                {
                    ["id"] = r.Id, ["key"] = r.IdempotencyKey, ["attempts"] = r.Attempts, ["lastError"] = r.LastError,
                }).ToArray());
                JsonOutput.Write(node);
                return ExitCodes.Success;
            }

            var table = new FittedTable(TableBorder.Rounded).Keep("Sync").Free("Value");
            foreach ((string name, string value) in Rows(status))
            {
                table.AddRow(name, Display.Safe(value));
            }

            table.Write(context.Console);
            foreach (OutboxRecord r in deadLetters)
            {
                context.Console.WriteLine($"dead letter #{r.Id} {Display.Plain(r.IdempotencyKey)} after {r.Attempts} attempt{(r.Attempts == 1 ? "" : "s")}: {Display.Plain(r.LastError, 200)}");
            }

            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>The rows of the status table; the Pending row says how many of them another sync holds leased, and until when.</summary>
    public static IEnumerable<(string Name, string Value)> Rows(SyncStatus s)
    {
        yield return ("Target", s.Configured ? s.Target! : "not configured (set ACODE_POSTGRES_URL)");
        if (s.Configured)
        {
            yield return ("Reachable", s.Reachable == true ? "yes" : $"no: {s.Problem}");
            yield return ("PostgreSQL schema", s.Reachable == true && s.Problem is { } unusable
                ? $"{s.PostgresSchemaVersion ?? "unknown"}, which this acode cannot use: {unusable}"
                : s.PostgresSchemaVersion is { } version ? version + Behind(s)
                : s.Reachable == true ? "not created yet (the first sync creates it)" : "unknown");
        }

        yield return ("Pending", s.Pending.ToString("N0", CultureInfo.InvariantCulture) + (s.OldestPendingAge is { } age ? $" (oldest {Display.Duration(age)} old)" : "")
            + LeaseOutput.PendingClause(s.LeasedElsewhere, s.LeasedUntil));
        yield return ("Dead letters", s.DeadLetters.ToString("N0", CultureInfo.InvariantCulture) + (s.DeadLetters > 0 ? " (requeue with 'acode db sync retry --all')" : ""));
        yield return ("Last successful sync", s.LastSuccessfulSync is { } last ? Display.Time(last) : "never");
        if (s.LastError is not null)
        {
            yield return ("Last error", s.LastError);
        }

        yield return ("Conflicts", s.Conflicts?.ToString("N0", CultureInfo.InvariantCulture) ?? "unknown");
    }

    /// <summary>
    /// <c> (latest 1.10.0, 1 pending: run 'acode db migrate')</c> when PostgreSQL's schema is older than this acode's (the
    /// readers of the team's database refuse it until it is migrated), as <c>acode db schema version</c> says it; "" otherwise.
    /// </summary>
    public static string Behind(SyncStatus s) => s.PostgresPendingMigrations.Count > 0 && s.PostgresLatestSchemaVersion is { } latest
        ? $" (latest {latest}, {s.PostgresPendingMigrations.Count} pending: run 'acode db migrate')"
        : "";

    /// <summary>The status as JSON (<c>leasedElsewhere</c>, <c>leasedUntil</c>: the names of <c>db sync --json</c>).</summary>
    public static JsonObject ToJson(SyncStatus s) => LeaseOutput.AddJson(new JsonObject
    {
        ["configured"] = s.Configured,
        ["target"] = s.Target,
        ["reachable"] = s.Reachable,
        ["problem"] = s.Problem,
        ["postgresSchemaVersion"] = s.PostgresSchemaVersion,
        ["postgresLatestSchemaVersion"] = s.PostgresLatestSchemaVersion,
        ["postgresPendingMigrations"] = s.PostgresLatestSchemaVersion is null ? null : new JsonArray([.. s.PostgresPendingMigrations.Select(id => (JsonNode)id)]),
        ["pending"] = s.Pending,
        ["deadLetters"] = s.DeadLetters,
        ["oldestPendingAgeSeconds"] = s.OldestPendingAge?.TotalSeconds,
        ["lastSuccessfulSync"] = s.LastSuccessfulSync is { } t ? Display.Time(t) : null,
        ["lastError"] = s.LastError,
        ["conflicts"] = s.Conflicts,
    }, s.LeasedElsewhere, s.LeasedUntil);
}
