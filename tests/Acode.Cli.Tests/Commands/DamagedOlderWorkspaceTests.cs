using System.Text.Json;
using Acode.Cli.Tests.Support;
using Acode.Infrastructure;
using Acode.Infrastructure.Sqlite;
using Acode.Testing;
using Microsoft.Data.Sqlite;

namespace Acode.Cli.Tests.Commands;

/// <summary>
/// A workspace database at an older schema whose pages are damaged is never migrated: a migration rewrites tables and
/// indexes from the damaged pages, and the migrated file can no longer be opened by the acode that wrote it. Every
/// command refuses it (ACODE-DB-002) and leaves the file as it was, byte for byte; <c>db check</c> reports on it as it
/// is (exit 1) instead of failing.
/// </summary>
public sealed class DamagedOlderWorkspaceTests : IDisposable
{
    private static readonly Version Older = ShippedSchema.Sqlite[^2].Version;

    private readonly CliWorkspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    [Theory]
    [InlineData("session list")]
    [InlineData("db status")]
    [InlineData("db migrate")]
    [InlineData("demo")]
    public async Task A_command_does_not_migrate_a_damaged_older_workspace_and_leaves_the_file_as_it_was(string command)
    {
        byte[] before = CreateDamagedOlderWorkspace();

        AcodeResult result = await _workspace.RunAsync(command.Split(' '));

        Assert.Equal(12, result.ExitCode);
        Assert.Contains("ACODE-DB-002", result.Stderr, StringComparison.Ordinal);
        Assert.Contains($"is damaged (PRAGMA quick_check: ", result.Stderr, StringComparison.Ordinal);
        Assert.Contains($"so it was not migrated from schema {Older.ToString(3)} to {ShippedSchema.Latest}", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("'acode db check' reports the damage", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Migrated", result.Stderr, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(_workspace.DatabasePath));
    }

    [Fact]
    public async Task Db_check_reports_a_damaged_older_workspace_as_it_is_without_migrating_it()
    {
        byte[] before = CreateDamagedOlderWorkspace();

        AcodeResult check = await _workspace.RunAsync("db", "check");
        AcodeResult json = await _workspace.RunAsync("db", "check", "--json");

        Assert.Equal(1, check.ExitCode);
        Assert.Equal("", check.Stderr);
        Assert.Contains("FAIL integrity", check.Stdout, StringComparison.Ordinal);
        Assert.Contains("sessions: ", check.Stdout, StringComparison.Ordinal);
        Assert.Contains($"FAIL schema        {Older.ToString(3)} (latest {ShippedSchema.Latest}), not migrated: ACODE-DB-002", check.Stdout, StringComparison.Ordinal);
        Assert.Contains("The file is damaged: copy it aside", check.Stdout, StringComparison.Ordinal);
        Assert.Equal(1, json.ExitCode);
        JsonElement report = JsonDocument.Parse(json.Stdout).RootElement;
        Assert.False(report.GetProperty("healthy").GetBoolean());
        Assert.StartsWith("ACODE-DB-002: ", report.GetProperty("notMigrated").GetString(), StringComparison.Ordinal);
        Assert.Equal(
            ["integrity", "foreign keys", "row counts", "wal", "disk", "schema", "outbox", "backlog", "postgres"],
            report.GetProperty("checks").EnumerateArray().Select(c => c.GetProperty("check").GetString()));
        Assert.False(report.GetProperty("checks")[0].GetProperty("ok").GetBoolean());
        Assert.Equal(before, File.ReadAllBytes(_workspace.DatabasePath));
    }

    /// <summary>
    /// A workspace at <see cref="Older"/> whose <c>sessions</c> table has its root page overwritten with noise (a fixed
    /// seed); the file's bytes, checkpointed, as they are before any command runs.
    /// </summary>
    private byte[] CreateDamagedOlderWorkspace()
    {
        using (SqliteWorkspaceDatabase.Open(new Workspace(_workspace.Root), migrations: [.. ShippedSchema.Sqlite.Where(m => m.Version <= Older)]))
        {
        }

        SqliteConnection.ClearAllPools();
        PageNoise.OverwriteRootPage(_workspace.DatabasePath, "sessions");
        return File.ReadAllBytes(_workspace.DatabasePath);
    }
}
