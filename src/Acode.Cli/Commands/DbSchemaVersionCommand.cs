using System.CommandLine;
using Spectre.Console;
using System.Text.Json.Nodes;
using Acode.Cli.Output;
using Acode.Infrastructure.Migrations;
using Acode.Infrastructure.Sqlite;

namespace Acode.Cli.Commands;

/// <summary><c>acode db schema version</c>: the current and latest schema versions (AC-014). Applies nothing.</summary>
internal static class DbSchemaVersionCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var json = new Option<bool>("--json") { Description = "Print JSON instead of text." };
        var version = new Command("version", "Show the applied and the latest schema version.\n\nExample:\n  acode db schema version --json") { json };
        CommandAction.Set(version, globals, (context, _) =>
        {
            using SqliteWorkspaceDatabase database = context.OpenDatabase(migrate: false);
            MigrationStatus status = database.GetMigrationStatus();
            if (context.ParseResult.GetValue(json))
            {
                JsonOutput.Write(new JsonObject
                {
                    ["sqlite"] = new JsonObject
                    {
                        ["current"] = status.Current?.ToString(3),
                        ["latest"] = status.LatestText,
                        ["pending"] = new JsonArray(status.Pending.Select(m => (JsonNode)JsonValue.Create(m.Id)).ToArray()),
                    },
                    ["postgres"] = null,
                });
            }
            else
            {
                context.Console.WriteLine($"SQLite      current {status.CurrentText}, latest {status.LatestText}" + (status.Pending.Count > 0 ? $" ({status.Pending.Count} pending: run 'acode db migrate')" : " (up to date)"));
                context.Console.WriteLine("PostgreSQL  not configured");
            }

            return Task.FromResult(ExitCodes.Success);
        });
        return new Command("schema", "Schema versions.") { version };
    }
}
