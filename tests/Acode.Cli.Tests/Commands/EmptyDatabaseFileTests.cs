using Acode.Cli.Tests.Support;
using Microsoft.Data.Sqlite;

namespace Acode.Cli.Tests.Commands;

/// <summary>
/// An empty (0-byte) <c>.agent/workspace.db</c> (a <c>touch</c>, a copy cut short) holds no workspace yet: the commands
/// that never create a workspace say so as where none exists (exit 1) and leave the file as it is, those that change one
/// (<c>session delete</c>, <c>db prune</c>, <c>db sync</c> and its <c>retry</c>) included; the commands that create a
/// workspace set it up, owner-only (0600) as one acode creates (README, "Where the data lives").
/// </summary>
public sealed class EmptyDatabaseFileTests : IDisposable
{
    private readonly CliWorkspace _workspace = new();

    /// <summary>The commands that read a workspace and change nothing in it (<c>ui</c> is in Acode.Ui.Tests).</summary>
    public static TheoryData<string> Reading => new()
    {
        "session list",
        "session list --json",
        "session show sess_01JD3Z6Q6V2K8M4N5P7R9S1T3V",
        "session search foo",
        "session export sess_01JD3Z6Q6V2K8M4N5P7R9S1T3V",
        "session delete sess_01JD3Z6Q6V2K8M4N5P7R9S1T3V --dry-run",
        "db status",
        "db check",
        "db schema version",
        "db sync status",
        "db prune --older-than 30d --dry-run",
    };

    /// <summary>The commands that change a workspace but never create one: a 0-byte file is none, as a missing one.</summary>
    public static TheoryData<string> ChangingExisting => new()
    {
        "session delete sess_01JD3Z6Q6V2K8M4N5P7R9S1T3V --yes",
        "db prune --older-than 30d --yes",
        "db sync",
        "db sync retry --all",
    };

    /// <summary>Commands that create a workspace: they set the empty file up.</summary>
    public static TheoryData<string> Writing => new()
    {
        "demo",
        "db migrate",
    };

    [Theory]
    [Trait("Issue", "uitrial.12")]
    [MemberData(nameof(Reading))]
    public async Task A_reading_command_finds_no_workspace_in_it_and_leaves_it_empty(string command)
    {
        CreateEmptyDatabaseFile(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        AcodeResult result = await _workspace.RunAsync(command.Split(' '));

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains($"No acode workspace at {_workspace.Root} yet: {_workspace.DatabasePath} is empty (0 bytes)", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Migrated", result.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, new FileInfo(_workspace.DatabasePath).Length);
        Assert.Equal([_workspace.DatabasePath], Directory.GetFiles(Path.Combine(_workspace.Root, ".agent")));
    }

    [Theory]
    [Trait("Issue", "opstrial.1")]
    [MemberData(nameof(ChangingExisting))]
    public async Task A_command_that_creates_no_workspace_finds_none_in_it_and_leaves_it_empty(string command)
    {
        CreateEmptyDatabaseFile(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        _workspace.Environment["ACODE_POSTGRES_URL"] = "postgresql://acode@127.0.0.1:1/acode"; // never reached

        AcodeResult result = await _workspace.RunAsync(command.Split(' '));

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains($"No acode workspace at {_workspace.Root} yet: {_workspace.DatabasePath} is empty (0 bytes)", result.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, new FileInfo(_workspace.DatabasePath).Length);
        Assert.Equal([_workspace.DatabasePath], Directory.GetFiles(Path.Combine(_workspace.Root, ".agent")));
    }

    /// <summary>
    /// An SQLite database with no tables (<c>sqlite3 .agent/workspace.db "pragma user_version=0;"</c>: one page, the
    /// header) holds no workspace either: the commands that never create one find none in it and leave its bytes as they
    /// are (they set acode's schema up in it, 0600, without a word, before).
    /// </summary>
    [Theory]
    [Trait("Issue", "teamtrial.6")]
    [MemberData(nameof(Reading))]
    [MemberData(nameof(ChangingExisting))]
    public async Task A_command_that_creates_no_workspace_finds_none_in_an_SQLite_database_with_no_tables_and_leaves_it_as_it_is(string command)
    {
        Directory.CreateDirectory(Path.Combine(_workspace.Root, ".agent"));
        using (var connection = new SqliteConnection($"Data Source={_workspace.DatabasePath};Pooling=False"))
        {
            connection.Open();
            using SqliteCommand pragma = connection.CreateCommand();
            pragma.CommandText = "PRAGMA user_version = 0; VACUUM;";
            pragma.ExecuteNonQuery();
        }

        byte[] before = await File.ReadAllBytesAsync(_workspace.DatabasePath);
        Assert.True(before.Length > 0, "precondition: the file holds SQLite's header");
        _workspace.Environment["ACODE_POSTGRES_URL"] = "postgresql://acode@127.0.0.1:1/acode"; // never reached

        AcodeResult result = await _workspace.RunAsync(command.Split(' '));

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains($"No acode workspace at {_workspace.Root} yet: {_workspace.DatabasePath} is an empty SQLite database (no tables), so nothing was ever recorded there; it was left as it is.", result.Stderr, StringComparison.Ordinal);
        Assert.Equal(before, await File.ReadAllBytesAsync(_workspace.DatabasePath));
        Assert.Equal([_workspace.DatabasePath], Directory.GetFiles(Path.Combine(_workspace.Root, ".agent")));
    }

    [Theory]
    [Trait("Issue", "uitrial.12")]
    [MemberData(nameof(Writing))]
    public async Task A_writing_command_sets_it_up_owner_only(string command)
    {
        CreateEmptyDatabaseFile(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead);

        AcodeResult result = await _workspace.RunAsync(command.Split(' '));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.True(new FileInfo(_workspace.DatabasePath).Length > 0);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_workspace.DatabasePath));
        await _workspace.RunOkAsync("db", "status");
    }

    public void Dispose() => _workspace.Dispose();

    private void CreateEmptyDatabaseFile(UnixFileMode mode)
    {
        Directory.CreateDirectory(Path.Combine(_workspace.Root, ".agent"));
        File.WriteAllBytes(_workspace.DatabasePath, []);
        File.SetUnixFileMode(_workspace.DatabasePath, mode);
    }
}
