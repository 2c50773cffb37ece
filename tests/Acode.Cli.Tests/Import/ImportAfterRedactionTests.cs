using System.Diagnostics;
using System.Text.Json;
using Acode.Cli.Tests.Support;

namespace Acode.Cli.Tests.Import;

/// <summary>
/// A transcript whose import redacted a secret (which adds a <c>secrets.redacted</c> event at the end of the session's
/// log) grows and is imported again, through the real binary: the new transcript events find their numbers taken and go
/// after it (docs/import.md), exit 0, nothing lost. The new-user trial's exact steps.
/// </summary>
public sealed class ImportAfterRedactionTests : IDisposable
{
    private const string ClaudeLines = """
        {"type":"user","uuid":"u1","sessionId":"5e5e","version":"2.0.14","timestamp":"2026-11-29T10:00:00.000Z","message":{"role":"user","content":"fix parser"}}
        {"type":"assistant","uuid":"a1","parentUuid":"u1","sessionId":"5e5e","version":"2.0.14","timestamp":"2026-11-29T10:00:02.000Z","message":{"id":"msg_01","role":"assistant","content":[{"type":"tool_use","id":"toolu_01","name":"Read","input":{"file_path":"p.py"}}]}}
        {"type":"user","uuid":"u2","parentUuid":"a1","sessionId":"5e5e","version":"2.0.14","timestamp":"2026-11-29T10:00:03.000Z","message":{"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_01","content":"password = 'hunter2abcdEFGH1234xyz'"}]}}

        """;

    private const string ClaudeGrowth = """
        {"type":"assistant","uuid":"a9","parentUuid":"u2","sessionId":"5e5e","timestamp":"2026-11-29T10:00:20.000Z","message":{"id":"m9","role":"assistant","content":[{"type":"text","text":"done"}]}}

        """;

    private const string CodexLines = """
        {"timestamp":"2026-11-29T10:00:00.000Z","type":"session_meta","payload":{"id":"7a7a7a7a-bbbb-4444-8888-999900001111","timestamp":"2026-11-29T10:00:00.000Z","cwd":"/home/dev/app","originator":"codex_cli_rs","cli_version":"0.46.0","source":"cli","git":{"commit_hash":"abc123","branch":"main","repository_url":"https://dev:Sup3rSecretPassw0rd@git.example.com/dev/app.git"}}}
        {"timestamp":"2026-11-29T10:00:01.000Z","type":"response_item","payload":{"type":"message","role":"user","content":[{"type":"input_text","text":"fix parser"}]}}

        """;

    private const string CodexGrowth = """
        {"timestamp":"2026-11-29T10:00:20.000Z","type":"response_item","payload":{"type":"message","role":"assistant","content":[{"type":"output_text","text":"done"}]}}

        """;

    private readonly CliWorkspace _workspace = new();

    [Theory]
    [InlineData("claude-code", "5e5e5e5e-aaaa-2222-3333-444455556666.jsonl", ClaudeLines, ClaudeGrowth)]
    [InlineData("codex", "rollout-2026-11-29T10-00-00-7a7a7a7a-bbbb-4444-8888-999900001111.jsonl", CodexLines, CodexGrowth)]
    public async Task A_transcript_grown_after_a_redaction_imports_again_with_exit_0_and_nothing_lost(string agent, string name, string lines, string growth)
    {
        string file = Path.Combine(_workspace.Root, "transcripts", name);
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        await File.WriteAllTextAsync(file, lines);
        JsonElement first = await _workspace.JsonAsync("import", agent, file);
        string id = first.GetProperty("files")[0].GetProperty("sessionId").GetString()!;
        List<JsonElement> before = await EventsAsync(id);

        await File.AppendAllTextAsync(file, growth);
        AcodeResult grown = await _workspace.RunAsync("import", agent, file);
        AcodeResult again = await _workspace.RunAsync("import", agent, file, "--json");

        Assert.True(grown.ExitCode == 0, grown.ToString());
        Assert.True(again.ExitCode == 0, again.ToString());
        List<JsonElement> after = await EventsAsync(id);
        Assert.Contains(before, e => e.GetProperty("type").GetString() == "secrets.redacted");
        Assert.Subset(after.Select(e => e.GetProperty("id").GetString()).ToHashSet(), before.Select(e => e.GetProperty("id").GetString()).ToHashSet());
        Assert.Contains(after, e => e.GetProperty("payload").GetString()!.Contains("\"done\"", StringComparison.Ordinal));
        Assert.Equal(after.Count, after.Select(e => e.GetProperty("sequence").GetInt64()).Distinct().Count());
        using JsonDocument report = JsonDocument.Parse(again.Stdout);
        Assert.Equal(0, report.RootElement.GetProperty("totals").GetProperty("rows").GetProperty("inserted").GetInt32());

        // What the workspace holds is what importing the grown file once holds, apart from where the redaction event sits.
        using var fresh = new CliWorkspace();
        await fresh.RunOkAsync("import", agent, file);
        List<JsonElement> once = await EventsAsync(id, fresh);
        Assert.Equal(once.Select(e => e.GetProperty("type").GetString()).Order(StringComparer.Ordinal), after.Select(e => e.GetProperty("type").GetString()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Watch_keeps_recording_a_transcript_after_a_redaction()
    {
        string folder = Path.Combine(_workspace.Root, "live");
        Directory.CreateDirectory(folder);
        string file = Path.Combine(folder, "5e5e5e5e-aaaa-2222-3333-444455556666.jsonl");
        using Process watch = AcodeBinary.Start(_workspace.Root, _workspace.Environment, "--workspace", _workspace.Root, "import", "claude-code", folder, "--watch");
        Task<string> output = watch.StandardOutput.ReadToEndAsync();
        Task<string> errors = watch.StandardError.ReadToEndAsync();
        try
        {
            await File.WriteAllTextAsync(file, ClaudeLines);
            await WaitForEventAsync(watch, errors, "secrets.redacted");
            await File.AppendAllTextAsync(file, ClaudeGrowth);
            await WaitForEventAsync(watch, errors, "\"done\"");
        }
        finally
        {
            await ProcessInterrupt.SendAndWaitAsync(watch);
        }

        Assert.True(watch.ExitCode == 0, await errors);
        Assert.Contains("Stopped.", await output);
    }

    public void Dispose() => _workspace.Dispose();

    /// <summary>The session's events as <c>session show --json</c> prints them (export documents).</summary>
    private async Task<List<JsonElement>> EventsAsync(string id, CliWorkspace? workspace = null)
        => [.. (await (workspace ?? _workspace).JsonAsync("session", "show", id)).EnumerateArray().Where(d => d.GetProperty("entity").GetString() == "SessionEvent")];

    /// <summary>Waits until an event whose type or payload holds <paramref name="text"/> is stored; fails at once when the watcher died.</summary>
    private async Task WaitForEventAsync(Process watch, Task<string> errors, string text)
    {
        for (int attempt = 0; attempt < 600; attempt++)
        {
            Assert.False(watch.HasExited, $"acode import --watch stopped (exit {(watch.HasExited ? watch.ExitCode : 0)}): {(watch.HasExited ? await errors : string.Empty)}");
            if (File.Exists(_workspace.DatabasePath) && (await _workspace.SessionIdsAsync()).SingleOrDefault() is { } id
                && (await EventsAsync(id)).Any(e => e.GetProperty("type").GetString() == text || e.GetProperty("payload").GetString()!.Contains(text, StringComparison.Ordinal)))
            {
                return;
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"acode import --watch did not record {text} within two minutes.");
    }
}
