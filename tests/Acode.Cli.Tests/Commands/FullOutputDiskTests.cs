using System.Diagnostics;
using Acode.Cli.Tests.Support;

namespace Acode.Cli.Tests.Commands;

/// <summary>
/// acode's output on a real full disk (a 3 MiB tmpfs filled with dd), the workspace on another: an export with -o and
/// standard output redirected there fail with exit 2 saying that the output's disk is full and what to do, never as an
/// internal error, and leave no partial file beside the target. Mounting needs root, which CI has; elsewhere the test
/// fails and says so rather than pass unseen.
/// </summary>
public sealed class FullOutputDiskTests : IDisposable
{
    private readonly CliWorkspace _workspace = new();
    private readonly string _mount = Directory.CreateTempSubdirectory("acode-full-output-").FullName;
    private bool _mounted;

    [Fact]
    public async Task Output_to_a_full_disk_is_said_as_such_with_exit_2_and_leaves_no_partial_file()
    {
        Assert.True(
            Environment.UserName == "root",
            "This test mounts a 3 MiB tmpfs to fill a real disk, which needs root (CI runs the tests as root). Run it as root, e.g. in the CI container.");
        await _workspace.RunOkAsync("demo", "--sessions", "3");
        Assert.Equal(0, Run("mount", "-t", "tmpfs", "-o", "size=3m,mode=0755", "tmpfs", _mount));
        _mounted = true;
        Run("dd", "if=/dev/zero", $"of={Path.Combine(_mount, "filler")}", "bs=64k");
        string target = Path.Combine(_mount, "y.jsonl");
        string empty = Path.Combine(_mount, "empty.jsonl");
        await File.WriteAllBytesAsync(empty, []);

        AcodeResult export = await _workspace.RunAsync("session", "export", "--all", "-o", target);
        AcodeResult inPlace = await _workspace.RunAsync("session", "export", "--all", "-o", empty, "--force");
        AcodeResult demo = await PrintedCommand.RunAsync($"acode --workspace '{_workspace.Root}' demo > '{Path.Combine(_mount, "out")}'", _workspace.Root);
        AcodeResult exportToStdout = await PrintedCommand.RunAsync($"acode --workspace '{_workspace.Root}' session export --all > '{Path.Combine(_mount, "out2")}'", _workspace.Root);

        AssertFull(export, $"The disk holding '{target}' is full");
        Assert.Contains("was not created", export.Stderr, StringComparison.Ordinal);
        AssertFull(inPlace, $"The disk holding '{empty}' is full");
        Assert.Contains("is empty again", inPlace.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, new FileInfo(empty).Length);
        AssertFull(demo, $"Standard output ('{Path.Combine(_mount, "out")}') could not be written: the disk holding it is full");
        AssertFull(exportToStdout, $"Standard output ('{Path.Combine(_mount, "out2")}') could not be written: the disk holding it is full");
        Assert.Equal(["empty.jsonl", "filler", "out", "out2"], Directory.GetFiles(_mount).Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal).ToArray());
    }

    public void Dispose()
    {
        if (_mounted)
        {
            Run("umount", "-l", _mount);
        }

        try
        {
            Directory.Delete(_mount, recursive: true);
        }
        catch (IOException)
        {
            // Still busy for a moment: the OS temp cleaner takes it.
        }

        _workspace.Dispose();
    }

    private static void AssertFull(AcodeResult result, string said)
    {
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(said, result.Stderr, StringComparison.Ordinal);
        Assert.Contains("Try: Free space on that disk", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Unexpected error", result.Stderr, StringComparison.Ordinal);
    }

    private static int Run(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using Process process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {file}.");
        process.StandardOutput.ReadToEnd();
        process.StandardError.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode;
    }
}
