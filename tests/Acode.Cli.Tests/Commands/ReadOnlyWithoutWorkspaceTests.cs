using Acode.Cli.Tests.Support;

namespace Acode.Cli.Tests.Commands;

/// <summary>A read-only command run where no workspace exists says where it looked, exits 1 and creates nothing.</summary>
public sealed class ReadOnlyWithoutWorkspaceTests : IDisposable
{
    private readonly CliWorkspace _workspace = new();

    [Theory]
    [InlineData("session list")]
    [InlineData("session show sess_01JD3Z6Q6V2K8M4N5P7R9S1T3V")]
    [InlineData("session export sess_01JD3Z6Q6V2K8M4N5P7R9S1T3V")]
    [InlineData("db status")]
    [InlineData("db check")]
    [InlineData("db schema version")]
    [InlineData("db sync status")]
    public async Task Run_in_a_folder_without_a_workspace_it_names_the_folders_it_looked_in_and_creates_nothing(string arguments)
    {
        string project = Directory.CreateDirectory(Path.Combine(_workspace.Root, "project", "src")).FullName;

        AcodeResult result = await _workspace.RunInAsync(project, arguments.Split(' '));

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains($"Error: No acode workspace here: looked for .agent/workspace.db in {project}, {Path.GetDirectoryName(project)}, ", result.Stderr);
        Assert.Contains("Nothing was created.", result.Stderr);
        Assert.Contains("Try: Run it in your project's folder", result.Stderr);
        Assert.Contains("'acode demo'", result.Stderr);
        Assert.Empty(Directory.EnumerateFileSystemEntries(project));
        Assert.False(Directory.Exists(Path.Combine(_workspace.Root, ".agent")));
    }

    [Fact]
    public async Task With_an_explicit_workspace_it_names_that_folder_and_creates_nothing()
    {
        AcodeResult result = await _workspace.RunAsync("session", "list");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"No acode workspace at {_workspace.Root} (given with --workspace)", result.Stderr);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_workspace.Root));
    }

    [Fact]
    public async Task Writing_commands_still_create_the_workspace()
    {
        await _workspace.RunOkAsync("db", "migrate");

        Assert.True(File.Exists(_workspace.DatabasePath));
        await _workspace.RunOkAsync("session", "list");
    }

    public void Dispose() => _workspace.Dispose();
}
