using Acode.Cli.Tests.Support;

namespace Acode.Cli.Tests.Commands;

/// <summary>
/// A <c>--title</c> holding a NUL character (it can come only from a response file, as the command line cannot carry one)
/// is refused before anything is read (exit 2), by every command that takes one: SQLite would have bound it cut at the NUL
/// (the filter of nothing, listing every session) and PostgreSQL refuses it (error 22021).
/// </summary>
public sealed class TitleFilterNulTests : IDisposable
{
    private readonly CliWorkspace _workspace = new();

    [Theory]
    [Trait("Issue", "uitrial.1")]
    [InlineData("session list", "\0zzzz")]
    [InlineData("session list --json", "fix\0")]
    [InlineData("session search flaky", "\0")]
    [InlineData("session export", "\0zzzz")]
    [InlineData("session list --remote", "\0zzzz")]
    public async Task A_title_with_a_nul_character_is_a_usage_error_not_every_session(string command, string title)
    {
        await _workspace.RunOkAsync("demo");
        string arguments = Path.Combine(_workspace.Root, "title.rsp");
        await File.WriteAllTextAsync(arguments, $"--title\n{title}\n");

        AcodeResult result = await _workspace.RunAsync([.. command.Split(' '), "@" + arguments]);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("Error: --title: The title filter contains a NUL character (U+0000)", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("Try: ", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("sess_", result.Stdout, StringComparison.Ordinal);
    }

    public void Dispose() => _workspace.Dispose();
}
