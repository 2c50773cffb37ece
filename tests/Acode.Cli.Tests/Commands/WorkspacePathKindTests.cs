using Acode.Cli.Tests.Support;

namespace Acode.Cli.Tests.Commands;

/// <summary>
/// A workspace path of the wrong kind (a file given as the workspace, a file named .agent, a folder named workspace.db)
/// is ACODE-DB-001 saying so, the same for commands that write and commands that read, and nothing is created.
/// </summary>
public sealed class WorkspacePathKindTests : IDisposable
{
    private static readonly string[][] Commands = [["demo"], ["session", "list"], ["db", "status"], ["db", "check"], ["db", "migrate"]];

    private readonly CliWorkspace _folder = new();

    [Fact]
    public async Task A_file_given_as_the_workspace_is_said_to_be_a_file_not_a_folder()
    {
        string file = Path.Combine(_folder.Root, "notes.txt");
        await File.WriteAllTextAsync(file, "not a workspace");

        await AssertRefusedAsync(file, $"Error: ACODE-DB-001: The workspace path '{file}' (given with --workspace) is a file, not a folder");
        Assert.Equal("not a workspace", await File.ReadAllTextAsync(file));
    }

    [Fact]
    public async Task The_workspace_database_given_as_the_workspace_is_answered_with_its_project_folder()
    {
        await _folder.RunOkAsync("demo");

        await AssertRefusedAsync(_folder.DatabasePath, $"Try: Give the project's folder instead (e.g. --workspace {_folder.Root}),");
    }

    [Fact]
    public async Task A_file_named_agent_is_said_to_be_a_file_not_a_folder()
    {
        string agent = Path.Combine(_folder.Root, ".agent");
        await File.WriteAllTextAsync(agent, "x");

        await AssertRefusedAsync(_folder.Root, $"Error: ACODE-DB-001: '{agent}' is a file, not a folder");
    }

    [Fact]
    public async Task A_folder_named_workspace_db_is_said_to_be_a_folder_by_every_command()
    {
        Directory.CreateDirectory(_folder.DatabasePath);

        await AssertRefusedAsync(_folder.Root, $"Error: ACODE-DB-001: '{_folder.DatabasePath}' is a folder, not the workspace database file.");
        Assert.Empty(Directory.GetFileSystemEntries(_folder.DatabasePath));
    }

    [Theory]
    [InlineData("-shm", "a folder", "shared-memory index")] // every write failed as "read-only", db check said healthy (trial BA F5)
    [InlineData("-wal", "a folder", "write-ahead log")]
    [InlineData("-wal", "a symbolic link that loops", "write-ahead log")]
    [InlineData("-wal", "a symbolic link into a folder that does not exist", "write-ahead log")] // trial BC: named only "cannot open"
    [InlineData("-shm", "a symbolic link to a file", "shared-memory index")] // trial BD F6: SQLite does not open it through a link
    public async Task A_folder_or_a_symbolic_link_where_SQLite_keeps_its_log_or_index_is_named_by_every_command(string suffix, string what, string kept)
    {
        await _folder.RunOkAsync("demo");
        string companion = _folder.DatabasePath + suffix;
        File.Delete(companion);
        if (what == "a folder")
        {
            Directory.CreateDirectory(companion);
        }
        else if (what == "a symbolic link that loops")
        {
            File.CreateSymbolicLink(companion, companion);
        }
        else
        {
            string target = what == "a symbolic link to a file" ? Path.Combine(_folder.Root, "index") : Path.Combine(_folder.Root, "gone", "workspace.db-wal");
            if (what == "a symbolic link to a file")
            {
                File.WriteAllBytes(target, []);
            }

            File.CreateSymbolicLink(companion, target);
            what = $"a symbolic link (to '{target}')";
        }

        await AssertRefusedAsync(_folder.Root, $"Error: ACODE-DB-001: '{companion}' is {what}, where SQLite keeps the {kept} of the workspace database");
        if (what == "a folder")
        {
            Directory.Delete(companion);
        }
        else
        {
            File.Delete(companion);
        }

        Assert.Single(await _folder.SessionIdsAsync()); // nothing was lost: moved away, the workspace works again
    }

    public void Dispose() => _folder.Dispose();

    private async Task AssertRefusedAsync(string workspace, string said)
    {
        foreach (string[] command in Commands)
        {
            AcodeResult result = await _folder.RunInAsync(_folder.Root, ["--workspace", workspace, .. command]);

            Assert.True(result.ExitCode == 11, $"acode {string.Join(' ', command)}: {result}");
            Assert.Contains(said, result.Stderr, StringComparison.Ordinal);
            Assert.Contains("Nothing was created or changed.", result.Stderr, StringComparison.Ordinal);
            Assert.Contains("Try: ", result.Stderr, StringComparison.Ordinal);
        }
    }
}
