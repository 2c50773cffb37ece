using Acode.Cli.Tests.Support;

namespace Acode.Cli.Tests.Commands;

/// <summary>
/// <c>session export -o</c> to what is no file of a folder, run through bash as a user types it: <c>/dev/stdout</c> and
/// process substitution (links through /proc/self/fd to a pipe) are written in place, with or without --force, and no
/// temporary file is made inside /proc; <c>/dev/stdout</c> redirected to an empty file is written in place; a path in a
/// folder that does not exist is named as the user gave it; /dev/full is said as the failed write it is, never as a
/// full disk with a free-space figure.
/// </summary>
public sealed class ExportStreamTargetTests : IDisposable
{
    private readonly CliWorkspace _workspace = new();

    [Fact]
    public async Task Dev_stdout_to_a_pipe_is_written_in_place_with_or_without_force()
    {
        string expected = await DemoExportAsync();

        AcodeResult forced = await ShellAsync("session export --all -o /dev/stdout --force | wc -c");
        AcodeResult plain = await ShellAsync("session export --all -o /dev/stdout | wc -c");

        Assert.True(forced.ExitCode == 0, forced.ToString());
        Assert.Equal(expected.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), forced.Stdout.Trim());
        Assert.DoesNotContain(".tmp", forced.Stderr, StringComparison.Ordinal);
        Assert.True(plain.ExitCode == 0, plain.ToString());
        Assert.Equal(expected.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), plain.Stdout.Trim());
    }

    [Fact]
    public async Task Process_substitution_is_written_in_place()
    {
        string expected = await DemoExportAsync();

        // The substitution's cat writes into the pipe to wc, which ends only once cat has ended too.
        AcodeResult result = await ShellAsync("session export --all -o >(cat) --force | wc -c");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(expected.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), result.Stdout.Trim());
        Assert.Contains("Exported 3 sessions to /dev/fd/", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dev_stdout_redirected_to_a_new_file_is_written_in_place_and_one_with_content_is_kept_without_force()
    {
        string expected = await DemoExportAsync();
        string file = Path.Combine(_workspace.Root, "out.jsonl");

        AcodeResult fresh = await ShellAsync($"session export --all -o /dev/stdout > '{file}'");
        Assert.True(fresh.ExitCode == 0, fresh.ToString());
        Assert.Equal(expected, await File.ReadAllTextAsync(file));

        AcodeResult appended = await ShellAsync($"session export --all -o /dev/stdout >> '{file}'");
        Assert.True(appended.ExitCode == 2, appended.ToString());
        Assert.Contains($"'/dev/stdout' (the file '{file}' it leads to) already exists", appended.Stderr, StringComparison.Ordinal);
        Assert.Equal(expected, await File.ReadAllTextAsync(file));
    }

    [Fact]
    public async Task An_empty_file_is_written_in_place_without_force()
    {
        string expected = await DemoExportAsync();
        string file = Path.Combine(_workspace.Root, "made-by-mktemp");
        await File.WriteAllTextAsync(file, "");

        AcodeResult result = await _workspace.RunAsync("session", "export", "--all", "-o", file);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(expected, await File.ReadAllTextAsync(file));
    }

    [Fact]
    public async Task A_path_in_a_folder_that_does_not_exist_is_named_as_given()
    {
        await DemoExportAsync();

        AcodeResult result = await _workspace.RunAsync("session", "export", "--all", "-o", Path.Combine("nodir", "x.jsonl"));

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("Error: Cannot create 'nodir/x.jsonl': the folder", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("does not exist", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(".tmp", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dev_full_is_said_as_a_failed_write_not_as_a_full_disk()
    {
        await DemoExportAsync();

        AcodeResult redirected = await ShellAsync("session export --all -o - > /dev/full");
        AcodeResult named = await _workspace.RunAsync("session", "export", "--all", "-o", "/dev/full");

        foreach (AcodeResult result in new[] { redirected, named })
        {
            Assert.True(result.ExitCode == 2, result.ToString());
            Assert.Contains("could not be written: no space left on the device (ENOSPC)", result.Stderr, StringComparison.Ordinal);
            Assert.DoesNotContain("is full", result.Stderr, StringComparison.Ordinal);
            Assert.DoesNotContain("free)", result.Stderr, StringComparison.Ordinal);
            Assert.DoesNotContain("Unexpected error", result.Stderr, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    [Trait("Issue", "trial29.5")]
    public async Task A_kernel_file_that_takes_no_writes_is_a_failed_write_with_exit_2_not_a_bug(bool force)
    {
        await DemoExportAsync();

        AcodeResult result = await _workspace.RunAsync(["session", "export", "--all", "-o", "/proc/version", .. force ? new[] { "--force" } : []]);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("Error: Cannot write to '/proc/version': ", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("Try: Check that it is a file or device that takes writes", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Unexpected error", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("bug", result.Stderr, StringComparison.Ordinal);
    }

    public void Dispose() => _workspace.Dispose();

    private async Task<string> DemoExportAsync()
    {
        await _workspace.RunOkAsync("demo", "--sessions", "3");
        return (await _workspace.RunOkAsync("session", "export", "--all")).Stdout;
    }

    private Task<AcodeResult> ShellAsync(string rest)
        => PrintedCommand.RunAsync($"acode --workspace '{_workspace.Root}' {rest}", _workspace.Root);
}
