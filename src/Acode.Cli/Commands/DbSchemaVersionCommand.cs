using System.CommandLine;
using System.Text.Json.Nodes;
using Acode.Cli.Output;
using Acode.Infrastructure.Migrations;
using Acode.Infrastructure.Postgres;
using Acode.Infrastructure.Sqlite;
using Spectre.Console;

namespace Acode.Cli.Commands;

/// <summary><c>acode db schema version</c>: the current and latest schema versions of SQLite and, when configured, PostgreSQL (AC-014). Applies nothing.</summary>
internal static class DbSchemaVersionCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var json = new Option<bool>("--json") { Description = "Print JSON instead of text." };
        var version = new Command("version", "Show the applied and the latest schema version of SQLite and, when configured, PostgreSQL. Applies nothing.\n\nExample:\n  acode db schema version --json") { json };
        CommandAction.Set(version, globals, async (context, cancellationToken) =>
        {
            SqliteWorkspaceDatabase database = context.OpenExistingDatabase(migrate: false);
            MigrationStatus sqlite = database.GetMigrationStatus();
            PostgresConnectionSettings? target = context.SyncTarget;
            MigrationStatus? postgres = null;
            Application.Errors.AcodeDbException? unavailable = null;
            if (target is not null)
            {
                try
                {
                    postgres = await PostgresSchema.GetStatusAsync(context, target, cancellationToken);
                }
                catch (Application.Errors.AcodeDbException ex) when (ex.ErrorCode == Application.Errors.AcodeErrorCode.PostgresUnavailable)
                {
                    unavailable = ex;
                }
            }

            if (context.ParseResult.GetValue(json))
            {
                JsonOutput.Write(new JsonObject
                {
                    ["sqlite"] = ToJson(sqlite),
                    ["postgres"] = target is null ? null : postgres is null ? new JsonObject { ["target"] = target.Redacted, ["error"] = $"{unavailable!.Code}: {unavailable.Message}" } : ToJson(postgres, target.Redacted),
                });
            }
            else
            {
                context.Console.WriteLine($"SQLite      {Describe(sqlite)}");
                context.Console.WriteLine(target is null ? "PostgreSQL  not configured"
                    : postgres is null ? $"PostgreSQL  {target.Redacted}: unreachable" : $"PostgreSQL  {Describe(postgres)}  ({target.Redacted})");
            }

            if (unavailable is not null)
            {
                throw unavailable;
            }

            return ExitCodes.Success;
        });
        return new Command("schema", "Schema versions.") { version };
    }

    private static string Describe(MigrationStatus status)
        => $"current {status.CurrentText}, latest {status.LatestText}" + (status.Pending.Count > 0 ? $" ({status.Pending.Count} pending: run 'acode db migrate')" : " (up to date)");

    private static JsonObject ToJson(MigrationStatus status, string? target = null) => new()
    {
        ["target"] = target,
        ["current"] = status.Current?.ToString(3),
        ["latest"] = status.LatestText,
        ["pending"] = new JsonArray(status.Pending.Select(m => (JsonNode)JsonValue.Create(m.Id)).ToArray()),
    };
}
