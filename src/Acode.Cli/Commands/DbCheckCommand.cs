using System.CommandLine;
using Spectre.Console;
using System.Text.Json.Nodes;
using Acode.Application.Errors;
using Acode.Application.Outbox;
using Acode.Application.Sync;
using Acode.Cli.Output;
using Acode.Infrastructure;
using Acode.Infrastructure.Migrations;
using Acode.Infrastructure.Sqlite;

namespace Acode.Cli.Commands;

/// <summary><c>acode db check</c>: integrity, foreign keys, the WAL's size, schema and outbox health. Exit code 1 when anything is wrong.</summary>
internal static class DbCheckCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var json = new Option<bool>("--json") { Description = "Print JSON instead of text." };
        var recount = new Option<bool>("--recount") { Description = "Rebuild the row counters that 'acode db status' shows from real counts, and the search index of large content when it is out of step, then check." };
        var command = new Command("check", "Check the database: PRAGMA integrity_check, foreign_key_check, the search indexes, every blob of large content against its hash, every stored state, status and kind (one acode writes), the row counters, the WAL's size, the free space on its disk, schema version and outbox dead letters. Changes nothing (beyond applying pending migrations, as every command does, to a file whose pages are sound, and checkpointing a WAL above its bound, which changes no data) unless --recount is given.\n\nExample:\n  acode db check") { json, recount };
        CommandAction.Set(command, globals, async (context, cancellationToken) =>
        {
            SqliteWorkspaceDatabase database;
            try
            {
                database = context.OpenExistingDatabase();
            }
            catch (AcodeDbException refused) when (refused.ErrorCode is AcodeErrorCode.NotAnAcodeDatabase or AcodeErrorCode.MigrationFailed)
            {
                // Damaged pages refuse the migration on open, and a migration can fail: the file is then reported as it is.
                if (await DbCheckWithoutMigrating.TryReportAsync(context, refused, context.ParseResult.GetValue(json), cancellationToken) is { } exitCode)
                {
                    return exitCode;
                }

                throw;
            }

            MigrationStatus schema = database.GetMigrationStatus();

            JsonObject? recounted = null;
            if (context.ParseResult.GetValue(recount) && database.CheckPages(cancellationToken).PagesDamaged)
            {
                // Rebuilding writes counters and index rows into the file: never into one whose pages are damaged.
                const string Refused = "Nothing was rebuilt: the file's pages are damaged (see the integrity line), and --recount writes only to a sound file.";
                recounted = new JsonObject { ["rowCounters"] = 0, ["blobsIndexed"] = 0, ["refused"] = Refused };
                if (!context.ParseResult.GetValue(json))
                {
                    context.Console.WriteLine(Refused);
                }
            }
            else if (context.ParseResult.GetValue(recount))
            {
                int rebuilt = await database.RecountRowsAsync(cancellationToken);
                int reindexed = await database.RebuildBlobSearchIndexAsync(cancellationToken);
                recounted = new JsonObject { ["rowCounters"] = rebuilt, ["blobsIndexed"] = reindexed };
                if (!context.ParseResult.GetValue(json))
                {
                    context.Console.WriteLine(rebuilt == 0 ? "Row counters were already right." : $"Rebuilt {rebuilt} row counter(s).");
                    if (reindexed > 0)
                    {
                        context.Console.WriteLine($"Rebuilt the search index of large content: {reindexed} blob(s) indexed.");
                    }
                }
            }

            DatabaseCheckReport report = database.Check(cancellationToken);
            (IReadOnlyList<string> counters, string? uncounted) = CheckRowCounts(database, cancellationToken);
            WalReport wal = await database.CheckWalAsync(cancellationToken);
            OutboxStatistics outbox = await context.Outbox.GetStatisticsAsync(cancellationToken);
            SyncStatus syncStatus = await context.Sync.GetStatusAsync(cancellationToken);
            TimeSpan? oldest = outbox.OldestPendingAge(DateTimeOffset.UtcNow);
            bool stuck = syncStatus.Configured && oldest > PersistenceServiceCollectionExtensions.StuckBacklogAfter;
            // A PostgreSQL behind this acode's schema: the sync works (it migrates it first), but the readers of the team's
            // database refuse it until it is migrated. A warning, as an oversized WAL is: nothing is damaged or lost.
            bool postgresBehind = syncStatus.Configured && syncStatus.Reachable == true && syncStatus.Problem is null
                && syncStatus.PostgresSchemaVersion is not null && syncStatus.PostgresPendingMigrations.Count > 0;
            var checks = new List<(string Name, bool Ok, string Detail)>
            {
                ("integrity", report.IntegrityErrors.Count == 0, report.IntegrityErrors.Count == 0 ? "ok" : string.Join("; ", report.IntegrityErrors.Take(10))),
                ("foreign keys", report.ForeignKeyViolations.Count == 0, report.ForeignKeyViolations.Count switch
                {
                    0 => "ok",
                    > 10 => $"{report.ForeignKeyViolations.Count} violations, the first 10: " + string.Join("; ", report.ForeignKeyViolations.Take(10)),
                    _ => string.Join("; ", report.ForeignKeyViolations),
                }),
                ("row counts", counters.Count == 0 && uncounted is null, uncounted ?? (counters.Count == 0 ? "counters match the tables" : $"{string.Join("; ", counters)}; run 'acode db check --recount'")),
                ("schema", schema.Pending.Count == 0, $"{schema.CurrentText} (latest {schema.LatestText})"),
                ("outbox", outbox.Failed == 0, outbox.Failed == 0 ? $"{outbox.Pending} pending, no dead letters" : $"{outbox.Failed} dead-lettered record(s): inspect them with 'acode db sync status', then 'acode db sync retry --all'"),
                ("backlog", !stuck, (stuck
                    ? $"stuck: the oldest pending record is {Display.Duration(oldest)} old; run 'acode db sync' (is a sync worker running?)"
                    : oldest is { } age ? $"oldest pending record {Display.Duration(age)} old" : "empty")
                    + LeaseOutput.PendingClause(syncStatus.LeasedElsewhere, syncStatus.LeasedUntil)),
                ("postgres", !syncStatus.Configured || (syncStatus.Reachable == true && syncStatus.Problem is null), !syncStatus.Configured
                    ? "not configured (local only)"
                    : syncStatus.Reachable != true ? PostgresProblem(syncStatus.Problem)
                    : syncStatus.Problem is { } unusable ? $"{syncStatus.Target} answers, but {unusable}. Local work is unaffected: changes wait in the outbox meanwhile"
                    : postgresBehind ? $"{syncStatus.Target} answers, schema {syncStatus.PostgresSchemaVersion}, behind this acode's {syncStatus.PostgresLatestSchemaVersion} ({syncStatus.PostgresPendingMigrations.Count} pending): '--remote' reads, 'session pull' and 'acode ui --remote' refuse it until it is migrated; run 'acode db migrate' (the next 'acode db sync' migrates it too)"
                    : $"{syncStatus.Target} answers, schema {syncStatus.PostgresSchemaVersion ?? "not created yet"}"),
            };
            // A full disk fails the check: the data is sound, but every write and the WAL's checkpoint fail until space is freed.
            DiskSpaceReport disk = DiskSpaceReport.Measure(database.Workspace.AgentDirectory, wal.Bytes);
            checks.Insert(3, ("disk", !disk.IsFull, disk.Describe()));
            bool healthy = checks.All(c => c.Ok);

            // An oversized WAL is a warning, not damage: the data is sound and the file shrinks by itself once the
            // read transaction that holds it ends; it does not make the check fail. Nor does a disk with less room than the WAL.
            checks.Insert(3, ("wal", true, wal.Describe()));
            var warnings = new HashSet<string>(StringComparer.Ordinal);
            if (wal.IsOversized)
            {
                warnings.Add("wal");
            }

            if (disk.IsLow)
            {
                warnings.Add("disk");
            }

            if (postgresBehind)
            {
                warnings.Add("postgres");
            }

            bool walWarning = warnings.Count > 0;
            if (context.ParseResult.GetValue(json))
            {
                var node = new JsonObject { ["healthy"] = healthy };
                var list = new JsonArray();
                foreach ((string name, bool ok, string detail) in checks)
                {
                    var entry = new JsonObject { ["check"] = name, ["ok"] = ok, ["detail"] = detail };
                    if (name is "wal" or "disk" or "postgres")
                    {
                        entry["warning"] = warnings.Contains(name);
                    }

                    if (name == "backlog")
                    {
                        LeaseOutput.AddJson(entry, syncStatus.LeasedElsewhere, syncStatus.LeasedUntil);
                    }

                    list.Add(entry);
                }

                node["warnings"] = warnings.Count;
                node["readOnly"] = database.IsReadOnly;
                node["readOnlyCause"] = DbStatusCommand.ReadOnlyCause(database);
                node["readOnlyMountPoint"] = database.ReadOnlyMount?.MountPoint;
                node["recount"] = recounted;

                node["checks"] = list;
                JsonOutput.Write(node);
            }
            else
            {
                if (database.IsReadOnly)
                {
                    context.Console.WriteLine(Display.Plain(DbStatusCommand.ReadOnlyNote(database)));
                }

                foreach ((string name, bool ok, string detail) in checks)
                {
                    string label = !ok ? "[red]FAIL[/]" : warnings.Contains(name) ? "[yellow]WARN[/]" : "[green]ok  [/]";
                    context.Console.MarkupLine($"{label} {name,-13} {Display.Safe(detail)}");
                }

                context.Console.WriteLine(!healthy ? "Problems found (see above)." : walWarning ? "The database is healthy, with a warning (see above)." : "The database is healthy.");
                if (report.PagesDamaged)
                {
                    context.Console.WriteLine("The file is damaged: copy it aside before anything else, then restore the workspace from a backup; sessions synced to PostgreSQL can be read there with --remote and brought back with 'acode session pull'.");
                }
            }

            return healthy ? ExitCodes.Success : ExitCodes.Problem;
        });
        return command;
    }

    /// <summary>The failing postgres line of a server that does not answer (or refuses): what is wrong, then the next step (local work is unaffected meanwhile).</summary>
    private static string PostgresProblem(string? problem)
    {
        string what = (problem ?? "PostgreSQL does not answer").TrimEnd('.', ' ', ';'); // a GRANT ends in ';'
        string next = what.Contains("To fix it:", StringComparison.Ordinal)
            ? "then run 'acode db check' again"
            : "next: start the server, or correct ACODE_POSTGRES_URL (or persistence:postgres:connectionString in .agent/config.json), then run 'acode db check' again";
        return $"{what}; {next}. Local work is unaffected: changes wait in the outbox and 'acode db sync' delivers them once PostgreSQL answers";
    }

    /// <summary>The counters that disagree with the tables, or why the tables could not be counted (damaged pages: the integrity line says where).</summary>
    private static (IReadOnlyList<string> Problems, string? Uncounted) CheckRowCounts(SqliteWorkspaceDatabase database, CancellationToken cancellationToken)
    {
        try
        {
            return (database.CheckRowCounts(cancellationToken), null);
        }
        catch (AcodeDbException ex) when (ex.ErrorCode == AcodeErrorCode.NotAnAcodeDatabase)
        {
            return ([], "could not count the tables: the pages they are on are damaged (see the integrity line)");
        }
    }
}
