using System.Text.Json;
using Acode.Cli.Tests.Support;
using Acode.Testing;

namespace Acode.Cli.Tests.Import;

/// <summary>
/// A fifo found while searching a folder (the folder named, the default location, a Claude Code sub-agent folder) is
/// never opened: opening a fifo waits until something writes to it, so the import hung with nothing said. It is
/// reported as unreadable and the other transcripts are imported. A fifo named on its own is read as a stream, and
/// <c>--watch</c> refuses it up front; <c>session import</c> of a fifo that holds no export does not open it again.
/// Before the fix each of these runs hung (the harness's 3-minute guard failed them).
/// </summary>
public sealed class ImportFifoInFolderTests : IDisposable
{
    private readonly CliWorkspace _workspace = new();

    [Fact]
    [Trait("Issue", "hostile.D1")]
    public async Task A_fifo_in_a_named_folder_is_reported_unreadable_and_the_other_transcripts_are_imported()
    {
        string folder = Path.Combine(_workspace.Root, "transcripts");
        TranscriptFixtures.CopyClaude(folder);
        string fifo = await FifoAsync(Path.Combine(folder, "x.jsonl"));

        AcodeResult result = await _workspace.RunAsync("import", "claude-code", folder, "--json");

        Assert.True(result.ExitCode == 2, result.ToString());
        JsonElement json = JsonDocument.Parse(result.Stdout).RootElement;
        Assert.Single(json.GetProperty("files").EnumerateArray());
        JsonElement unreadable = Assert.Single(json.GetProperty("unreadable").EnumerateArray());
        Assert.Equal(fifo, unreadable.GetProperty("path").GetString());
        Assert.Contains($"Cannot read '{fifo}': it is a fifo, not a file", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("name it on its own", result.Stderr, StringComparison.Ordinal);
        Assert.Single(await _workspace.SessionIdsAsync());
    }

    [Fact]
    [Trait("Issue", "hostile.D1")]
    public async Task A_fifo_under_the_default_location_is_reported_unreadable()
    {
        string home = Path.Combine(_workspace.Root, "home");
        string fifo = await FifoAsync(Path.Combine(home, ".claude", "projects", "-p", "y.jsonl"));
        _workspace.Environment["HOME"] = home;
        _workspace.Environment["CLAUDE_CONFIG_DIR"] = null;

        AcodeResult result = await _workspace.RunAsync("import", "claude-code");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains($"Cannot read '{fifo}': it is a fifo, not a file", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Issue", "hostile.D1")]
    public async Task A_fifo_among_the_sub_agent_transcripts_is_left_out_and_the_session_is_imported()
    {
        string file = TranscriptFixtures.CopyClaude(Path.Combine(_workspace.Root, "transcripts"));
        await FifoAsync(Path.Combine(Path.GetDirectoryName(file)!, TranscriptFixtures.ClaudeSessionId, "subagents", "agent-fifo.jsonl"));

        AcodeResult result = await _workspace.RunAsync("import", "claude-code", file, "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Single(await _workspace.SessionIdsAsync());
    }

    [Fact]
    [Trait("Issue", "hostile.D1")]
    public async Task Watch_refuses_a_named_fifo_up_front()
    {
        string fifo = await FifoAsync(Path.Combine(_workspace.Root, "t.jsonl"));

        AcodeResult result = await _workspace.RunAsync("import", "claude-code", "--watch", fifo);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("is a stream (a pipe, a fifo or a device)", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Issue", "hostile.D1")]
    public async Task A_named_fifo_is_read_with_a_note_that_acode_waits_for_a_writer()
    {
        string fifo = await FifoAsync(Path.Combine(_workspace.Root, "t.jsonl"));

        AcodeResult result = await PrintedCommand.RunAsync(
            $"acode --workspace '{_workspace.Root}' import claude-code '{fifo}' & cat '{TranscriptFixtures.ClaudeFile}' > '{fifo}'; wait $!", _workspace.Root);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"Waiting for something to write to the fifo '{fifo}'", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Issue", "hostile.D1")]
    public async Task Session_import_of_a_fifo_holding_no_export_fails_without_opening_it_again()
    {
        string fifo = await FifoAsync(Path.Combine(_workspace.Root, "t.jsonl"));

        AcodeResult result = await PrintedCommand.RunAsync(
            $"acode --workspace '{_workspace.Root}' session import '{fifo}' & cat '{TranscriptFixtures.ClaudeFile}' > '{fifo}'; wait $!", _workspace.Root);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("is not a valid acode export", result.Stderr, StringComparison.Ordinal);
    }

    public void Dispose() => _workspace.Dispose();

    private static async Task<string> FifoAsync(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        (int made, string output) = await CommandRunner.RunDirectAsync("mkfifo", path);
        Assert.True(made == 0, output);
        return path;
    }
}
