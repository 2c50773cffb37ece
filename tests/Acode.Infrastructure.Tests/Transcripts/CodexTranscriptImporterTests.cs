using System.Text;
using System.Text.Json;
using Acode.Application.Queries;
using Acode.Application.Transcripts;
using Acode.Infrastructure.Sqlite;
using Acode.Infrastructure.Tests.Support;
using Acode.Infrastructure.Transcripts;

namespace Acode.Infrastructure.Tests.Transcripts;

/// <summary>The Codex CLI importer on input the fixtures do not hold: ill-formed UTF-16 and files of other formats.</summary>
public sealed class CodexTranscriptImporterTests : IDisposable
{
    private readonly TempWorkspace _workspace = new();
    private readonly SqliteWorkspaceDatabase _database;
    private readonly SqliteRunStateStore _store;
    private readonly CodexTranscriptImporter _importer;

    public CodexTranscriptImporterTests()
    {
        _database = _workspace.Open();
        _store = new SqliteRunStateStore(_database);
        _importer = new CodexTranscriptImporter(_store);
    }

    private string Rollout => Path.Combine(_workspace.Root, "sessions", "2026", "11", "29", "rollout-2026-11-29T10-00-00-5a5a5a5a-0000-1111-2222-333344445555.jsonl");

    [Fact]
    public async Task Lone_high_and_low_surrogate_escapes_in_every_kind_of_field_read_as_U_FFFD_and_every_line_is_imported()
    {
        // \ud800 (a lone high surrogate) and \udc00 (a lone low one) in values, names, ids and types, and escaped once
        // more inside the JSON texts Codex writes as strings (function_call arguments, function_call_output output).
        string file = Write(Rollout,
            """{"timestamp":"2026-11-29T10:00:00Z","type":"session_meta","payload":{"id":"i\ud800","cwd":"/w\udc00","cli_version":"0.50.0","originator":"o\ud800","git":{"branch":"b\udc00"}}}""",
            """{"timestamp":"2026-11-29T10:00:01Z","type":"turn_context","payload":{"model":"m\ud800","cwd":"/w"}}""",
            """{"timestamp":"2026-11-29T10:00:02Z","type":"response_item","payload":{"type":"message","role":"user","content":[{"type":"input_text","text":"prompt \ud800 high"}]}}""",
            """{"timestamp":"2026-11-29T10:00:03Z","type":"response_item","payload":{"type":"reasoning","summary":[{"type":"summary_text","text":"why \udc00"}]}}""",
            """{"timestamp":"2026-11-29T10:00:04Z","type":"response_item","payload":{"type":"function_call","name":"shell\ud800","arguments":"{\"command\":[\"echo\",\"\\ud800\"]}","call_id":"c1\udc00"}}""",
            """{"timestamp":"2026-11-29T10:00:05Z","type":"response_item","payload":{"type":"function_call_output","call_id":"c1\udc00","output":"{\"output\":\"out \\udc00\",\"metadata\":{\"exit_code\":0,\"duration_seconds\":0.5}}"}}""",
            """{"timestamp":"2026-11-29T10:00:06Z","type":"response_item","payload":{"type":"custom_tool_call","name":"apply_patch","call_id":"c2","input":"*** Begin Patch\n*** Add File: f\ud800.txt\n+x\n*** End Patch"}}""",
            """{"timestamp":"2026-11-29T10:00:07Z","type":"response_item","payload":{"type":"custom_tool_call_output","call_id":"c2","output":"ok \ud800"}}""",
            """{"timestamp":"2026-11-29T10:00:08Z","type":"response_item","payload":{"type":"message","role":"assistant","content":[{"type":"output_text","text":"answer \udc00"}]}}""",
            """{"timestamp":"2026-11-29T10:00:09Z","type":"mystery\ud800","payload":{"k\udc00":"v"}}""",
            """{"timestamp":"2026-11-29T10:00:10Z","type":"event_msg","payload":{"type":"other\ud800","x":"\udc00"}}""",
            """{"timestamp":"2026-11-29T10:00:11Z","type":"response_item","payload":{"type":"message","role":"user","content":[{"type":"input_text","text":"second \udc00 low"}]}}""",
            """{"timestamp":"2026-11-29T10:00:12Z","type":"event_msg","payload":{"type":"task_complete","last_agent_message":"\ud800"}}""");

        TranscriptImportReport report = await _importer.ImportFileAsync(file);

        Assert.Equal(13, report.Lines);
        Assert.Equal(0, report.Problems.MalformedLines);
        Assert.Equal(1, report.Problems.UnknownRecordTypes); // the mystery record, kept whole
        ImportedSession imported = await ImportedSession.LoadAsync(_store, report.SessionId!);
        imported.AssertWellFormed();
        Assert.Equal("prompt \uFFFD high", imported.Session.Goal);
        Assert.Equal(["prompt \uFFFD high", "second \uFFFD low"], imported.Session.Tasks.Select(t => t.Title));
        ToolCall shell = imported.ToolCalls.Single(c => c.ToolName == "shell\uFFFD");
        Assert.Equal("\uFFFD", JsonDocument.Parse(shell.ArgumentsJson).RootElement.GetProperty("command")[1].GetString());
        Assert.Equal(ToolCallStatus.Succeeded, shell.Status);
        Assert.Equal("out \uFFFD", shell.Result);
        Assert.Equal(TimeSpan.FromSeconds(0.5), shell.Duration);
        ToolCall patch = imported.ToolCalls.Single(c => c.ToolName == "apply_patch");
        Assert.Equal("ok \uFFFD", patch.Result);
        Artifact artifact = Assert.Single(imported.Session.Artifacts);
        Assert.Equal("f\uFFFD.txt", artifact.Name);
        Assert.Contains("f\uFFFD.txt", Encoding.UTF8.GetString(artifact.Content!.Value.Span), StringComparison.Ordinal);
        Assert.Contains(imported.Events, e => e.Type == "transcript.reasoning" && e.PayloadJson.Contains("why \uFFFD", StringComparison.Ordinal));
        Assert.Contains(imported.Events, e => e.Type == "transcript.message" && e.PayloadJson.Contains("answer \uFFFD", StringComparison.Ordinal));
        Assert.Contains(imported.Events, e => e.Type == "transcript.record" && e.PayloadJson.Contains("mystery\uFFFD", StringComparison.Ordinal));
        Assert.Contains(imported.Events, e => e.Type == "import.source" && e.PayloadJson.Contains("m\uFFFD", StringComparison.Ordinal) && e.PayloadJson.Contains("b\uFFFD", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_response_item_without_its_payload_is_kept_as_a_record()
    {
        string file = Write(Rollout,
            """{"timestamp":"2026-11-29T10:00:00Z","type":"response_item","payload":{"type":"message","role":"user","content":[{"type":"input_text","text":"go"}]}}""",
            """{"timestamp":"2026-11-29T10:00:01Z","type":"response_item","payload":null}""");

        TranscriptImportReport report = await _importer.ImportFileAsync(file);

        Assert.Equal(0, report.Problems.MalformedLines);
        Assert.Equal(1, report.Problems.UnknownRecordTypes);
        Assert.Equal(1, report.UnmappedRecords);
    }

    [Fact]
    public async Task A_call_id_used_again_after_its_output_is_a_second_tool_call_with_its_own_output()
    {
        string file = Write(Rollout,
            """{"timestamp":"2026-11-29T10:00:00Z","type":"response_item","payload":{"type":"message","role":"user","content":[{"type":"input_text","text":"run twice"}]}}""",
            """{"timestamp":"2026-11-29T10:00:01Z","type":"response_item","payload":{"type":"function_call","name":"shell","arguments":"{\"command\":[\"first\"]}","call_id":"c"}}""",
            """{"timestamp":"2026-11-29T10:00:02Z","type":"response_item","payload":{"type":"function_call_output","call_id":"c","output":"Exit code: 0\nfirst out"}}""",
            """{"timestamp":"2026-11-29T10:00:03Z","type":"response_item","payload":{"type":"function_call","name":"shell","arguments":"{\"command\":[\"second\"]}","call_id":"c"}}""",
            """{"timestamp":"2026-11-29T10:00:04Z","type":"response_item","payload":{"type":"function_call_output","call_id":"c","output":"Exit code: 3\nsecond out"}}""");

        TranscriptImportReport report = await _importer.ImportFileAsync(file);

        Assert.Equal((2, 1, 0), (report.ToolCalls, report.FailedToolCalls, report.Problems.Total));
        ToolCall[] calls = [.. (await ImportedSession.LoadAsync(_store, report.SessionId!)).ToolCalls.OrderBy(c => c.StartedAt)];
        Assert.Equal(["Succeeded", "Failed"], calls.Select(c => c.Status.ToString()));
        Assert.Contains("second", calls[1].ArgumentsJson, StringComparison.Ordinal);
        Assert.Contains("second out", calls[1].Result, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_unified_exec_tools_text_result_says_whether_the_command_failed_and_how_long_it_took()
    {
        // exec_command / write_stdin (trial Y: every failing command was recorded as Succeeded). An exit line in the
        // command's own output (after "Output:") is not read; a command still running is not failed.
        string file = Write(Rollout,
            """{"timestamp":"2026-11-29T10:00:00Z","type":"response_item","payload":{"type":"message","role":"user","content":[{"type":"input_text","text":"test it"}]}}""",
            """{"timestamp":"2026-11-29T10:00:01Z","type":"response_item","payload":{"type":"function_call","name":"exec_command","arguments":"{\"cmd\":\"pytest -q\"}","call_id":"a"}}""",
            """{"timestamp":"2026-11-29T10:00:09Z","type":"response_item","payload":{"type":"function_call_output","call_id":"a","output":"Chunk ID: 4f2a\nWall time: 3.9 seconds\nProcess exited with code 1\nOriginal token count: 12\nOutput:\n1 failed\n"}}""",
            """{"timestamp":"2026-11-29T10:00:10Z","type":"response_item","payload":{"type":"function_call","name":"exec_command","arguments":"{\"cmd\":\"cat log\"}","call_id":"b"}}""",
            """{"timestamp":"2026-11-29T10:00:12Z","type":"response_item","payload":{"type":"function_call_output","call_id":"b","output":"Chunk ID: 4f2b\nWall time: 0.2 seconds\nProcess exited with code 0\nOriginal token count: 9\nOutput:\nProcess exited with code 2\n"}}""",
            """{"timestamp":"2026-11-29T10:00:13Z","type":"response_item","payload":{"type":"function_call","name":"exec_command","arguments":"{\"cmd\":\"npm run dev\"}","call_id":"c"}}""",
            """{"timestamp":"2026-11-29T10:00:24Z","type":"response_item","payload":{"type":"function_call_output","call_id":"c","output":"Chunk ID: 4f2c\nWall time: 10.0 seconds\nProcess running with session ID 3\nOriginal token count: 4\nOutput:\nready\n"}}""",
            """{"timestamp":"2026-11-29T10:00:25Z","type":"response_item","payload":{"type":"function_call","name":"shell","arguments":"{\"command\":[\"make\"]}","call_id":"d"}}""",
            """{"timestamp":"2026-11-29T10:00:30Z","type":"response_item","payload":{"type":"function_call_output","call_id":"d","output":"Exit code: 2\nWall time: 1.5 seconds\nOutput:\nmake: *** Error 2"}}""");

        TranscriptImportReport report = await _importer.ImportFileAsync(file);

        Assert.Equal((4, 2), (report.ToolCalls, report.FailedToolCalls));
        ToolCall[] calls = [.. (await ImportedSession.LoadAsync(_store, report.SessionId!)).ToolCalls.OrderBy(c => c.StartedAt)];
        Assert.Equal(["Failed", "Succeeded", "Succeeded", "Failed"], calls.Select(c => c.Status.ToString()));
        Assert.Contains("1 failed", calls[0].Error, StringComparison.Ordinal);
        Assert.Equal([3.9, 0.2, 10.0, 1.5], calls.Select(c => c.Duration!.Value.TotalSeconds));
    }

    [Fact]
    public async Task A_call_id_that_looks_like_the_key_of_a_reused_one_is_a_call_of_its_own()
    {
        string file = Write(Rollout,
            """{"timestamp":"2026-11-29T10:00:00Z","type":"response_item","payload":{"type":"message","role":"user","content":[{"type":"input_text","text":"run"}]}}""",
            """{"timestamp":"2026-11-29T10:00:01Z","type":"response_item","payload":{"type":"function_call","name":"shell","arguments":"{\"command\":[\"one\"]}","call_id":"c"}}""",
            """{"timestamp":"2026-11-29T10:00:02Z","type":"response_item","payload":{"type":"function_call_output","call_id":"c","output":"Exit code: 0\none"}}""",
            """{"timestamp":"2026-11-29T10:00:03Z","type":"response_item","payload":{"type":"function_call","name":"shell","arguments":"{\"command\":[\"two\"]}","call_id":"c"}}""",
            """{"timestamp":"2026-11-29T10:00:04Z","type":"response_item","payload":{"type":"function_call_output","call_id":"c","output":"Exit code: 0\ntwo"}}""",
            """{"timestamp":"2026-11-29T10:00:05Z","type":"response_item","payload":{"type":"function_call","name":"shell","arguments":"{\"command\":[\"three\"]}","call_id":"c#2"}}""",
            """{"timestamp":"2026-11-29T10:00:06Z","type":"response_item","payload":{"type":"function_call_output","call_id":"c#2","output":"Exit code: 0\nthree"}}""");

        TranscriptImportReport report = await _importer.ImportFileAsync(file);

        Assert.Equal((3, 0), (report.ToolCalls, report.Problems.Total));
        ToolCall[] calls = [.. (await ImportedSession.LoadAsync(_store, report.SessionId!)).ToolCalls];
        Assert.Equal(3, calls.Select(c => c.Id).Distinct().Count());
        Assert.All(calls, c => Assert.Equal(ToolCallStatus.Succeeded, c.Status));
    }

    [Fact]
    public async Task An_image_data_URL_that_is_not_base64_is_kept_as_written_and_counted_as_a_problem_but_a_plain_URL_is_not_one()
    {
        string file = Write(Rollout,
            """{"timestamp":"2026-11-29T10:00:00Z","type":"response_item","payload":{"type":"message","role":"user","content":[{"type":"input_text","text":"look"},{"type":"input_image","image_url":"data:image/png;base64,not base64!"},{"type":"input_image","image_url":"https://example.com/a.png"}]}}""");

        TranscriptImportReport report = await _importer.ImportFileAsync(file);

        Assert.Equal(1, report.Problems.InvalidImages);
        Assert.Equal(1, report.Problems.Total);
        Artifact[] artifacts = [.. (await _store.GetSessionAsync(SessionId.Parse(report.SessionId!)))!.Artifacts.OrderBy(a => a.Name, StringComparer.Ordinal)];
        Assert.Equal(
            ["prompt image 1 (line 1)|text/uri-list|data:image/png;base64,not base64!", "prompt image 2 (line 1)|text/uri-list|https://example.com/a.png"],
            artifacts.Select(a => $"{a.Name}|{a.MediaType}|{Encoding.UTF8.GetString(a.Content!.Value.Span)}"));
    }

    [Fact]
    public async Task An_image_data_URL_without_a_media_type_is_stored_as_application_octet_stream()
    {
        string file = Write(Rollout,
            """{"timestamp":"2026-11-29T10:00:00Z","type":"response_item","payload":{"type":"message","role":"user","content":[{"type":"input_text","text":"look"},{"type":"input_image","image_url":"data:;base64,aGk="}]}}""");

        TranscriptImportReport report = await _importer.ImportFileAsync(file);

        Artifact image = Assert.Single((await _store.GetSessionAsync(SessionId.Parse(report.SessionId!)))!.Artifacts);
        Assert.Equal("application/octet-stream", image.MediaType);
        Assert.Equal("hi", Encoding.UTF8.GetString(image.Content!.Value.Span));
    }

    [Theory]
    [InlineData("claude", """{"type":"user","timestamp":"2026-11-29T10:00:00Z","message":{"content":"a Claude Code prompt"}}""", "acode import claude-code")]
    [InlineData("export", """{"entity":"SessionEvent","schema":1,"id":"evt_01M8KBYJ80RFEP1V1YPTMFWMGR","sessionId":"sess_01M8KBYJ80RFEP1V1YPTMFWMGR","sequence":1,"type":"note","payload":"{}"}""", "acode session import")]
    [InlineData("other", """{"timestamp":"2026-11-29T10:00:00Z","type":"deploy","status":"ok"}""", "Codex CLI writes them under")]
    public async Task A_file_with_no_Codex_record_is_refused_naming_what_fits_and_nothing_is_stored(string kind, string line, string remedy)
    {
        string file = Write(Path.Combine(_workspace.Root, kind + ".jsonl"), line);

        TranscriptFormatException refused = await Assert.ThrowsAsync<TranscriptFormatException>(() => _importer.ImportFileAsync(file));

        Assert.Contains("is not a Codex CLI transcript: its line is not a Codex CLI record", refused.Message, StringComparison.Ordinal);
        Assert.Contains(remedy, refused.Remedy, StringComparison.Ordinal);
        Assert.Empty((await _store.QuerySessionsAsync(SessionFilter.All, SessionSort.UpdatedDescending, PaginationOptions.FirstPage)).Items);
    }

    [Fact]
    public async Task An_empty_file_is_not_refused_an_agent_may_be_about_to_write_it()
    {
        string file = Write(Rollout);

        TranscriptImportReport report = await _importer.ImportFileAsync(file);

        Assert.Null(report.SessionId);
    }

    [Fact]
    public async Task A_byte_order_mark_does_not_cost_the_rollout_its_session_meta_or_its_session_id()
    {
        string[] lines =
        [
            """{"timestamp":"2026-11-29T10:00:00Z","type":"session_meta","payload":{"id":"i1","cwd":"/w","cli_version":"0.50.0"}}""",
            """{"timestamp":"2026-11-29T10:00:02Z","type":"response_item","payload":{"type":"message","role":"user","content":[{"type":"input_text","text":"fix it"}]}}""",
        ];
        string plain = Write(Rollout, lines);
        TranscriptImportReport withoutMark = await _importer.ImportFileAsync(plain);
        File.WriteAllBytes(plain, [0xEF, 0xBB, 0xBF, .. File.ReadAllBytes(plain)]);

        TranscriptImportReport withMark = await _importer.ImportFileAsync(plain);

        Assert.Equal(0, withMark.Problems.Total);
        Assert.Equal(withoutMark.SessionId, withMark.SessionId);
        Assert.Equal(0, withMark.Rows.Inserted + withMark.Rows.Updated); // the same session, nothing new
    }

    [Fact]
    public async Task An_apply_patch_run_through_shell_adds_its_diff_as_the_apply_patch_tool_does()
    {
        string patch = "*** Begin Patch\n*** Update File: src/app.py\n@@\n-old\n+new\n*** End Patch";
        string arguments = JsonSerializer.Serialize(JsonSerializer.Serialize(new { command = new[] { "apply_patch", patch } }));
        string file = Write(Rollout,
            """{"timestamp":"2026-11-29T10:00:00Z","type":"response_item","payload":{"type":"message","role":"user","content":[{"type":"input_text","text":"patch it"}]}}""",
            $$$"""{"timestamp":"2026-11-29T10:00:01Z","type":"response_item","payload":{"type":"function_call","name":"shell","arguments":{{{arguments}}},"call_id":"c1"}}""",
            """{"timestamp":"2026-11-29T10:00:02Z","type":"response_item","payload":{"type":"function_call_output","call_id":"c1","output":"{\"output\":\"Success. Updated the following files:\\nM src/app.py\\n\",\"metadata\":{\"exit_code\":0,\"duration_seconds\":0.1}}"}}""");

        TranscriptImportReport report = await _importer.ImportFileAsync(file);

        Assert.Equal(0, report.Problems.Total);
        Artifact diff = Assert.Single((await ImportedSession.LoadAsync(_store, report.SessionId!)).Session.Artifacts);
        Assert.Equal(ArtifactKind.Diff, diff.Kind);
        Assert.Equal("src/app.py", diff.Name);
        Assert.Equal(patch, Encoding.UTF8.GetString(diff.Content!.Value.Span));
    }

    [Fact]
    public async Task An_early_rollout_s_header_and_state_records_are_not_unknown_records()
    {
        string file = Write(Rollout,
            """{"id":"0198a8c4-0000-7000-8000-000000000001","timestamp":"2025-05-20T10:00:00.000Z","instructions":null}""",
            """{"record_type":"state"}""",
            """{"type":"message","role":"user","content":[{"type":"input_text","text":"hello"}]}""",
            """{"record_type":"state"}""");

        TranscriptImportReport report = await _importer.ImportFileAsync(file);

        Assert.Equal(0, report.Problems.Total);
        Assert.Equal(1, report.Tasks);
        ImportedSession imported = await ImportedSession.LoadAsync(_store, report.SessionId!);
        Assert.Contains(imported.Events, e => e.Type == "transcript.session_meta");
        Assert.Contains(imported.Events, e => e.Type == "import.source" && e.PayloadJson.Contains("0198a8c4-0000-7000-8000-000000000001", StringComparison.Ordinal));
    }

    private static string Write(string path, params string[] lines)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, lines.Length == 0 ? string.Empty : string.Join('\n', lines) + "\n");
        return path;
    }

    public void Dispose()
    {
        _database.Dispose();
        _workspace.Dispose();
    }
}
