using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Acode.Application.Outbox;
using Acode.Application.Sync;
using Acode.Cli.Output;
using Acode.Infrastructure.Migrations;
using Acode.Infrastructure.Sqlite;
using Spectre.Console;

namespace Acode.Cli.Commands;

/// <summary><c>acode db status</c>: where the data lives, schema versions, row counts and the outbox backlog.</summary>
internal static class DbStatusCommand
{
    /// <summary>The one line saying a database was opened read-only, why (a permission or a read-only mount), and what that means.</summary>
    public static string ReadOnlyNote(SqliteWorkspaceDatabase database)
    {
        string why = database.ReadOnlyMount is { } mount
            ? "the file system holding the workspace is mounted read-only" + (mount.MountPoint is null ? "" : $" at '{mount.MountPoint}'")
            : $"this user ({Environment.UserName}) may not write the workspace";
        return database.Access == WorkspaceAccess.Immutable
            ? $"Opened read-only: {why}; read as an immutable file (no -wal changes waiting). Commands that write refuse."
            : $"Opened read-only: {why}; read through its existing -wal and -shm. Commands that write refuse.";
    }

    /// <summary>
    /// Why the workspace was opened read-only, as <c>--json</c> says it (<c>readOnlyCause</c>, docs/cli-json.md): null when it
    /// is writable, <c>mount</c> when its file system is mounted read-only, else <c>permission</c>.
    /// </summary>
    public static string? ReadOnlyCause(SqliteWorkspaceDatabase database)
        => !database.IsReadOnly ? null : database.ReadOnlyMount is null ? "permission" : "mount";

    /// <summary>
    /// The journal mode to report: WAL when the database was opened for writing or through its <c>-wal</c> and <c>-shm</c>
    /// (SQLite checked it), else what the file's header says (<see cref="SqliteFileHeader.JournalMode"/>): an immutable file
    /// is read without any journal, so <c>PRAGMA journal_mode</c> cannot tell it. Null when the header cannot tell.
    /// </summary>
    private static string? JournalMode(SqliteWorkspaceDatabase database)
        => database.Access == WorkspaceAccess.Immutable ? SqliteFileHeader.JournalMode(database.Workspace.DatabasePath) : "wal";

    /// <summary>The Settings row: what SQLite reads and writes the file with.</summary>
    private static string Settings(SqliteWorkspaceDatabase database) => database.Access switch
    {
        WorkspaceAccess.Immutable =>
            $"read as an immutable file (immutable=1: no journal, -wal, -shm or locks used; nothing written); the file's own journal mode is {JournalMode(database) ?? "unknown (its header does not say)"} (from its header)",
        WorkspaceAccess.ReadOnly => $"journal_mode=wal, read-only through the existing -wal and -shm, busy timeout {database.Options.BusyTimeoutSeconds} s",
        _ => $"journal_mode=wal, synchronous={database.Options.Synchronous}, busy timeout {database.Options.BusyTimeoutSeconds} s",
    };

