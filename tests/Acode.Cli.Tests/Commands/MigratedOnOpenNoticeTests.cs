using System.Text.Json;
using Acode.Cli.Tests.Support;
using Acode.Infrastructure;
using Acode.Infrastructure.Sqlite;
using Acode.Testing;
using Microsoft.Data.Sqlite;

namespace Acode.Cli.Tests.Commands;

/// <summary>
/// Every command migrates an older workspace before its first use, and the command that did says so once, on standard
/// error (its standard output, <c>--json</c> included, stays what it was): after it an older acode refuses the file
/// (ACODE-DB-004). <c>acode db migrate</c> reports what it applied itself, once.
/// </summary>
public sealed class MigratedOnOpenNoticeTests : IDisposable
{
    private static readonly Version Older = new(1, 2, 0);

    private readonly CliWorkspace _workspace = new();

    private static int Pending => ShippedSchema.Sqlite.Count(m => m.Version > Older);

    private string Migrating => $"SQLite ({_workspace.DatabasePath}): migrating from 1.2.0 to {ShippedSchema.Latest} ({Pending} migrations: {string.Join(", ", ShippedSchema.Sqlite.Where(m => m.Version > Older).Select(m => m.Id))})…";

    private string Notice => $"Migrated {_workspace.DatabasePath} from schema 1.2.0 to {ShippedSchema.Latest} ({Pending} migrations); acode versions that know only 1.2.0 can no longer open it.";

