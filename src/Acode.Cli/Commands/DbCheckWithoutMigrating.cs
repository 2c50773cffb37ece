using System.Text.Json.Nodes;
using Acode.Application.Errors;
using Acode.Cli.Output;
using Acode.Infrastructure.Migrations;
using Acode.Infrastructure.Sqlite;
using Spectre.Console;

namespace Acode.Cli.Commands;

/// <summary>
/// <c>acode db check</c> of a workspace database at an older schema whose migration on open was refused (its pages are
/// damaged: ACODE-DB-002) or failed (ACODE-DB-003): the database opened again without migrating, and the checks that
/// need none of the latest schema's tables (integrity, foreign keys, the WAL, the disk) done on the file as it is; the
/// others say they were not done. Changes nothing.
/// </summary>
internal static class DbCheckWithoutMigrating
{
    /// <summary>
    /// Prints the report and returns exit 1, or returns null when the database cannot be opened even without migrating,
    /// or has no pending migration (then <paramref name="refused"/> was not about migrating, and stands).
    /// </summary>
    public static async Task<int?> TryReportAsync(CliContext context, AcodeDbException refused, bool json, CancellationToken cancellationToken)
    {
        SqliteWorkspaceDatabase database;
        try
        {
            database = context.OpenWithoutMigrating();
        }
        catch (AcodeDbException)
        {
            return null;
        }

        using (database)
        {
            MigrationStatus schema = database.GetMigrationStatus();
            if (schema.Pending.Count == 0)
            {
                return null;
            }

            DatabaseCheckReport report = database.CheckPages(cancellationToken);
            WalReport wal = await database.CheckWalAsync(cancellationToken);
            DiskSpaceReport disk = DiskSpaceReport.Measure(database.Workspace.AgentDirectory, wal.Bytes);
            string notDone = $"not checked: it needs the schema {schema.LatestText}, and the database was not migrated (see the schema line)";
            var checks = new List<(string Name, bool Ok, string Detail)>
            {
                ("integrity", report.IntegrityErrors.Count == 0, report.IntegrityErrors.Count == 0 ? "ok" : string.Join("; ", report.IntegrityErrors.Take(10))),
                ("foreign keys", report.ForeignKeyViolations.Count == 0, report.ForeignKeyViolations.Count == 0 ? "ok" : string.Join("; ", report.ForeignKeyViolations.Take(10))),
                ("row counts", false, notDone),
                ("wal", true, wal.Describe()),
                ("disk", !disk.IsFull, disk.Describe()),
                ("schema", false, $"{schema.CurrentText} (latest {schema.LatestText}), not migrated: {refused.Code}: {refused.Message}"),
                ("outbox", false, notDone),
                ("backlog", false, notDone),
                ("postgres", false, notDone),
            };

            if (json)
            {
                var list = new JsonArray();
                foreach ((string name, bool ok, string detail) in checks)
                {
                    var entry = new JsonObject { ["check"] = name, ["ok"] = ok, ["detail"] = detail };
                    if (name is "wal" or "disk" or "postgres")
                    {
                        entry["warning"] = name switch { "wal" => wal.IsOversized, "disk" => disk.IsLow, _ => false };
                    }

                    list.Add(entry);
                }

                JsonOutput.Write(new JsonObject
                {
                    ["healthy"] = false,
                    ["warnings"] = (wal.IsOversized ? 1 : 0) + (disk.IsLow ? 1 : 0),
                    ["readOnly"] = database.IsReadOnly,
                    ["readOnlyCause"] = DbStatusCommand.ReadOnlyCause(database),
                    ["readOnlyMountPoint"] = database.ReadOnlyMount?.MountPoint,
                    ["recount"] = null,
                    ["notMigrated"] = $"{refused.Code}: {refused.Message} {refused.Hint}",
                    ["checks"] = list,
                });
                return ExitCodes.Problem;
            }

            foreach ((string name, bool ok, string detail) in checks)
            {
                string label = !ok ? "[red]FAIL[/]" : (name == "wal" && wal.IsOversized) || (name == "disk" && disk.IsLow) ? "[yellow]WARN[/]" : "[green]ok  [/]";
                context.Console.MarkupLine($"{label} {name,-13} {Display.Safe(detail)}");
            }

            context.Console.WriteLine("Problems found (see above).");
            context.Console.WriteLine(report.PagesDamaged
                ? "The file is damaged: copy it aside before anything else, then restore the workspace from a backup; sessions synced to PostgreSQL can be read there with --remote and brought back with 'acode session pull'."
                : Display.Plain(refused.Hint));
            return ExitCodes.Problem;
        }
    }
}
