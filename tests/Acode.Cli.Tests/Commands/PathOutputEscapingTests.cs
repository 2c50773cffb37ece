using System.Collections.Concurrent;
using System.Diagnostics;
using Acode.Cli.Tests.Import;
using Acode.Cli.Tests.Support;

namespace Acode.Cli.Tests.Commands;

/// <summary>
/// Paths printed as plain text: escape sequences in a folder name (an OSC 52 clipboard write) are shown as
/// <c>\u001B</c>, never sent to the terminal (<c>demo</c>, <c>db sync --watch</c> printed the workspace path raw), and
/// brackets are printed as they are (<c>import</c> doubled them: <c>t[[1]]</c>, markup escaping in plain text).
/// </summary>
public sealed class PathOutputEscapingTests : IDisposable
{
    private const string Hostile = "wsx\u001b]52;c;SGFja2Vk\u0007[red]";
    private readonly CliWorkspace _workspace = new();

    [Fact]
    [Trait("Issue", "hostile.D2")]
    public async Task Demo_shows_control_characters_of_the_workspace_path_as_text()
    {
        string workspace = Directory.CreateDirectory(Path.Combine(_workspace.Root, Hostile)).FullName;

        AcodeResult result = await AcodeBinary.RunAsync(_workspace.Root, _workspace.Environment, "--workspace", workspace, "demo");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.DoesNotContain('\u001b', result.Stdout);
        Assert.DoesNotContain('\u0007', result.Stdout);
        Assert.Contains("wsx\\u001B]52;c;SGFja2Vk\\u0007[red]/.agent/workspace.db", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Issue", "hostile.D2")]
    public async Task Db_sync_watch_shows_control_characters_of_the_workspace_path_as_text()
    {
        string workspace = Directory.CreateDirectory(Path.Combine(_workspace.Root, Hostile)).FullName;
        AcodeResult demo = await AcodeBinary.RunAsync(_workspace.Root, _workspace.Environment, "--workspace", workspace, "demo");
        Assert.True(demo.ExitCode == 0, demo.ToString());
        _workspace.Environment["ACODE_POSTGRES_URL"] = "postgresql://acode@127.0.0.1:1/acode"; // nothing listens: the watch waits and retries
        using Process watch = AcodeBinary.Start(_workspace.Root, _workspace.Environment, "--workspace", workspace, "db", "sync", "--watch");
        var lines = new ConcurrentQueue<string>();
        var said = new TaskCompletionSource();
        watch.OutputDataReceived += (_, e) =>
        {
            lines.Enqueue(e.Data ?? string.Empty);
            if (e.Data?.Contains("Ctrl+C stops.", StringComparison.Ordinal) == true || e.Data is null)
            {
                said.TrySetResult();
            }
        };
        watch.BeginOutputReadLine();
        try
        {
            // A hang guard, not a timing assertion.
            await said.Task.WaitAsync(TimeSpan.FromMinutes(2));
        }
        finally
        {
            watch.Kill(entireProcessTree: true);
            await watch.WaitForExitAsync();
        }

        string first = lines.FirstOrDefault(l => l.Length > 0) ?? string.Empty;
        Assert.StartsWith("Watching the outbox of ", first, StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', first);
        Assert.Contains("wsx\\u001B]52;c;SGFja2Vk\\u0007[red]/.agent/workspace.db", first, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Issue", "hostile.D3")]
    public async Task Import_prints_brackets_of_a_path_once()
    {
        string file = TranscriptFixtures.CopyClaude(Path.Combine(_workspace.Root, "t[1]"));

        AcodeResult result = await _workspace.RunAsync("import", "claude-code", Path.Combine(_workspace.Root, "t[1]"));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"{file}: sess_", result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("[[", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Issue", "hostile.D3")]
    public async Task Import_watch_prints_brackets_of_a_path_once()
    {
        string folder = Path.Combine(_workspace.Root, "t[1]");
        TranscriptFixtures.CopyClaude(folder);
        using Process watch = AcodeBinary.Start(_workspace.Root, _workspace.Environment, "--workspace", _workspace.Root, "import", "claude-code", "--watch", folder);
        var lines = new ConcurrentQueue<string>();
        var imported = new TaskCompletionSource();
        watch.OutputDataReceived += (_, e) =>
        {
            lines.Enqueue(e.Data ?? string.Empty);
            if (e.Data?.Contains(": sess_", StringComparison.Ordinal) == true || e.Data is null)
            {
                imported.TrySetResult();
            }
        };
        watch.BeginOutputReadLine();
        try
        {
            await imported.Task.WaitAsync(TimeSpan.FromMinutes(2)); // a hang guard, not a timing assertion
        }
        finally
        {
            watch.Kill(entireProcessTree: true);
            await watch.WaitForExitAsync();
        }

        string output = string.Join('\n', lines);
        Assert.Contains($"Following {folder} into ", output, StringComparison.Ordinal);
        Assert.Contains($"{folder}{Path.DirectorySeparatorChar}{TranscriptFixtures.ClaudeSessionId}.jsonl: sess_", output, StringComparison.Ordinal);
        Assert.DoesNotContain("[[", output, StringComparison.Ordinal);
    }

    public void Dispose() => _workspace.Dispose();
}
