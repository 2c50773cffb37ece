using System.Diagnostics;
using Acode.Cli.Tests.Support;

namespace Acode.Cli.Tests.Commands;

/// <summary>
/// Where <c>session export -o</c> writes: <c>-</c> is standard output; a symbolic link is followed (the link stays, its
/// target gets the export); a fifo is written to, never replaced by a regular file; an empty file is written in place.
/// Only temp-folder fifos and links: never a real device.
/// </summary>
public sealed class SessionExportTargetTests : IDisposable
{
    private readonly CliWorkspace _workspace = new();

    [Fact]
    public async Task A_dash_writes_to_standard_output_and_creates_no_file_named_dash()
    {
        string id = await DemoAsync();
        string expected = (await _workspace.RunOkAsync("session", "export", id)).Stdout;

        AcodeResult dash = await _workspace.RunAsync("session", "export", id, "-o", "-");

        Assert.True(dash.ExitCode == 0, dash.ToString());
        Assert.Equal(expected, dash.Stdout);
        Assert.False(File.Exists(Path.Combine(_workspace.Root, "-")), "a file named '-' was written");
    }

    [Fact]
    public async Task A_symbolic_link_is_followed_with_force_and_stays_a_link()
    {
        string id = await DemoAsync();
        string expected = (await _workspace.RunOkAsync("session", "export", id)).Stdout;
        string target = Path.Combine(_workspace.Root, "real.jsonl");
        string link = Path.Combine(_workspace.Root, "link.jsonl");
        await File.WriteAllTextAsync(target, "old content\n");
        File.CreateSymbolicLink(link, "real.jsonl");

        AcodeResult refused = await _workspace.RunAsync("session", "export", id, "-o", link);
        Assert.True(refused.ExitCode == 2, refused.ToString());
        Assert.Equal("old content\n", await File.ReadAllTextAsync(target));

        await _workspace.RunOkAsync("session", "export", id, "-o", link, "--force");

        Assert.Equal("real.jsonl", new FileInfo(link).LinkTarget);
        Assert.Equal(expected, await File.ReadAllTextAsync(target));
    }

    [Fact]
    public async Task A_link_to_a_missing_file_creates_that_file()
    {
        string id = await DemoAsync();
        string target = Path.Combine(_workspace.Root, "later.jsonl");
        string link = Path.Combine(_workspace.Root, "link.jsonl");
        File.CreateSymbolicLink(link, target);

        await _workspace.RunOkAsync("session", "export", id, "-o", link);

        Assert.Equal(target, new FileInfo(link).LinkTarget);
        Assert.Equal((await _workspace.RunOkAsync("session", "export", id)).Stdout, await File.ReadAllTextAsync(target));
    }

    [Fact]
    public async Task A_fifo_is_written_to_and_stays_a_fifo()
    {
        string id = await DemoAsync();
        string expected = (await _workspace.RunOkAsync("session", "export", id)).Stdout;
        string fifo = Path.Combine(_workspace.Root, "pipe");
        await RunAsync("mkfifo", fifo);
        Task<string> reader = Task.Run(() => File.ReadAllTextAsync(fifo));

        AcodeResult result = await _workspace.RunAsync("session", "export", id, "-o", fifo, "--force");
        if (!reader.IsCompleted && result.ExitCode != 0)
        {
            await File.WriteAllTextAsync(fifo, ""); // acode never opened it: let the reader end
        }

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(expected, await reader.WaitAsync(TimeSpan.FromMinutes(1)));
        Assert.Equal("fifo", (await RunAsync("stat", "-c", "%F", fifo)).Trim());
    }

    [Fact]
    public async Task An_existing_empty_file_is_written_in_place()
    {
        string id = await DemoAsync();
        string file = Path.Combine(_workspace.Root, "empty.jsonl");
        await File.WriteAllTextAsync(file, "");

        await _workspace.RunOkAsync("session", "export", id, "-o", file, "--force");

        Assert.Equal((await _workspace.RunOkAsync("session", "export", id)).Stdout, await File.ReadAllTextAsync(file));
    }

    [Fact]
    public async Task A_file_replaced_with_force_keeps_its_permissions_and_a_new_file_is_owner_only()
    {
        string id = await DemoAsync();
        string shared = Path.Combine(_workspace.Root, "shared.jsonl");
        string fresh = Path.Combine(_workspace.Root, "fresh.jsonl");
        await File.WriteAllTextAsync(shared, "old\n");
        UnixFileMode readable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
        File.SetUnixFileMode(shared, readable);

        await _workspace.RunOkAsync("session", "export", id, "-o", shared, "--force");
        await _workspace.RunOkAsync("session", "export", id, "-o", fresh);

        Assert.Equal(readable, File.GetUnixFileMode(shared));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(fresh));
        Assert.Equal(await File.ReadAllTextAsync(fresh), await File.ReadAllTextAsync(shared));
    }

    [Fact]
    public async Task A_file_a_killed_export_left_beside_the_target_is_removed_by_the_next_export_and_one_being_written_stays()
    {
        string id = await DemoAsync();
        string target = Path.Combine(_workspace.Root, "out.jsonl");
        string abandoned = Path.Combine(_workspace.Root, $".out.jsonl.{Guid.NewGuid():N}.tmp");
        string writing = Path.Combine(_workspace.Root, $".out.jsonl.{Guid.NewGuid():N}.tmp");
        string someoneElses = Path.Combine(_workspace.Root, ".out.jsonl.notours.tmp");
        foreach (string file in new[] { abandoned, writing, someoneElses })
        {
            await File.WriteAllTextAsync(file, "{\"entity\":\"Session\"}\n");
        }

        // An export still writing holds its file locked, as the one in the acode process does.
        using (new FileStream(writing, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
        {
            await _workspace.RunOkAsync("session", "export", id, "-o", target);
        }

        Assert.False(File.Exists(abandoned));
        Assert.True(File.Exists(writing));
        Assert.True(File.Exists(someoneElses));
        Assert.Equal((await _workspace.RunOkAsync("session", "export", id)).Stdout, await File.ReadAllTextAsync(target));
    }

    public void Dispose() => _workspace.Dispose();

    private async Task<string> DemoAsync()
    {
        await _workspace.RunOkAsync("demo");
        return (await _workspace.SessionIdsAsync()).Single();
    }

    private static async Task<string> RunAsync(string program, params string[] arguments)
    {
        using Process process = Process.Start(new ProcessStartInfo(program, arguments) { RedirectStandardOutput = true, UseShellExecute = false })!;
        string output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"{program} failed");
        return output;
    }
}
