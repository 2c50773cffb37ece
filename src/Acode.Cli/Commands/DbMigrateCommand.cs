using System.CommandLine;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Acode.Application.Errors;
using Acode.Cli.Output;
using Acode.Infrastructure.Migrations;
using Acode.Infrastructure.Postgres;
using Acode.Infrastructure.Sqlite;
using Spectre.Console;

namespace Acode.Cli.Commands;

/// <summary><c>acode db migrate</c>: applies pending migrations to SQLite and, when configured, PostgreSQL; <c>--dry-run</c> lists them.</summary>
internal static class DbMigrateCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var dryRun = new Option<bool>("--dry-run") { Description = "List the migrations that would be applied; change nothing. Exits 16 (ACODE-DB-006) when PostgreSQL's role lacks the privilege to apply them." };
        var json = new Option<bool>("--json") { Description = "Print JSON instead of text." };
        var command = new Command("migrate", "Apply pending schema migrations (each in its own transaction) to SQLite and, when configured, PostgreSQL.\n\nExamples:\n  acode db migrate --dry-run\n  acode db migrate") { dryRun, json };
        CommandAction.Set(command, globals, async (context, cancellationToken) =>
        {
            bool isDryRun = context.ParseResult.GetValue(dryRun);
            // A dry run changes nothing, so it does not create the workspace either; an empty (0-byte) database file is not
            // even opened (opening it would write SQLite's header): every migration is pending there.
            MigrationStatus before;
            IReadOnlyList<Migration> sqlite;
            MigrationStatus after;
            if (isDryRun && context.IsEmptyDatabaseFile())
            {
                IReadOnlyList<Migration> all = MigrationCatalog.For(MigrationCatalog.Sqlite);
                before = after = new MigrationStatus([], all, null, all[^1].Version);
                sqlite = all;
            }
            else
            {
                SqliteWorkspaceDatabase database = isDryRun ? context.OpenExistingDatabase(migrate: false) : context.OpenDatabase(migrate: false, readOnlyRefused: false);
                before = database.GetMigrationStatus();
                // A workspace this user may only read is refused only when it has something to migrate (trial AR 4:
                // exit 11 for a current one, where --dry-run said "nothing to migrate"); a current one has nothing to write.
                bool writes = !isDryRun && !(database.IsReadOnly && before.Pending.Count == 0);
                if (writes && database.IsReadOnly)
                {
                    throw database.ReadOnlyRefusal(); // before saying that it migrates
                }

                if (writes)
                {
                    MigrationNotice.TellMigrating("SQLite", before);
                }

                sqlite = writes ? await database.MigrateAsync(cancellationToken) : before.Pending;
                after = writes ? database.GetMigrationStatus() : before;
            }

            PostgresConnectionSettings? target = context.SyncTarget;
            IReadOnlyList<Migration>? postgres = null;
            MigrationStatus? postgresAfter = null;
            AcodeDbException? refused = null;
            AcodeDbException? failed = null;
            var postgresBefore = new StrongBox<MigrationStatus?>();
            if (target is not null)
            {
                try
                {
                    (postgres, postgresAfter, refused) = await MigratePostgresAsync(context, target, isDryRun, postgresBefore, cancellationToken);
                }
                catch (AcodeDbException ex)
                {
                    // The workspace database is migrated already (a dry run: planned): that is reported first, then
                    // PostgreSQL's error, with a hint that says what changed where (exit code: the error's own).
                    failed = ex;
                }
            }

            if (context.ParseResult.GetValue(json))
            {
                JsonObject? postgresJson = postgres is null ? null : ToJson(postgres, postgresAfter!, isDryRun);
                if (postgresJson is not null && isDryRun)
                {
                    postgresJson["refused"] = refused is null ? null : $"{refused.Code}: {refused.Message}";
                }

                if (failed is not null)
                {
                    postgresJson = new JsonObject { ["target"] = target!.Redacted, ["error"] = $"{failed.Code}: {failed.Message}" };
                }

                JsonOutput.Write(new JsonObject
                {
                    ["dryRun"] = isDryRun,
                    ["sqlite"] = ToJson(sqlite, after, isDryRun),
                    ["postgres"] = postgresJson,
                });
            }
            else
            {
                Report(context, "SQLite", sqlite, before, after, isDryRun);
                if (postgres is not null)
                {
                    Report(context, $"PostgreSQL ({target!.Redacted})", postgres, postgresAfter!, postgresAfter!, isDryRun, refused is null ? null : sqlite);
                }
                else if (failed is not null)
                {
                    context.Console.WriteLine($"PostgreSQL ({target!.Redacted}): {(isDryRun ? "what is pending there is unknown" : "stopped")}: {failed.Code} (below).");
                }
            }

            if (failed is not null)
            {
                throw await ExplainAsync(context, target!, failed, isDryRun, sqlite, before, after, postgresBefore.Value);
            }

            // A dry run whose migrations the role could not apply ends as 'acode db migrate' would: ACODE-DB-006, exit 16.
            return refused is null ? ExitCodes.Success : throw await ExplainAsync(context, target!, refused, isDryRun, sqlite, before, after, postgresAfter);
        });
        return command;
    }

    private static async Task<(IReadOnlyList<Migration> Applied, MigrationStatus After, AcodeDbException? Refused)> MigratePostgresAsync(CliContext context, PostgresConnectionSettings target, bool isDryRun, StrongBox<MigrationStatus?> before, CancellationToken cancellationToken)
    {
        if (isDryRun)
        {
            // A dry run writes nothing, so reading the journal is all it needs (a reader role may run it); whether the role
            // may apply what is pending is asked only when something is: with nothing pending there is nothing to refuse.
            MigrationStatus status = await PostgresSchema.GetReadStatusAsync(context, target, cancellationToken);
            before.Value = status;
            return (status.Pending, status, status.Pending.Count == 0 ? null : await RefusalAsync(context, target, cancellationToken));
        }

        before.Value = await PostgresSchema.GetStatusAsync(context, target, cancellationToken);
        MigrationNotice.TellMigrating($"PostgreSQL ({target.Redacted})", before.Value);
        IReadOnlyList<Migration> postgres = await PostgresSchema.MigrateAsync(context, target, cancellationToken);
        return (postgres, await PostgresSchema.GetStatusAsync(context, target, cancellationToken), null);
    }

    /// <summary>
    /// PostgreSQL's error with a hint true to what this run did: the workspace database is migrated (or, in a dry run,
    /// would be) before PostgreSQL is reached, so the hint says which versions it went from and to, and what became of
    /// PostgreSQL. A refusal of acode's role gets the next step of a migration (run it again after the GRANT) instead of a
    /// sync's (the outbox waits). The code, and so the exit code, stay the error's.
    /// </summary>
    private static async Task<AcodeDbException> ExplainAsync(CliContext context, PostgresConnectionSettings target, AcodeDbException ex, bool isDryRun, IReadOnlyList<Migration> sqlite, MigrationStatus before, MigrationStatus after, MigrationStatus? postgresBefore)
    {
        bool refusal = IsRefusal(ex);
        string next = refusal
            ? "Once that is done, run 'acode db migrate' again ('acode db migrate --dry-run' tells whether the role may apply the migrations now)."
            : ex.Hint;
        string changed;
        if (isDryRun)
        {
            changed = sqlite.Count == 0
                ? "This dry run changed nothing, and the workspace database needs no migration."
                : before.Current is null
                    ? $"This dry run changed nothing; until then 'acode db migrate' would create the workspace database's schema ({before.LatestText}) and then stop at PostgreSQL."
                    : $"This dry run changed nothing; until then 'acode db migrate' would migrate the workspace database from {before.CurrentText} to {before.LatestText} and then stop at PostgreSQL.";
        }
        else
        {
            string local = sqlite.Count == 0
                ? $"The workspace database needed no migration (it is at {after.CurrentText})"
                : before.Current is null
                    ? $"This run created the workspace database's schema ({after.CurrentText})"
                    : $"This run migrated the workspace database from {before.CurrentText} to {after.CurrentText} (acode versions that know only {before.CurrentText} can no longer open it)";
            changed = $"{local}; {await PostgresChangeAsync(context, target, postgresBefore)}.{(refusal ? " Local work continues." : "")}";
        }

        return new AcodeDbException(ex.ErrorCode, ex.Message, $"{next.TrimEnd()} {changed}", ex);
    }

    /// <summary>What became of PostgreSQL in a run that failed there: read again when it answered before (each migration commits on its own).</summary>
    private static async Task<string> PostgresChangeAsync(CliContext context, PostgresConnectionSettings target, MigrationStatus? before)
    {
        if (before is null)
        {
            return "PostgreSQL was not changed"; // its first read failed: nothing was tried there
        }

        string was = before.Current is null ? "holds no acode schema yet" : $"is at {before.CurrentText}";
        try
        {
            MigrationStatus now = await PostgresSchema.GetReadStatusAsync(context, target, CancellationToken.None);
            return now.Current == before.Current
                ? $"PostgreSQL was not changed (it {was})"
                : $"PostgreSQL was migrated from {(before.Current is null ? "no acode schema" : before.CurrentText)} to {now.CurrentText} before it stopped (each migration commits on its own)";
        }
        catch (AcodeDbException)
        {
            return $"PostgreSQL {was}, or at the last of its migrations that committed before it stopped (each commits on its own; 'acode db schema version' tells)";
        }
    }

    /// <summary>A refusal of acode's role (ACODE-DB-006 naming the GRANT), as opposed to a server that does not answer.</summary>
    private static bool IsRefusal(AcodeDbException ex)
        => ex.ErrorCode == AcodeErrorCode.PostgresUnavailable && ex.Message.Contains("To fix it:", StringComparison.Ordinal);

    /// <summary>ACODE-DB-006 when a migration is pending that the role lacks the privilege to apply; null otherwise.</summary>
    private static async Task<AcodeDbException?> RefusalAsync(CliContext context, PostgresConnectionSettings target, CancellationToken cancellationToken)
    {
        try
        {
            await PostgresSchema.GetApplicableStatusAsync(context, target, cancellationToken);
            return null;
        }
        catch (AcodeDbException ex) when (ex.ErrorCode == AcodeErrorCode.PostgresUnavailable)
        {
            return ex;
        }
    }

    /// <summary>One engine's lines; <paramref name="refusedAfter"/>: in a dry run the role may not apply, what 'acode db migrate' would apply before it fails (SQLite's migrations).</summary>
    private static void Report(CliContext context, string engine, IReadOnlyList<Migration> migrations, MigrationStatus before, MigrationStatus after, bool isDryRun, IReadOnlyList<Migration>? refusedAfter = null)
    {
        if (migrations.Count == 0)
        {
            context.Console.WriteLine($"{engine}: nothing to migrate: the database is at {after.CurrentText}, the latest version.");
            return;
        }

        foreach (Migration migration in migrations)
        {
            context.Console.WriteLine($"{engine}: {(isDryRun ? "would apply" : "applied")} {migration.Id}  (checksum {migration.Checksum[..12]})");
        }

        context.Console.WriteLine(isDryRun ? $"{engine}: dry run: nothing was changed; {(before.Current is null ? "the database has no acode schema yet" : $"the database is at {before.CurrentText}")}." : $"{engine}: the database is now at {after.CurrentText}.");
        if (refusedAfter is not null)
        {
            context.Console.WriteLine($"{engine}: the role lacks the privilege to apply them (ACODE-DB-006 below says which and the GRANT that gives it); " + (refusedAfter.Count == 0
                ? "'acode db migrate' would fail until it is granted."
                : "until it is granted, 'acode db migrate' would apply the SQLite migrations above and then fail here."));
        }
    }

    private static JsonObject ToJson(IReadOnlyList<Migration> migrations, MigrationStatus after, bool isDryRun) => new()
    {
        [isDryRun ? "pending" : "applied"] = new JsonArray(migrations.Select(m => (JsonNode)new JsonObject { ["id"] = m.Id, ["version"] = m.VersionText, ["checksum"] = m.Checksum }).ToArray()),
        ["current"] = after.Current?.ToString(3),
        ["latest"] = after.LatestText,
    };
}
