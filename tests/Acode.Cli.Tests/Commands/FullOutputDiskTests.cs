using Acode.Cli.Tests.Support;
using Acode.Testing;

namespace Acode.Cli.Tests.Commands;

/// <summary>
/// acode's output on a real full disk (a 3 MiB tmpfs filled with dd), the workspace on another: an export with -o and
/// standard output redirected there fail with exit 2 saying that the output's disk is full and what to do, never as an
/// internal error, and leave no partial file beside the target. Mounting needs root, which CI has; elsewhere the test
/// fails and says so rather than pass unseen.
/// </summary>
public sealed class FullOutputDiskTests : IAsyncLifetime, IDisposable
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
        await MountAsync("-t", "tmpfs", "-o", "size=3m,mode=0755", "tmpfs", _mount);
        _mounted = true;
        // dd writes until "No space left on device" and exits 1: the disk is then full, as wanted.
        await CommandRunner.RunDirectAsync("dd", "if=/dev/zero", $"of={Path.Combine(_mount, "filler")}", "bs=64k");
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

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_mounted)
        {
            await CommandRunner.RunDirectAsync("umount", "-l", _mount);
        }

        try
        {
            Directory.Delete(_mount, recursive: true);
        }
        catch (IOException)
        {
            // Still busy for a moment: the OS temp cleaner takes it.
        }
    }

    /// <summary>After <see cref="DisposeAsync"/> (xunit calls both, in that order).</summary>
    public void Dispose() => _workspace.Dispose();

    private static void AssertFull(AcodeResult result, string said)
    {
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(said, result.Stderr, StringComparison.Ordinal);
        Assert.Contains("Try: Free space on that disk", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Unexpected error", result.Stderr, StringComparison.Ordinal);
    }

    private static async Task MountAsync(params string[] args)
    {
        (int exitCode, string output) = await CommandRunner.RunDirectAsync("mount", args);
        Assert.True(exitCode == 0, $"mount {string.Join(' ', args)}: {output}");
    }
}
