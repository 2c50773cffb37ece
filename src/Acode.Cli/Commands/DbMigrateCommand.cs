using System.CommandLine;
using Spectre.Console;
using System.Text.Json.Nodes;
using Acode.Cli.Output;
using Acode.Infrastructure.Migrations;
using Acode.Infrastructure.Sqlite;

namespace Acode.Cli.Commands;

/// <summary><c>acode db migrate</c>: applies pending migrations, or with <c>--dry-run</c> lists them.</summary>
internal static class DbMigrateCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var dryRun = new Option<bool>("--dry-run") { Description = "List the migrations that would be applied; change nothing." };
        var json = new Option<bool>("--json") { Description = "Print JSON instead of text." };
        var command = new Command("migrate", "Apply pending schema migrations (each in its own transaction).\n\nExamples:\n  acode db migrate --dry-run\n  acode db migrate") { dryRun, json };
        CommandAction.Set(command, globals, async (context, cancellationToken) =>
        {
            using SqliteWorkspaceDatabase database = context.OpenDatabase(migrate: false);
            MigrationStatus before = database.GetMigrationStatus();
            bool isDryRun = context.ParseResult.GetValue(dryRun);
            IReadOnlyList<Migration> migrations = isDryRun ? before.Pending : await database.MigrateAsync(cancellationToken);
            MigrationStatus after = isDryRun ? before : database.GetMigrationStatus();
            if (context.ParseResult.GetValue(json))
            {
                JsonOutput.Write(new JsonObject
                {
                    ["dryRun"] = isDryRun,
                    [isDryRun ? "pending" : "applied"] = new JsonArray(migrations.Select(m => (JsonNode)new JsonObject { ["id"] = m.Id, ["version"] = m.VersionText, ["checksum"] = m.Checksum }).ToArray()),
                    ["current"] = after.Current?.ToString(3),
                    ["latest"] = after.LatestText,
                });
                return ExitCodes.Success;
            }

            if (migrations.Count == 0)
            {
                context.Console.WriteLine($"Nothing to migrate: the database is at {after.CurrentText}, the latest version.");
                return ExitCodes.Success;
            }

            foreach (Migration migration in migrations)
            {
                context.Console.WriteLine($"{(isDryRun ? "Would apply" : "Applied")} {migration.Id}  (checksum {migration.Checksum[..12]})");
            }

            context.Console.WriteLine(isDryRun ? $"Dry run: nothing was changed; the database is at {before.CurrentText}." : $"The database is now at {after.CurrentText}.");
            return ExitCodes.Success;
        });
        return command;
    }
}
