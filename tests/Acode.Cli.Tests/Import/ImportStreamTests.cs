using System.Text.Json;
using Acode.Cli.Tests.Support;
using Acode.Testing;

namespace Acode.Cli.Tests.Import;

/// <summary>
/// <c>acode import</c> of a transcript given as a stream, run through bash as a user types it: standard input
/// (<c>/dev/stdin</c> on a pipe), process substitution and a named fifo are read to their end, and the session is the one
/// the transcript's file gives (its key comes from the records: Claude Code's <c>sessionId</c>, Codex's
/// <c>session_meta</c>), so importing the file afterwards changes nothing. A stream whose records name no session is
/// refused (exit 2); <c>--watch</c> refuses a stream up front.
/// </summary>
public sealed class ImportStreamTests : IDisposable
{
    private readonly CliWorkspace _workspace = new();

    [Fact]
    public async Task A_codex_rollout_on_standard_input_is_the_session_of_its_file()
    {
        AcodeResult piped = await ShellAsync($"import codex /dev/stdin --json < <(cat '{TranscriptFixtures.CodexFile}')");

        Assert.True(piped.ExitCode == 0, piped.ToString());
        JsonElement file = Single(piped);
        Assert.Equal("/dev/stdin", file.GetProperty("path").GetString());
        Assert.True(file.GetProperty("rows").GetProperty("inserted").GetInt32() > 0, piped.ToString());

        JsonElement again = (await _workspace.JsonAsync("import", "codex", TranscriptFixtures.CodexFile)).GetProperty("files")[0];
        Assert.Equal(file.GetProperty("sessionId").GetString(), again.GetProperty("sessionId").GetString());
        Assert.Equal(0, again.GetProperty("rows").GetProperty("inserted").GetInt32());
        Assert.Single(await _workspace.SessionIdsAsync());
    }

    [Fact]
    public async Task A_claude_code_transcript_by_process_substitution_is_the_session_of_its_file()
    {
        AcodeResult piped = await ShellAsync($"import claude-code <(cat '{TranscriptFixtures.ClaudeFile}') --json");

        Assert.True(piped.ExitCode == 0, piped.ToString());
        string id = Single(piped).GetProperty("sessionId").GetString()!;

        JsonElement again = (await _workspace.JsonAsync("import", "claude-code", TranscriptFixtures.ClaudeFile)).GetProperty("files")[0];
        Assert.Equal(id, again.GetProperty("sessionId").GetString());
        Assert.Single(await _workspace.SessionIdsAsync());
    }

    [Fact]
    public async Task A_named_fifo_is_read_to_its_end()
    {
        string fifo = Path.Combine(_workspace.Root, "rollout.jsonl");
        (int made, string output) = await CommandRunner.RunDirectAsync("mkfifo", fifo);
        Assert.True(made == 0, output);

        AcodeResult result = await ShellAsync($"import codex '{fifo}' --json & cat '{TranscriptFixtures.CodexFile}' > '{fifo}'; wait $!");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.True(Single(result).GetProperty("rows").GetProperty("inserted").GetInt32() > 0, result.ToString());
    }

    [Fact]
    public async Task A_stream_whose_records_name_no_session_is_refused()
    {
        const string Record = """{"type":"user","timestamp":"2026-01-01T00:00:00Z","message":{"role":"user","content":"hi"}}""";

        AcodeResult result = await ShellAsync($"import claude-code /dev/stdin --json < <(echo '{Record}')");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("none of its records names it", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Unexpected error", result.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(_workspace.DatabasePath), "nothing stored, no workspace created");
    }

    [Fact]
    public async Task Watch_refuses_a_stream_up_front()
    {
        AcodeResult result = await _workspace.RunAsync("import", "codex", "--watch", "/dev/stdin");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("--watch follows files and folders", result.Stderr, StringComparison.Ordinal);
    }

    public void Dispose() => _workspace.Dispose();

    private static JsonElement Single(AcodeResult result)
    {
        using JsonDocument document = JsonDocument.Parse(result.Stdout);
        return document.RootElement.GetProperty("files").EnumerateArray().Single().Clone();
    }

    private Task<AcodeResult> ShellAsync(string rest)
        => PrintedCommand.RunAsync($"acode --workspace '{_workspace.Root}' {rest}", _workspace.Root);
}
