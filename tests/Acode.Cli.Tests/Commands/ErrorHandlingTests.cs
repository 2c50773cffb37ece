using System.Security.Cryptography;
using Acode.Cli.Tests.Support;
using Microsoft.Data.Sqlite;

namespace Acode.Cli.Tests.Commands;

/// <summary>Every error a user can hit carries its code, says what to do next, exits with the documented code, and loses nothing.</summary>
public sealed class ErrorHandlingTests : IDisposable
{
    private readonly CliWorkspace _workspace = new();

    [Fact]
    public async Task A_file_of_random_bytes_is_reported_as_ACODE_DB_002_and_left_byte_for_byte_unchanged()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_workspace.DatabasePath)!);
        byte[] garbage = RandomNumberGenerator.GetBytes(64 * 1024);
        await File.WriteAllBytesAsync(_workspace.DatabasePath, garbage);

        AcodeResult result = await _workspace.RunAsync("session", "list");

        Assert.Equal(12, result.ExitCode);
        Assert.Contains("Error: ACODE-DB-002:", result.Stderr);
        Assert.Contains("The file was left untouched.", result.Stderr);
        Assert.Contains("Try:", result.Stderr);
        Assert.Equal(garbage, await File.ReadAllBytesAsync(_workspace.DatabasePath));
        Assert.False(File.Exists(_workspace.DatabasePath + "-wal"));
    }

    [Fact]
    public async Task An_sqlite_file_of_another_application_is_refused_and_unchanged()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_workspace.DatabasePath)!);
        using (var connection = new SqliteConnection($"Data Source={_workspace.DatabasePath};Pooling=False"))
        {
            connection.Open();
            using SqliteCommand command = connection.CreateCommand();
            command.CommandText = "CREATE TABLE contacts (name TEXT); INSERT INTO contacts VALUES ('Ada');";
            command.ExecuteNonQuery();
        }

        byte[] before = await File.ReadAllBytesAsync(_workspace.DatabasePath);
        AcodeResult result = await _workspace.RunAsync("demo");

        Assert.Equal(12, result.ExitCode);
        Assert.Contains("it is an SQLite database of another application", result.Stderr);
        Assert.Equal(before, await File.ReadAllBytesAsync(_workspace.DatabasePath));
    }

    [Fact]
    [Trait("AC", "AC-006")]
    public async Task A_writer_that_cannot_get_the_lock_within_the_busy_timeout_gets_ACODE_DB_005()
    {
        await _workspace.RunOkAsync("db", "migrate");
        _workspace.Environment["ACODE_PERSISTENCE__SQLITE__BUSYTIMEOUTSECONDS"] = "1";
        using var holder = new SqliteConnection($"Data Source={_workspace.DatabasePath};Pooling=False");
        holder.Open();
        using (SqliteCommand begin = holder.CreateCommand())
        {
            begin.CommandText = "BEGIN IMMEDIATE;";
            begin.ExecuteNonQuery();
        }

        AcodeResult result = await _workspace.RunAsync("demo");

        Assert.Equal(15, result.ExitCode);
        Assert.Contains("Error: ACODE-DB-005:", result.Stderr);
        Assert.Contains("stayed locked by another writer for 1 s", result.Stderr);

        // The holder here is no acode process, and the timeout came from the environment, which the hint names.
        Assert.Contains("a tool such as the sqlite3 shell", result.Stderr.ReplaceLineEndings(" "), StringComparison.Ordinal);
        Assert.Contains("ACODE_PERSISTENCE__SQLITE__BUSYTIMEOUTSECONDS", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_invalid_configuration_value_is_ACODE_DB_007_naming_the_key()
    {
        Directory.CreateDirectory(Path.Combine(_workspace.Root, ".agent"));
        await File.WriteAllTextAsync(Path.Combine(_workspace.Root, ".agent", "config.json"), """{"persistence":{"sqlite":{"busyTimeoutSeconds":0}}}""");

        AcodeResult result = await _workspace.RunAsync("db", "status");

        Assert.Equal(17, result.ExitCode);
        Assert.Contains("ACODE-DB-007", result.Stderr);
        Assert.Contains("persistence:sqlite:busyTimeoutSeconds", result.Stderr);
        Assert.Contains("1 to 3600", result.Stderr);
    }

    [Fact]
    public async Task A_non_numeric_configuration_value_is_ACODE_DB_007_naming_the_key()
    {
        _workspace.Environment["ACODE_PERSISTENCE__SQLITE__SYNCHRONOUS"] = "sometimes";

        AcodeResult result = await _workspace.RunAsync("db", "status");

        Assert.Equal(17, result.ExitCode);
        Assert.Contains("ACODE-DB-007", result.Stderr);
        Assert.Contains("synchronous", result.Stderr, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Normal, Full (default) or Extra", result.Stderr);
    }

    [Fact]
    public async Task An_unknown_command_is_a_usage_error_with_a_hint()
    {
        AcodeResult result = await _workspace.RunAsync("session", "lst");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Error:", result.Stderr);
        Assert.Contains("Did you mean 'list'?", result.Stderr);
        Assert.Contains("Try: acode session list --help", result.Stderr);
    }

    [Fact]
    public async Task A_database_in_an_unwritable_place_is_ACODE_DB_001()
    {
        string file = Path.Combine(_workspace.Root, "not-a-folder");
        await File.WriteAllTextAsync(file, "x");

        AcodeResult result = await AcodeBinary.RunAsync(_workspace.Root, null, "--workspace", file, "db", "migrate");

        Assert.Equal(11, result.ExitCode);
        Assert.Contains("Error: ACODE-DB-001:", result.Stderr);
    }

    public void Dispose() => _workspace.Dispose();
}
