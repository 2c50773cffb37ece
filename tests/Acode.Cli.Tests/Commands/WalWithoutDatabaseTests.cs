using System.Text.Json;
using Acode.Cli.Tests.Support;
using Microsoft.Data.Sqlite;

namespace Acode.Cli.Tests.Commands;

/// <summary>
/// A <c>-wal</c> holding changes next to a database file that is missing (moved away for a moment, deleted by hand): no
/// command creates a new database there, which would make SQLite discard the log; every command says so with
/// ACODE-DB-002 and leaves the log as it is, so putting the database back recovers the changes.
/// </summary>
public sealed class WalWithoutDatabaseTests : IDisposable
{
    private const string WalOnlyTitle = "WAL-ONLY-TITLE";

    private readonly CliWorkspace _source = new();
    private readonly CliWorkspace _workspace = new();
    private readonly string _movedAway = Path.Combine(Path.GetTempPath(), "acode-moved-" + Guid.NewGuid().ToString("N") + ".db");

    public static TheoryData<string> Commands => new()
    {
        "session list",
        "db status",
        "db check",
        "demo",
        "db migrate",
    };

    [Theory]
    [Trait("Issue", "trial29.4")]
    [MemberData(nameof(Commands))]
    public async Task No_command_creates_a_database_over_the_log_of_a_missing_one_and_the_changes_come_back_with_it(string command)
    {
        await _source.RunOkAsync("demo");
        LeaveOrphanWal();
        byte[] wal = await File.ReadAllBytesAsync(_workspace.DatabasePath + "-wal");

        AcodeResult result = await _workspace.RunAsync(command.Split(' '));

        Assert.True(result.ExitCode == 12, result.ToString());
        Assert.Contains($"Error: ACODE-DB-002: The workspace database '{_workspace.DatabasePath}' does not exist, but its write-ahead log", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("Try: Put the database file back next to its log", result.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(_workspace.DatabasePath), "a new database was created next to the log");
        Assert.Equal(wal, await File.ReadAllBytesAsync(_workspace.DatabasePath + "-wal"));

        // Put back, the database reads the log's changes.
        File.Move(_movedAway, _workspace.DatabasePath);
        JsonElement list = await _workspace.JsonAsync("session", "list");
        Assert.Contains(WalOnlyTitle, list.GetProperty("items").EnumerateArray().Select(s => s.GetProperty("title").GetString()));
    }

    [Theory]
    [Trait("Issue", "trial29.4")]
    [MemberData(nameof(Commands))]
    public async Task An_empty_database_file_next_to_a_log_of_changes_is_said_to_be_truncated_and_both_are_left_as_they_are(string command)
    {
        await _source.RunOkAsync("demo");
        LeaveOrphanWal();
        await File.WriteAllBytesAsync(_workspace.DatabasePath, []);
        byte[] wal = await File.ReadAllBytesAsync(_workspace.DatabasePath + "-wal");

        AcodeResult result = await _workspace.RunAsync(command.Split(' '));

        Assert.True(result.ExitCode == 12, result.ToString());
        Assert.Contains("it is empty (0 bytes) while its write-ahead log (-wal) holds changes, so it was truncated or replaced", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("another application", result.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, new FileInfo(_workspace.DatabasePath).Length);
        Assert.Equal(wal, await File.ReadAllBytesAsync(_workspace.DatabasePath + "-wal"));
    }

    public void Dispose()
    {
        _source.Dispose();
        _workspace.Dispose();
        File.Delete(_movedAway);
    }

    /// <summary>
    /// A change committed to the source's WAL and not checkpointed; the database file and its log are copied while the
    /// change is only in the log (as a copy of a running workspace holds them); then the database file is moved away.
    /// </summary>
    private void LeaveOrphanWal()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_workspace.DatabasePath)!);
        using (var connection = new SqliteConnection($"Data Source={_source.DatabasePath};Pooling=False"))
        {
            connection.Open();
            using SqliteCommand command = connection.CreateCommand();
            command.CommandText = $"PRAGMA wal_autocheckpoint = 0; UPDATE sessions SET title = '{WalOnlyTitle}';";
            command.ExecuteNonQuery();
            File.Copy(_source.DatabasePath, _movedAway);
            File.Copy(_source.DatabasePath + "-wal", _workspace.DatabasePath + "-wal");
        }

        Assert.True(new FileInfo(_workspace.DatabasePath + "-wal").Length > 0, "precondition: the log holds the change");
    }
}
