using Acode.Cli.Tests.Support;

namespace Acode.Cli.Tests.Commands;

/// <summary>
/// A path given on the command line that is (or goes through) a symbolic link looping back to itself (<c>ln -s loop
/// loop</c>) is said to be one, the same words for every kind of path, with exit 2: not "is a file, not a folder" nor
/// "does not exist", which send the user looking for the wrong problem.
/// </summary>
public sealed class SymbolicLinkLoopPathTests : IDisposable
{
    private static readonly string[][] Commands = [["session", "list"], ["demo"], ["db", "status"]];

    private readonly CliWorkspace _workspace = new();
    private readonly string _loop;

    public SymbolicLinkLoopPathTests()
    {
        _loop = Path.Combine(_workspace.Root, "loop");
        File.CreateSymbolicLink(_loop, "loop");
    }

    [Theory]
    [InlineData("loop")]
    [InlineData("loop/project")]
    public async Task A_workspace_through_a_link_loop_is_said_to_loop(string given)
    {
        foreach (string[] command in Commands)
        {
            AcodeResult result = await _workspace.RunInAsync(_workspace.Root, ["--workspace", given, .. command]);

            AssertLoopRefused(result, $"acode -w {given} {string.Join(' ', command)}");
            Assert.Contains("given with --workspace", result.Stderr, StringComparison.Ordinal);
        }

        Assert.False(Directory.Exists(Path.Combine(_workspace.Root, ".agent")));
    }

    [Theory]
    [InlineData(".agent")]
    [InlineData(".agent/workspace.db")] // the database path itself: its lstat does not fail, the link is followed to find out
    public async Task A_workspace_whose_agent_folder_or_database_is_a_link_loop_is_said_to_loop(string inside)
    {
        string project = Path.Combine(_workspace.Root, "project");
        string link = Path.Combine(project, inside);
        Directory.CreateDirectory(Path.GetDirectoryName(link)!);
        File.CreateSymbolicLink(link, Path.GetFileName(link));

        foreach (string[] command in Commands)
        {
            AcodeResult result = await _workspace.RunInAsync(_workspace.Root, ["--workspace", "project", .. command]);

            Assert.True(result.ExitCode == 2, $"acode -w project {string.Join(' ', command)}: {result}");
            Assert.Contains($"The workspace path '{project}' (given with --workspace) cannot be used: '{link}' is a symbolic link that loops (too many levels of symbolic links). Nothing was created or changed.", result.Stderr, StringComparison.Ordinal);
            Assert.Contains($"Try: Fix or remove the symbolic link '{link}'", result.Stderr, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_workspace_from_the_environment_through_a_link_loop_is_said_to_loop()
    {
        _workspace.Environment["ACODE_WORKSPACE"] = _loop;

        AcodeResult result = await _workspace.RunInAsync(_workspace.Root, "session", "list");

        AssertLoopRefused(result, "ACODE_WORKSPACE=loop acode session list");
        Assert.Contains("given by ACODE_WORKSPACE", result.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("loop")]
    [InlineData("loop/x.jsonl")]
    public async Task An_export_through_a_link_loop_is_said_to_loop(string given)
    {
        await _workspace.RunOkAsync("demo");
        string id = (await _workspace.SessionIdsAsync()).Single();

        AcodeResult result = await _workspace.RunAsync("session", "export", id, "-o", given);

        AssertLoopRefused(result, $"acode session export -o {given}");
        Assert.Contains($"Error: Cannot write '{given}': ", result.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("loop")]
    [InlineData("loop/x.jsonl")]
    public async Task A_session_import_through_a_link_loop_is_said_to_loop(string given)
    {
        AcodeResult result = await _workspace.RunAsync("session", "import", given);

        AssertLoopRefused(result, $"acode session import {given}");
        Assert.Contains($"Error: Cannot read '{given}': ", result.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("loop")]
    [InlineData("loop/x.jsonl")]
    public async Task A_transcript_import_through_a_link_loop_is_said_to_loop(string given)
    {
        AcodeResult result = await _workspace.RunAsync("import", "claude-code", given);

        AssertLoopRefused(result, $"acode import claude-code {given}");
        Assert.DoesNotContain("No file or folder", result.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(_workspace.DatabasePath));
    }

    [Fact]
    public async Task A_transcript_import_watching_a_link_loop_is_refused_at_once()
    {
        AcodeResult result = await _workspace.RunAsync("import", "claude-code", "--watch", "loop/sub");

        AssertLoopRefused(result, "acode import claude-code --watch loop/sub");
    }

    public void Dispose() => _workspace.Dispose();

    private void AssertLoopRefused(AcodeResult result, string what)
    {
        Assert.True(result.ExitCode == 2, $"{what}: {result}");
        Assert.Contains($"'{_loop}' is a symbolic link that loops (too many levels of symbolic links)", result.Stderr, StringComparison.Ordinal);
        Assert.Contains($"Try: Fix or remove the symbolic link '{_loop}'", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("is a file, not a folder", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("does not exist", result.Stderr, StringComparison.Ordinal);
    }
}