    public static Command Create(GlobalOptions globals)
    {
        var json = new Option<bool>("--json") { Description = "Print JSON instead of a table." };
        var command = new Command("status", "Show the workspace database: paths, sizes, schema versions, row counts, outbox backlog and sync.\n\nExample:\n  acode db status --json") { json };
        CommandAction.Set(command, globals, async (context, cancellationToken) =>
        {
            SqliteWorkspaceDatabase database = context.OpenExistingDatabase();
            MigrationStatus schema = database.GetMigrationStatus();
            DatabaseStatistics stats = database.GetStatistics(cancellationToken);
            OutboxStatistics outbox = await context.Outbox.GetStatisticsAsync(cancellationToken);
            SyncStatus syncStatus = await context.Sync.GetStatusAsync(cancellationToken);
            DateTimeOffset now = DateTimeOffset.UtcNow;
            if (context.ParseResult.GetValue(json))
            {
                var rows = new JsonObject();
                foreach ((string name, long count) in stats.RowCounts)
                {
                    rows[name] = count;
                }

                JsonOutput.Write(new JsonObject
                {
                    ["workspace"] = database.Workspace.RootDirectory,
                    ["workspaceId"] = database.WorkspaceId,
                    ["readOnly"] = database.IsReadOnly,
                    ["readOnlyCause"] = ReadOnlyCause(database),
                    ["readOnlyMountPoint"] = database.ReadOnlyMount?.MountPoint,
                    ["access"] = database.Access.ToString(),
                    ["sqlite"] = new JsonObject
                    {
                        ["path"] = database.Workspace.DatabasePath,
                        ["sizeBytes"] = stats.DatabaseBytes,
                        ["walBytes"] = stats.WalBytes,
                        ["schemaVersion"] = schema.Current?.ToString(3),
                        ["latestSchemaVersion"] = schema.LatestText,
                        ["journalMode"] = JournalMode(database),
                        ["walInUse"] = database.Access != WorkspaceAccess.Immutable,
                        ["synchronous"] = database.Options.Synchronous.ToString(),
                        ["busyTimeoutSeconds"] = database.Options.BusyTimeoutSeconds,
                    },
                    ["rows"] = rows,
                    ["uncountedRows"] = new JsonArray([.. stats.UncountedTables.Select(t => JsonValue.Create(t))]),
                    ["secretsRedacted"] = database.CountRedactedSecrets(cancellationToken: cancellationToken),
                    ["outbox"] = new JsonObject
                    {
                        ["pending"] = outbox.Pending,
                        ["failed"] = outbox.Failed,
                        ["processed"] = outbox.Processed,
                        ["oldestPendingAt"] = Display.Time(outbox.OldestPendingCreatedAt) is { Length: > 0 } t ? t : null,
                        ["oldestPendingAgeSeconds"] = outbox.OldestPendingAge(now)?.TotalSeconds,
                        ["lastProcessedAt"] = Display.Time(outbox.LastProcessedAt) is { Length: > 0 } p ? p : null,
                    },
                    ["sync"] = DbSyncStatusCommand.ToJson(syncStatus),
                });
                return ExitCodes.Success;
            }

            var table = new FittedTable(TableBorder.Rounded).Keep("Item").Free("Value");
            table.AddRow("Workspace", Display.Safe(database.Workspace.RootDirectory));
            table.AddRow("Workspace id", Display.Safe(database.WorkspaceId));
            if (database.IsReadOnly)
            {
                table.AddRow("Access", Display.Safe(ReadOnlyNote(database)));
            }

            table.AddRow("Database", $"{Display.Safe(database.Workspace.DatabasePath)} ({Display.Bytes(stats.DatabaseBytes)}, WAL {Display.Bytes(stats.WalBytes)})");
            table.AddRow("Schema", $"{schema.CurrentText} (latest {schema.LatestText})");
            table.AddRow("Settings", Settings(database));
            foreach ((string name, long count) in stats.RowCounts)
            {
                table.AddRow($"Rows: {name}", count.ToString("N0", CultureInfo.InvariantCulture)
                    + (stats.UncountedTables.Contains(name) ? " (not a count: its counter is missing or negative; run 'acode db check --recount')" : ""));
            }

            table.AddRow("Secrets redacted", database.CountRedactedSecrets(cancellationToken: cancellationToken).ToString("N0", CultureInfo.InvariantCulture));
            table.AddRow("Outbox synced", outbox.Processed.ToString("N0", CultureInfo.InvariantCulture));
            foreach ((string name, string value) in DbSyncStatusCommand.Rows(syncStatus))
            {
                string label = name switch
                {
                    "Target" => "Sync target",
                    "Pending" => "Outbox pending",
                    "Dead letters" => "Outbox dead letters",
                    _ => name,
                };
                table.AddRow(label, Display.Safe(value));
            }
            table.Write(context.Console);
            return ExitCodes.Success;
        });
        return command;
    }
}
