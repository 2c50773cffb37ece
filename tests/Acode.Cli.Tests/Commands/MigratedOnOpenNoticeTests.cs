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

    private string Notice => $"Migrated {_workspace.DatabasePath} from schema 1.2.0 to {ShippedSchema.Latest} ({Pending} migrations); acode versions that know only 1.2.0 can no longer open it.";

    [Theory]
    [InlineData("db status --json")]
    [InlineData("session list --json")]
    [InlineData("session search tests --json")]
    public async Task A_command_that_migrated_an_older_workspace_says_so_once_on_standard_error_and_its_json_stays_valid(string command)
    {
        CreateOlderWorkspace();

        AcodeResult first = await _workspace.RunOkAsync(command.Split(' '));
        AcodeResult second = await _workspace.RunOkAsync(command.Split(' '));

        Assert.Equal([Notice], first.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
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

        Assert.Contains(Notice, import.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Migrated", created.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Db_migrate_reports_what_it_applied_once_on_standard_output()
    {
        CreateOlderWorkspace();

        AcodeResult migrate = await _workspace.RunOkAsync("db", "migrate");

        Assert.DoesNotContain("Migrated", migrate.Stderr, StringComparison.Ordinal);
        Assert.Contains($"SQLite: the database is now at {ShippedSchema.Latest}.", migrate.Stdout, StringComparison.Ordinal);
        Assert.Equal(Pending, migrate.Stdout.Split('\n').Count(l => l.StartsWith("SQLite: applied ", StringComparison.Ordinal)));
    }

    private void CreateOlderWorkspace()
    {
        using (SqliteWorkspaceDatabase.Open(new Workspace(_workspace.Root), migrations: [.. ShippedSchema.Sqlite.Where(m => m.Version <= Older)]))
        {
        }

        SqliteConnection.ClearAllPools();
    }

    public void Dispose() => _workspace.Dispose();
}
