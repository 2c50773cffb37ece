using Acode.Cli.Tests.Support;

namespace Acode.Cli.Tests.Commands;

/// <summary>
/// A reader that goes away before the output is complete (<c>| head</c>): acode stops writing and exits 141, as a process
/// SIGPIPE ended (what <c>set -o pipefail</c> and shells expect), with nothing on standard error; never 0 with the
/// output cut short. Outputs larger than a pipe's 64 KiB buffer, so that the write after head's exit is refused.
/// </summary>
public sealed class BrokenPipeTests : IDisposable
{
    private readonly CliWorkspace _workspace = new();

    [Fact]
    public async Task Every_way_of_writing_standard_output_exits_141_when_its_reader_went_away()
    {
        await _workspace.RunOkAsync("demo", "--sessions", "300");

        AcodeResult export = await ShellAsync("session export --all -o - | head -c 100 >/dev/null; exit ${PIPESTATUS[0]}");
        AcodeResult devStdout = await ShellAsync("session export --all -o /dev/stdout | head -c 100 >/dev/null; exit ${PIPESTATUS[0]}");
        AcodeResult json = await ShellAsync("session list --json -n 1000 | head -1 >/dev/null; exit ${PIPESTATUS[0]}");

        foreach (AcodeResult result in new[] { export, devStdout, json })
        {
            Assert.True(result.ExitCode == 141, result.ToString());
            Assert.DoesNotContain("Error", result.Stderr, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Output_to_a_file_the_shell_shares_with_the_next_command_is_kept()
    {
        await _workspace.RunOkAsync("demo");
        string file = Path.Combine(_workspace.Root, "shared.txt");

        // Both write through the shell's one descriptor: acode's output must move its offset, or echo writes over it.
        AcodeResult result = await ShellAsync($"session list --json > /dev/null; {{ acode --workspace '{_workspace.Root}' session list --json; echo END; }} > '{file}'");

        Assert.True(result.ExitCode == 0, result.ToString());
        string text = await File.ReadAllTextAsync(file);
        Assert.StartsWith("{", text, StringComparison.Ordinal);
        Assert.EndsWith("}\nEND\n", text, StringComparison.Ordinal);
    }

    public void Dispose() => _workspace.Dispose();

    private Task<AcodeResult> ShellAsync(string rest)
        => PrintedCommand.RunAsync($"acode --workspace '{_workspace.Root}' {rest}", _workspace.Root);
}
