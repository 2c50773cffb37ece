using Acode.Cli.Tests.Support;

namespace Acode.Cli.Tests.Commands;

public sealed class WorkspaceDiscoveryTests : IDisposable
{
    private readonly CliWorkspace _workspace = new();

    [Fact]
    [Trait("AC", "AC-001")]
    public async Task A_command_run_in_a_subfolder_finds_the_workspace_above_it_like_git()
    {
        await _workspace.RunOkAsync("demo");
        string nested = Directory.CreateDirectory(Path.Combine(_workspace.Root, "src", "deep", "er")).FullName;

        AcodeResult result = await _workspace.RunInAsync(nested, "db", "status", "--json");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains(_workspace.DatabasePath, result.Stdout);
        Assert.False(Directory.Exists(Path.Combine(nested, ".agent")));
    }

    [Fact]
    [Trait("AC", "AC-001")]
    public async Task ACODE_WORKSPACE_names_the_workspace_when_no_option_is_given()
    {
        using var elsewhere = new CliWorkspace();
        _workspace.Environment["ACODE_WORKSPACE"] = elsewhere.Root;

        AcodeResult result = await _workspace.RunInAsync(_workspace.Root, "demo");

        Assert.Equal(0, result.ExitCode);
        Assert.True(File.Exists(elsewhere.DatabasePath));
        Assert.False(File.Exists(_workspace.DatabasePath));
    }

    [Fact]
    [Trait("AC", "AC-057")]
    public async Task The_agent_folder_and_database_files_are_owner_only()
    {
        await _workspace.RunOkAsync("demo");

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.Combine(_workspace.Root, ".agent")));
        foreach (string suffix in new[] { "", "-wal", "-shm" })
        {
            string path = _workspace.DatabasePath + suffix;
            if (File.Exists(path))
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
            }
        }
    }

    public void Dispose() => _workspace.Dispose();
}
