using System.CommandLine;
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
                SqliteWorkspaceDatabase database = isDryRun ? context.OpenExistingDatabase(migrate: false) : context.OpenDatabase(migrate: false);
                before = database.GetMigrationStatus();
                sqlite = isDryRun ? before.Pending : await database.MigrateAsync(cancellationToken);
                after = isDryRun ? before : database.GetMigrationStatus();
            }

            PostgresConnectionSettings? target = context.SyncTarget;
            IReadOnlyList<Migration>? postgres = null;
            MigrationStatus? postgresAfter = null;
            AcodeDbException? refused = null;
            if (target is not null)
            {
                try
                {
                    (postgres, postgresAfter, refused) = await MigratePostgresAsync(context, target, isDryRun, cancellationToken);
                }
                catch (AcodeDbException ex) when (IsRefusal(ex))
                {
                    throw AsMigrationRefusal(ex);
                }
            }

            if (context.ParseResult.GetValue(json))
            {
                JsonObject? postgresJson = postgres is null ? null : ToJson(postgres, postgresAfter!, isDryRun);
                if (postgresJson is not null && isDryRun)
                {
                    postgresJson["refused"] = refused is null ? null : $"{refused.Code}: {refused.Message}";
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
                    Report(context, $"PostgreSQL ({target!.Redacted})", postgres, postgresAfter!, postgresAfter!, isDryRun, refused is not null);
                }
            }

            // A dry run whose migrations the role could not apply ends as 'acode db migrate' would: ACODE-DB-006, exit 16.
            return refused is null ? ExitCodes.Success : throw AsMigrationRefusal(refused);
        });
        return command;
    }

    private static async Task<(IReadOnlyList<Migration> Applied, MigrationStatus After, AcodeDbException? Refused)> MigratePostgresAsync(CliContext context, PostgresConnectionSettings target, bool isDryRun, CancellationToken cancellationToken)
    {
        if (isDryRun)
        {
            // A dry run writes nothing, so reading the journal is all it needs (a reader role may run it); whether the role
            // may apply what is pending is asked only when something is: with nothing pending there is nothing to refuse.
            MigrationStatus status = await PostgresSchema.GetReadStatusAsync(context, target, cancellationToken);
            return (status.Pending, status, status.Pending.Count == 0 ? null : await RefusalAsync(context, target, cancellationToken));
        }

        await PostgresSchema.GetStatusAsync(context, target, cancellationToken);
        IReadOnlyList<Migration> postgres = await PostgresSchema.MigrateAsync(context, target, cancellationToken);
        return (postgres, await PostgresSchema.GetStatusAsync(context, target, cancellationToken), null);
    }

    /// <summary>A refusal of acode's role (ACODE-DB-006 naming the GRANT), as opposed to a server that does not answer.</summary>
    private static bool IsRefusal(AcodeDbException ex)
        => ex.ErrorCode == AcodeErrorCode.PostgresUnavailable && ex.Message.Contains("To fix it:", StringComparison.Ordinal);

    /// <summary>The refusal with the next step of a migration (run it again after the GRANT) instead of a sync's (the outbox waits).</summary>
    private static AcodeDbException AsMigrationRefusal(AcodeDbException ex) => !IsRefusal(ex) ? ex : new AcodeDbException(
        ex.ErrorCode,
        ex.Message,
        "Once that is done, run 'acode db migrate' again ('acode db migrate --dry-run' tells whether the role may apply the migrations now). Nothing was changed meanwhile, and local work continues.",
        ex);

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

    private static void Report(CliContext context, string engine, IReadOnlyList<Migration> migrations, MigrationStatus before, MigrationStatus after, bool isDryRun, bool refused = false)
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
        if (refused)
        {
            context.Console.WriteLine($"{engine}: the role lacks the privilege to apply them (ACODE-DB-006 below says which and the GRANT that gives it); 'acode db migrate' would fail until it is granted.");
        }
    }

    private static JsonObject ToJson(IReadOnlyList<Migration> migrations, MigrationStatus after, bool isDryRun) => new()
    {
        [isDryRun ? "pending" : "applied"] = new JsonArray(migrations.Select(m => (JsonNode)new JsonObject { ["id"] = m.Id, ["version"] = m.VersionText, ["checksum"] = m.Checksum }).ToArray()),
        ["current"] = after.Current?.ToString(3),
        ["latest"] = after.LatestText,
    };
}
