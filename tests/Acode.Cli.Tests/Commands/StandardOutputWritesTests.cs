using System.Diagnostics;
using System.Text.RegularExpressions;
using Acode.Cli.Tests.Support;

namespace Acode.Cli.Tests.Commands;

/// <summary>
/// Standard output into a pipe or a file is written in large blocks, not a system call per line: the real binary under
/// <c>strace</c> (on PATH on the development machine), its writes to standard output counted. A listing of 400 lines must
/// take a few writes (at least 4 KiB each on average), all of it arriving.
/// </summary>
public sealed class StandardOutputWritesTests : IDisposable
{
    private readonly CliWorkspace _workspace = new();

    [Theory]
    [InlineData("| cat >")]
    [InlineData(">")]
    public async Task A_long_listing_into_a_pipe_or_a_file_is_written_in_a_few_large_writes(string redirect)
    {
        await _workspace.RunOkAsync("demo", "--sessions", "300");
        string log = Path.Combine(_workspace.Root, "strace.log");
        string stdoutCopy = Path.Combine(_workspace.Root, "out.txt");

        (int exitCode, string stderr) = await BashAsync(
            $"strace -f -qq -y -e trace=write -e signal=none -o '{log}' dotnet '{AcodeBinary.Path}' --workspace '{_workspace.Root}' session search a -n 200 {redirect} '{stdoutCopy}'; exit ${{PIPESTATUS[0]}}");

        Assert.True(exitCode == 0, stderr);
        long bytes = new FileInfo(stdoutCopy).Length;
        int lines = File.ReadAllLines(stdoutCopy).Length;
        // Into a pipe acode writes to descriptor 1; into a file, through the console's stream on a copy of it (-y: its path).
        var toStandardOutput = new Regex($@"^\d+\s+write\((1<pipe:\[\d+\]>|\d+<{Regex.Escape(stdoutCopy)}>),", RegexOptions.Multiline);
        int writes = toStandardOutput.Count(await File.ReadAllTextAsync(log));
        Assert.True(lines > 300, $"only {lines} lines listed");
        Assert.True(writes >= 1 && writes <= 1 + (bytes / 4096), $"{writes} writes to standard output for {lines} lines ({bytes} bytes)");
    }

    public void Dispose() => _workspace.Dispose();

    private static async Task<(int ExitCode, string Stderr)> BashAsync(string script)
    {
        var info = new ProcessStartInfo("bash") { RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(script);
        info.Environment["DOTNET_NOLOGO"] = "1";
        using Process process = Process.Start(info) ?? throw new InvalidOperationException("Could not start bash.");
        process.StandardInput.Close();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stderr);
    }
}