    [Theory]
    [InlineData("db status --json")]
    [InlineData("session list --json")]
    [InlineData("session search tests --json")]
    public async Task A_command_that_migrated_an_older_workspace_says_so_before_and_after_on_standard_error_and_its_json_stays_valid(string command)
    {
        CreateOlderWorkspace();

        AcodeResult first = await _workspace.RunOkAsync(command.Split(' '));
        AcodeResult second = await _workspace.RunOkAsync(command.Split(' '));

        Assert.Equal([Migrating, Notice], first.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        using (JsonDocument.Parse(first.Stdout))
        {
        }

        Assert.DoesNotContain("Migrated", first.Stdout, StringComparison.Ordinal);
        Assert.Equal("", second.Stderr); // migrated already: nothing to say
    }

    [Fact]
    public async Task A_command_that_writes_says_it_too_and_a_new_workspace_is_not_a_migration()
    {
        CreateOlderWorkspace();

        AcodeResult import = await _workspace.RunOkAsync("import", "codex", Import.TranscriptFixtures.CodexFolder);
        using var fresh = new CliWorkspace();
        AcodeResult created = await fresh.RunOkAsync("demo");

        Assert.Contains(Migrating + "\n" + Notice, import.Stderr.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.DoesNotContain("Migrat", created.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Db_migrate_reports_what_it_applied_once_on_standard_output()
    {
        CreateOlderWorkspace();

        AcodeResult migrate = await _workspace.RunOkAsync("db", "migrate");

        Assert.DoesNotContain("Migrated", migrate.Stderr, StringComparison.Ordinal);
        Assert.Contains($"SQLite: the database is now at {ShippedSchema.Latest}.", migrate.Stdout, StringComparison.Ordinal);
        Assert.Equal(Pending, migrate.Stdout.Split('\n').Count(l => l.StartsWith("SQLite: applied ", StringComparison.Ordinal)));

        // Before it works (a re-indexing migration of a large database takes a while): which versions, on standard error.
        string[] migrating = ShippedSchema.Sqlite.Where(m => m.Version > Older).Select(m => m.Id).ToArray();
        Assert.Equal([$"SQLite: migrating from 1.2.0 to {ShippedSchema.Latest} ({Pending} migrations: {string.Join(", ", migrating)})…"],
            migrate.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    [Fact]
    public async Task Db_migrate_of_a_new_or_current_workspace_says_nothing_before_it_works()
    {
        AcodeResult created = await _workspace.RunOkAsync("db", "migrate");
        AcodeResult again = await _workspace.RunOkAsync("db", "migrate");

        Assert.Equal("", created.Stderr);
        Assert.Equal("", again.Stderr);
        Assert.Contains("SQLite: nothing to migrate", again.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Issue", "upgrade.D1")]
    public async Task Db_migrate_with_PostgreSQL_unreachable_reports_the_workspace_migration_before_the_error_and_its_hint_says_what_changed()
    {
        _workspace.Environment["ACODE_POSTGRES_URL"] = "postgresql://acode@127.0.0.1:1/acode";
        CreateOlderWorkspace();

        AcodeResult dryRun = await _workspace.RunAsync("db", "migrate", "--dry-run");
        AcodeResult dryRunJson = await _workspace.RunAsync("db", "migrate", "--dry-run", "--json");
        AcodeResult migrate = await _workspace.RunAsync("db", "migrate");
        CreateOlderWorkspace();
        AcodeResult migrateJson = await _workspace.RunAsync("db", "migrate", "--json");

        foreach (AcodeResult failed in new[] { dryRun, dryRunJson, migrate, migrateJson })
        {
            Assert.True(failed.ExitCode == 16, failed.ToString()); // PostgreSQL's error keeps its exit code
            Assert.Contains("Error: ACODE-DB-006: ", failed.Stderr, StringComparison.Ordinal);
            Assert.DoesNotContain("Nothing was changed", failed.Stderr, StringComparison.Ordinal);
        }

        // The dry run shows the SQLite plan although PostgreSQL does not answer, and says what the real run would do.
        Assert.Equal(Pending, dryRun.Stdout.Split('\n').Count(l => l.StartsWith("SQLite: would apply ", StringComparison.Ordinal)));
        Assert.Contains("SQLite: dry run: nothing was changed; the database is at 1.2.0.", dryRun.Stdout, StringComparison.Ordinal);
        Assert.Contains($"'acode db migrate' would migrate the workspace database from 1.2.0 to {ShippedSchema.Latest} and then stop at PostgreSQL", TryLine(dryRun), StringComparison.Ordinal);
        JsonElement plan = JsonDocument.Parse(dryRunJson.Stdout).RootElement;
        Assert.Equal(Pending, plan.GetProperty("sqlite").GetProperty("pending").GetArrayLength());
        Assert.StartsWith("ACODE-DB-006: ", plan.GetProperty("postgres").GetProperty("error").GetString(), StringComparison.Ordinal);

        // The real run migrated the workspace: it says so, before PostgreSQL's error, whose hint is true to it.
        Assert.Equal(Pending, migrate.Stdout.Split('\n').Count(l => l.StartsWith("SQLite: applied ", StringComparison.Ordinal)));
        Assert.Contains($"SQLite: the database is now at {ShippedSchema.Latest}.", migrate.Stdout, StringComparison.Ordinal);
        Assert.Contains($"This run migrated the workspace database from 1.2.0 to {ShippedSchema.Latest} (acode versions that know only 1.2.0 can no longer open it); PostgreSQL was not changed", TryLine(migrate), StringComparison.Ordinal);
        JsonElement applied = JsonDocument.Parse(migrateJson.Stdout).RootElement;
        Assert.Equal(Pending, applied.GetProperty("sqlite").GetProperty("applied").GetArrayLength());
        Assert.Equal(ShippedSchema.Latest, applied.GetProperty("sqlite").GetProperty("current").GetString());
        Assert.StartsWith("ACODE-DB-006: ", applied.GetProperty("postgres").GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    private static string TryLine(AcodeResult result) => result.Stderr.Split('\n').Single(l => l.StartsWith("Try:", StringComparison.Ordinal));

    private void CreateOlderWorkspace()
    {
        foreach (string file in Directory.Exists(Path.GetDirectoryName(_workspace.DatabasePath)) ? Directory.GetFiles(Path.GetDirectoryName(_workspace.DatabasePath)!, "workspace.db*") : [])
        {
            File.Delete(file);
        }

        using (SqliteWorkspaceDatabase.Open(new Workspace(_workspace.Root), migrations: [.. ShippedSchema.Sqlite.Where(m => m.Version <= Older)]))
        {
        }

        // Made long ago, as an older acode's workspace is: a schema migrated moments ago is another process's, being made.
        using (var connection = new SqliteConnection($"Data Source={_workspace.DatabasePath}"))
        {
            connection.Open();
            using SqliteCommand backdate = connection.CreateCommand();
            backdate.CommandText = "UPDATE schema_version SET applied_at = '2026-01-15T10:30:00.0000000Z';";
            backdate.ExecuteNonQuery();
        }

        SqliteConnection.ClearAllPools();
    }

    public void Dispose() => _workspace.Dispose();
}
