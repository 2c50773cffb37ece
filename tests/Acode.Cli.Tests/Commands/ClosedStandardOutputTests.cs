using Acode.Cli.Tests.Support;

namespace Acode.Cli.Tests.Commands;

/// <summary>
/// A command run with its standard output closed (<c>acode … &gt;&amp;-</c>) ends with exit 2 and says that its output
/// could not be written and why (EBADF), as for any output that cannot be written; it ended with exit 3, "Unexpected
/// error (UnauthorizedAccessException): Access to the path is denied … This is a bug". With standard error closed
/// (<c>2&gt;&amp;-</c>) nothing can be said, and the exit code alone says how it ended (it aborted, exit 134). Through
/// bash and the real binary.
/// </summary>
public sealed class ClosedStandardOutputTests : IDisposable
{
    private readonly CliWorkspace _workspace = new();

    [Theory]
    [InlineData("session list")]
    [InlineData("db status --json")]
    [InlineData("session export --all -o -")]
    [InlineData("--help")]
    [InlineData("demo")]
    public async Task A_closed_standard_output_is_said_as_output_that_cannot_be_written(string command)
    {
        await _workspace.RunOkAsync("demo");

        AcodeResult result = await PrintedCommand.RunAsync($"acode --workspace '{_workspace.Root}' {command} >&-", _workspace.Root);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("Error: Standard output could not be written: Bad file descriptor (EBADF: it is closed, or not open for writing).", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("Try: Run the command with its output going to a terminal, a file or a pipe", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("bug", result.Stderr, StringComparison.Ordinal);

        // What it did stays done (trial AA: it said "the workspace database is not affected" after a demo, an import or a sync).
        Assert.Contains("What the command did before stopping stays done", result.Stderr, StringComparison.Ordinal);
        Assert.Equal(command == "demo" ? 2 : 1, (await _workspace.SessionIdsAsync()).Count);
    }

    [Theory]
    [InlineData("session show sess_nope 2>&-")]
    [InlineData("session list >&- 2>&-")]
    public async Task A_closed_standard_error_leaves_the_exit_code_to_say_how_the_command_ended(string command)
    {
        // With nowhere to write its Error: line, the process aborted (exit 134).
        await _workspace.RunOkAsync("demo");

        AcodeResult result = await PrintedCommand.RunAsync($"acode --workspace '{_workspace.Root}' {command}", _workspace.Root);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Equal("", result.Stderr);
    }

    public void Dispose() => _workspace.Dispose();
}
