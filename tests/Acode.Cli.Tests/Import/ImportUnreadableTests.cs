using System.Diagnostics;
using System.Text.Json;
using Acode.Cli.Tests.Support;

namespace Acode.Cli.Tests.Import;

/// <summary>
/// Paths an import cannot read (a file without read permission, a folder that cannot be listed, a symbolic link to
/// nothing, a link loop), through the real binary run unprivileged (as <c>nobody</c> through setpriv when the tests run
/// as root, since root reads any file): every readable transcript is imported, each unreadable path is said once.
/// </summary>
public sealed class ImportUnreadableTests : IDisposable
{
    private const int Nobody = 65534;
    private static readonly bool IsRoot = Environment.UserName == "root";
    private readonly CliWorkspace _workspace = new();

    [Fact]
    public async Task Every_readable_transcript_of_a_folder_is_imported_and_each_unreadable_path_is_reported_with_its_reason()
    {
        string folder = Folder(out string locked, out string lockedFolder, out string dangling);

        AcodeResult result = await RunUnprivilegedAsync("--workspace", _workspace.Root, "import", "claude-code", folder, "--json");

        Assert.True(result.ExitCode == 2, result.ToString());
        JsonElement json = JsonDocument.Parse(result.Stdout).RootElement;
        Assert.Equal(
            [Path.Combine(folder, Session(1) + ".jsonl"), Path.Combine(folder, Session(3) + ".jsonl")],
            json.GetProperty("files").EnumerateArray().Select(f => f.GetProperty("path").GetString()!).Order(StringComparer.Ordinal));
        Assert.Equal(
            new[] { dangling, locked, lockedFolder }.Order(StringComparer.Ordinal),
            json.GetProperty("unreadable").EnumerateArray().Select(u => u.GetProperty("path").GetString()!).Order(StringComparer.Ordinal));
        Assert.Contains($"Error: Cannot read '{locked}': Access to the path", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("Try: Check the file's permissions", result.Stderr, StringComparison.Ordinal);
        Assert.Contains($"Error: Cannot read '{lockedFolder}'", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("Try: Check the folder's permissions", result.Stderr, StringComparison.Ordinal);
        Assert.Contains($"Error: Cannot read '{dangling}': it is a symbolic link to '/nowhere/at-all.jsonl', which does not exist", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("Try: Restore what the link points to, or remove the link.", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("symbolic links", result.Stderr, StringComparison.Ordinal); // the loop back up is followed once, not refused
        Assert.Equal(2, (await _workspace.SessionIdsAsync()).Count);
    }

    [Fact]
    public async Task Without_json_the_files_after_an_unreadable_one_are_imported_too()
    {
        string folder = Folder(out string locked, out _, out _);

        AcodeResult result = await RunUnprivilegedAsync("--workspace", _workspace.Root, "import", "claude-code", folder);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("Imported 2 transcript(s) into 2 session(s)", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("3 path(s) could not be read (below)", result.Stdout, StringComparison.Ordinal);
        Assert.Single(result.Stderr.Split('\n'), l => l.Contains($"'{locked}'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Watch_says_an_unreadable_file_once_and_again_when_it_can_be_read()
    {
        string folder = Folder(out string locked, out _, out _);
        using Process watch = StartUnprivileged("--workspace", _workspace.Root, "import", "claude-code", folder, "--watch");
        Task<string> output = watch.StandardOutput.ReadToEndAsync();
        try
        {
            await WaitForAsync(async () => (await _workspace.SessionIdsAsync()).Count == 2);
            File.SetUnixFileMode(locked, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
            await WaitForAsync(async () => (await _workspace.SessionIdsAsync()).Count == 3);
        }
        finally
        {
            await ProcessInterrupt.SendAndWaitAsync(watch);
        }

        string text = await output;
        Assert.Equal(0, watch.ExitCode);
        // Polled many times while it was locked: said once, then once more when it could be read.
        Assert.Single(text.Split('\n'), l => l.Contains($"cannot read {locked}", StringComparison.Ordinal));
        Assert.Single(text.Split('\n'), l => l.Contains($"{locked} can be read again", StringComparison.Ordinal));
        Assert.Single(text.Split('\n'), l => l.Contains("which does not exist", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Watch_says_a_folder_that_can_be_read_again_and_that_cannot_again_and_a_path_given_that_is_not_there_yet()
    {
        // trial Y: neither the recovery of a folder nor its second outage was said (only files were looked at again).
        string folder = Folder(out _, out string lockedFolder, out _);
        string later = Path.Combine(_workspace.Root, "later");
        using Process watch = StartUnprivileged("--workspace", _workspace.Root, "import", "claude-code", folder, later, "--watch");
        var lines = new System.Collections.Concurrent.ConcurrentQueue<string>();
        Task reading = Task.Run(async () =>
        {
            while (await watch.StandardOutput.ReadLineAsync() is { } line)
            {
                lines.Enqueue(line);
            }
        });
        int Said(string text) => lines.Count(l => l.Contains(text, StringComparison.Ordinal));
        try
        {
            await WaitForAsync(() => Task.FromResult(Said($"{later} is not there (yet)") == 1 && Said($"cannot read {lockedFolder}") == 1));
            File.SetUnixFileMode(lockedFolder, (UnixFileMode)Convert.ToInt32("755", 8));
            await WaitForAsync(() => Task.FromResult(Said($"{lockedFolder} can be read again") == 1));
            File.SetUnixFileMode(lockedFolder, UnixFileMode.None);
            await WaitForAsync(() => Task.FromResult(Said($"cannot read {lockedFolder}") == 2));
            Directory.CreateDirectory(later);
            Chown(later);
            await WaitForAsync(() => Task.FromResult(Said($"{later} is there now") == 1));
        }
        finally
        {
            await ProcessInterrupt.SendAndWaitAsync(watch);
            await reading;
        }

        Assert.Equal(0, watch.ExitCode);
        Assert.Equal(3, (await _workspace.SessionIdsAsync()).Count); // the locked folder's transcript, imported while it could be read
        Assert.Equal((1, 2, 1, 1), (Said($"{lockedFolder} can be read again"), Said($"cannot read {lockedFolder}"), Said($"{later} is not there (yet)"), Said($"{later} is there now")));
    }

    [Fact]
    public async Task Session_import_given_a_Claude_Code_transcript_names_the_command_that_imports_it()
    {
        AcodeResult result = await _workspace.RunAsync("session", "import", TranscriptFixtures.ClaudeFile);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("it looks like a Claude Code transcript", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("Try: Import it with 'acode import claude-code " + TranscriptFixtures.ClaudeFile + "'", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Session_import_given_a_Codex_rollout_names_the_command_that_imports_it()
    {
        AcodeResult result = await _workspace.RunAsync("session", "import", TranscriptFixtures.CodexFile);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Try: Import it with 'acode import codex " + TranscriptFixtures.CodexFile + "'", result.Stderr, StringComparison.Ordinal);
    }

    private static string Session(int n) => $"2222222{n}-2222-4333-8444-555555555555";

    /// <summary>
    /// transcripts/: sessions 1 and 3 readable, 2 without read permission, locked/ (a folder nobody may list, with a
    /// transcript in it), a .jsonl link to nothing, and sub/back, a link to its own parent (a loop).
    /// </summary>
    private string Folder(out string locked, out string lockedFolder, out string dangling)
    {
        string folder = Path.Combine(_workspace.Root, "transcripts");
        Directory.CreateDirectory(Path.Combine(folder, "sub"));
        foreach (int n in new[] { 1, 2, 3 })
        {
            File.WriteAllText(Path.Combine(folder, Session(n) + ".jsonl"), Transcript(n));
        }

        lockedFolder = Path.Combine(folder, "locked");
        Directory.CreateDirectory(lockedFolder);
        File.WriteAllText(Path.Combine(lockedFolder, Session(4) + ".jsonl"), Transcript(4));
        dangling = Path.Combine(folder, Session(5) + ".jsonl");
        File.CreateSymbolicLink(dangling, "/nowhere/at-all.jsonl");
        Directory.CreateSymbolicLink(Path.Combine(folder, "sub", "back"), "..");
        if (IsRoot)
        {
            // The unprivileged child writes the workspace and reads the transcripts.
            Chown(_workspace.Root);
        }

        locked = Path.Combine(folder, Session(2) + ".jsonl");
        File.SetUnixFileMode(locked, UnixFileMode.None);
        File.SetUnixFileMode(lockedFolder, UnixFileMode.None);
        return folder;
    }

    private static string Transcript(int n)
        => $$$"""{"type":"user","uuid":"u{{{n}}}","timestamp":"2026-11-30T11:00:0{{{n}}}Z","message":{"role":"user","content":"prompt {{{n}}}"}}""" + "\n";

    private static void Chown(string path)
    {
        using Process chown = Process.Start("chown", ["-R", $"{Nobody}:{Nobody}", path])!;
        chown.WaitForExit();
        Assert.Equal(0, chown.ExitCode);
        File.SetUnixFileMode(path, (UnixFileMode)Convert.ToInt32("755", 8));
    }

    private Process StartUnprivileged(params string[] args)
    {
        var info = new ProcessStartInfo(IsRoot ? "setpriv" : "dotnet")
        {
            WorkingDirectory = _workspace.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        if (IsRoot)
        {
            foreach (string prefix in (string[])[$"--reuid={Nobody}", $"--regid={Nobody}", "--clear-groups", "--", "dotnet"])
            {
                info.ArgumentList.Add(prefix);
            }
        }

        info.ArgumentList.Add(AcodeBinary.Path);
        args.ToList().ForEach(info.ArgumentList.Add);
        foreach (string key in info.Environment.Keys.Where(k => k.StartsWith("ACODE_", StringComparison.Ordinal)).ToList())
        {
            info.Environment.Remove(key);
        }

        info.Environment["DOTNET_NOLOGO"] = "1";
        info.Environment["HOME"] = _workspace.Root;
        info.Environment["DOTNET_CLI_HOME"] = _workspace.Root;
        return Process.Start(info) ?? throw new InvalidOperationException("Could not start acode.");
    }

    private async Task<AcodeResult> RunUnprivilegedAsync(params string[] args)
    {
        using Process process = StartUnprivileged(args);
        process.StandardInput.Close();
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(3));
        return new AcodeResult(process.ExitCode, await stdout, await stderr);
    }

    private static async Task WaitForAsync(Func<Task<bool>> done)
    {
        for (int attempt = 0; attempt < 600; attempt++)
        {
            try
            {
                if (await done())
                {
                    return;
                }
            }
            catch (Xunit.Sdk.XunitException)
            {
                // The watcher has not created the workspace yet.
            }

            await Task.Delay(200);
        }

        throw new TimeoutException("acode import --watch did not record the transcripts within two minutes.");
    }

    public void Dispose()
    {
        // Give the folders back their permissions, or they cannot be deleted by a non-root test user.
        string lockedFolder = Path.Combine(_workspace.Root, "transcripts", "locked");
        if (Directory.Exists(lockedFolder))
        {
            File.SetUnixFileMode(lockedFolder, (UnixFileMode)Convert.ToInt32("755", 8));
        }

        _workspace.Dispose();
    }
}
