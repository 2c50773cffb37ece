using System.Text;
using System.Text.Json;
using Acode.Application.Queries;
using Acode.Application.Redaction;
using Acode.Application.Transcripts;
using Acode.Infrastructure.Sqlite;
using Acode.Infrastructure.Tests.Support;
using Acode.Infrastructure.Transcripts;

namespace Acode.Infrastructure.Tests.Transcripts;

/// <summary>The Claude Code importer on input the fixtures do not hold: ill-formed UTF-16, files of other formats, sub-agent files.</summary>
public sealed class ClaudeCodeTranscriptImporterTests : IDisposable
{
    private const string SessionKey = "5a5a5a5a-0000-1111-2222-333344445555";
    private readonly TempWorkspace _workspace = new();
    private readonly SqliteWorkspaceDatabase _database;
    private readonly SqliteRunStateStore _store;
    private readonly ClaudeCodeTranscriptImporter _importer;

    public ClaudeCodeTranscriptImporterTests()
    {
        _database = _workspace.Open();
        _store = new SqliteRunStateStore(_database);
        _importer = new ClaudeCodeTranscriptImporter(_store);
    }

    private string Project => Path.Combine(_workspace.Root, "projects", "-home-dev-w");

    [Fact]
    public async Task Lone_high_and_low_surrogate_escapes_in_every_kind_of_field_read_as_U_FFFD_and_every_line_is_imported()
    {
        // \ud800 (a lone high surrogate) and \udc00 (a lone low one) in values, names, ids, types, tool input, results,
        // the summary, the source facts, an unknown record and block, and the sub-agent transcript.
        string file = Write(Path.Combine(Project, SessionKey + ".jsonl"),
            """{"type":"summary","summary":"sum \ud800","leafUuid":"x\udc00"}""",
            """{"type":"user","timestamp":"2026-11-29T10:00:00Z","uuid":"u1\ud800","cwd":"/w\udc00","gitBranch":"b\ud800","version":"2.0.1","message":{"role":"user","content":"prompt \ud800 high"}}""",
            """{"type":"assistant","timestamp":"2026-11-29T10:00:01Z","uuid":"a1","message":{"id":"m1","model":"m\udc00","role":"assistant","content":[{"type":"thinking","thinking":"think \ud800"},{"type":"text","text":"answer \udc00"},{"type":"tool_use","id":"t1\ud800","name":"Write","input":{"file_path":"/w/f\udc00.txt","content":"body \ud800"}}],"usage":{"in\ud800":1}}}""",
            """{"type":"user","timestamp":"2026-11-29T10:00:02Z","uuid":"u2","message":{"role":"user","content":[{"type":"tool_result","tool_use_id":"t1\ud800","content":[{"type":"text","text":"done \udc00"}]}]},"toolUseResult":{"durationMs":5}}""",
            """{"type":"user","timestamp":"2026-11-29T10:00:03Z","uuid":"u3","message":{"role":"user","content":[{"type":"text","text":"second \udc00 low"}]}}""",
            """{"type":"mystery\ud800","timestamp":"2026-11-29T10:00:04Z","k\udc00":"v\ud800\ud800"}""",
            """{"type":"assistant","timestamp":"2026-11-29T10:00:05Z","uuid":"a2","message":{"id":"m2","role":"assistant","content":[{"type":"block\udc00"},{"type":"tool_use","id":"t2","name":"Task\ud800","input":{"prompt":"p\udc00"}}]}}""",
            """{"type":"system","subtype":"x\ud800","timestamp":"2026-11-29T10:00:06Z","content":"c\udc00"}""");
        Write(Path.Combine(Project, SessionKey, "subagents", "agent-a1.jsonl"),
            """{"type":"user","isSidechain":true,"agentId":"a\ud800","timestamp":"2026-11-29T10:00:05.5Z","uuid":"s1","message":{"role":"user","content":"sub \udc00 prompt"}}""",
            """{"type":"assistant","isSidechain":true,"timestamp":"2026-11-29T10:00:05.6Z","uuid":"s2","parentUuid":"s1","message":{"id":"sm1","role":"assistant","content":[{"type":"text","text":"sub answer \ud800"}]}}""");

        TranscriptImportReport report = await _importer.ImportFileAsync(file);

        Assert.Equal(10, report.Lines);
        Assert.Equal(0, report.Problems.MalformedLines);
        Assert.Equal(2, report.Problems.UnknownRecordTypes); // the mystery record and the unknown block, kept whole
        Assert.Equal(3, report.Tasks); // two prompts and the sub-agent
        ImportedSession imported = await ImportedSession.LoadAsync(_store, report.SessionId!);
        imported.AssertWellFormed();
        Assert.Equal("sum \uFFFD", imported.Session.Title);
        Assert.Equal("prompt \uFFFD high", imported.Session.Goal);
        Assert.Equal(["prompt \uFFFD high", "second \uFFFD low", "Sub-agent: sub \uFFFD prompt"], imported.Session.Tasks.Select(t => t.Title));
        ToolCall write = imported.ToolCalls.Single(c => c.ToolName == "Write");
        Assert.Equal(ToolCallStatus.Succeeded, write.Status);
        Assert.Equal("done \uFFFD", write.Result);
        Assert.Equal("/w/f\uFFFD.txt", JsonDocument.Parse(write.ArgumentsJson).RootElement.GetProperty("file_path").GetString());
        Assert.Contains(imported.ToolCalls, c => c.ToolName == "Task\uFFFD");
        Artifact artifact = Assert.Single(imported.Session.Artifacts);
        Assert.Equal("/w/f\uFFFD.txt", artifact.Name);
        Assert.Equal("body \uFFFD", Encoding.UTF8.GetString(artifact.Content!.Value.Span));
        Assert.Contains(imported.Events, e => e.Type == "transcript.record" && e.PayloadJson.Contains("mystery\uFFFD", StringComparison.Ordinal));
        Assert.Contains(imported.Events, e => e.Type == "transcript.message" && e.PayloadJson.Contains("sub answer \uFFFD", StringComparison.Ordinal));
        Assert.Contains(imported.Events, e => e.Type == "import.source" && e.PayloadJson.Contains("/w\uFFFD", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Text_outside_ascii_is_stored_as_written_not_as_escapes()
    {
        // Trial AJ 1: payloads were written with UnsafeRelaxedJsonEscaping, so an emoji read back as \uD83D\uDE80.
        string file = Write(Path.Combine(Project, SessionKey + ".jsonl"),
            """{"type":"user","timestamp":"2026-11-29T10:00:00Z","uuid":"u1","message":{"role":"user","content":"go"}}""",
            """{"type":"assistant","timestamp":"2026-11-29T10:00:01Z","uuid":"a1","message":{"role":"assistant","content":[{"type":"text","text":"ok 🚀 ü \"q\""},{"type":"tool_use","id":"t1","name":"Bash","input":{"command":"echo 🚀 ghp_Zx8Qw3Er5Ty7Ui9Op1As2Df4Gh6Jk8Lz0Xc1V"}}]}}""",
            """{"type":"mystery","timestamp":"2026-11-29T10:00:02Z","uuid":"m1","note":"日本語 👩‍💻"}""");

        TranscriptImportReport report = await _importer.ImportFileAsync(file);

        ImportedSession imported = await ImportedSession.LoadAsync(_store, report.SessionId!);
        Assert.Contains(imported.Events, e => e.Type == "transcript.message" && e.PayloadJson.Contains("\"ok 🚀 ü \\\"q\\\"\"", StringComparison.Ordinal));
        Assert.Contains(imported.Events, e => e.Type == "transcript.record" && e.PayloadJson.Contains("\"日本語 👩‍💻\"", StringComparison.Ordinal));
        Assert.Equal("""{"command":"echo 🚀 [REDACTED:github-token]"}""", Assert.Single(imported.ToolCalls).ArgumentsJson);
    }

    [Fact]
    public async Task A_transcript_with_a_lone_surrogate_is_imported_with_the_others_of_its_folder()
    {
        Write(Path.Combine(Project, "2e2e2e2e-0000-1111-2222-333344445501.jsonl"), """{"type":"user","timestamp":"2026-11-29T10:00:00Z","message":{"content":"lone \ud800 here"}}""");
        Write(Path.Combine(Project, "2e2e2e2e-0000-1111-2222-333344445502.jsonl"), """{"type":"user","timestamp":"2026-11-29T10:00:00Z","message":{"content":"fine"}}""");

        var titles = new List<string>();
        foreach (string file in _importer.FindTranscripts(Path.Combine(_workspace.Root, "projects")))
        {
            TranscriptImportReport report = await _importer.ImportFileAsync(file);
            titles.Add((await _store.GetSessionAsync(SessionId.Parse(report.SessionId!)))!.Title);
        }

        Assert.Equal(["lone \uFFFD here", "fine"], titles);
    }

    [Fact]
    public async Task A_duration_no_TimeSpan_holds_is_left_to_the_records_times()
    {
        string file = Write(Path.Combine(Project, SessionKey + ".jsonl"),
            """{"type":"user","timestamp":"2026-11-29T10:00:00Z","uuid":"u1","message":{"role":"user","content":"go"}}""",
            """{"type":"assistant","timestamp":"2026-11-29T10:00:01Z","uuid":"a1","message":{"id":"m1","role":"assistant","content":[{"type":"tool_use","id":"t1","name":"Bash","input":{"command":"ls"}}]}}""",
            """{"type":"user","timestamp":"2026-11-29T10:00:03Z","uuid":"u2","message":{"role":"user","content":[{"type":"tool_result","tool_use_id":"t1","content":"ok"}]},"toolUseResult":{"durationMs":9223372036854775807}}""");

        TranscriptImportReport report = await _importer.ImportFileAsync(file);

        Assert.Equal(0, report.Problems.Total);
        ToolCall call = (await ImportedSession.LoadAsync(_store, report.SessionId!)).ToolCalls.Single();
        Assert.Equal(ToolCallStatus.Succeeded, call.Status);
        Assert.Equal(TimeSpan.FromSeconds(2), call.Duration);
    }

    [Fact]
    public async Task A_clock_stepping_back_never_starts_a_tool_call_step_or_task_before_what_holds_it()
    {
        // Trial AK 2: the tool_use record an hour before its step's first block gave a 60-minute call in a 15-second step.
        string file = Write(Path.Combine(Project, SessionKey + ".jsonl"),
            """{"type":"user","timestamp":"2026-11-29T10:00:00Z","uuid":"u1","message":{"role":"user","content":"go"}}""",
            """{"type":"assistant","timestamp":"2026-11-29T10:00:05Z","uuid":"a1","message":{"id":"m1","role":"assistant","content":[{"type":"text","text":"running it"}]}}""",
            """{"type":"assistant","timestamp":"2026-11-29T09:00:00Z","uuid":"a2","message":{"id":"m1","role":"assistant","content":[{"type":"tool_use","id":"t1","name":"Bash","input":{"command":"ls"}}]}}""",
            """{"type":"user","timestamp":"2026-11-29T10:00:20Z","uuid":"u2","message":{"role":"user","content":[{"type":"tool_result","tool_use_id":"t1","content":"ok"}]}}""",
            """{"type":"user","timestamp":"2026-11-29T09:30:00Z","uuid":"u3","message":{"role":"user","content":"next"}}""",
            """{"type":"assistant","timestamp":"2026-11-29T09:30:01Z","uuid":"a3","message":{"id":"m2","role":"assistant","content":[{"type":"text","text":"done"}]}}""");

        TranscriptImportReport report = await _importer.ImportFileAsync(file);

        Session session = (await ImportedSession.LoadAsync(_store, report.SessionId!)).Session;
        ToolCall call = session.Tasks.SelectMany(t => t.Steps).SelectMany(s => s.ToolCalls).Single();
        Step step = session.Tasks.SelectMany(t => t.Steps).Single(s => s.ToolCalls.Count == 1);
        Assert.Equal(step.StartedAt, call.StartedAt);
        Assert.Equal(TimeSpan.FromSeconds(15), call.Duration);
        foreach (SessionTask task in session.Tasks)
        {
            Assert.True(task.StartedAt >= session.CreatedAt, $"task {task.Ordinal} starts {task.StartedAt:O}, before the session {session.CreatedAt:O}");
            Assert.All(task.Steps, s => Assert.True(s.StartedAt >= task.StartedAt, $"step {s.Ordinal} starts {s.StartedAt:O}, before its task {task.StartedAt:O}"));
        }
    }

    [Fact]
    public async Task Times_at_the_end_of_the_calendar_read_as_absent_and_the_lines_are_imported()
    {
        string file = Write(Path.Combine(Project, SessionKey + ".jsonl"),
            """{"type":"user","timestamp":"2026-11-29T10:00:00Z","uuid":"u1","message":{"role":"user","content":"go"}}""",
            """{"type":"assistant","timestamp":"9999-12-31T23:59:59.9999999Z","uuid":"a1","message":{"id":"m1","role":"assistant","content":[{"type":"text","text":"one"}]}}""",
            """{"type":"assistant","timestamp":"9999-12-31T23:59:59.9999999Z","uuid":"a2","message":{"id":"m2","role":"assistant","content":[{"type":"text","text":"two"}]}}""");

        TranscriptImportReport report = await _importer.ImportFileAsync(file);

        Assert.Equal((2, 2), (report.Problems.InvalidTimestamps, report.Problems.Total));
        Assert.Equal(2, report.Steps);
        Session session = (await _store.GetSessionAsync(SessionId.Parse(report.SessionId!)))!;
        Assert.True(session.UpdatedAt < new DateTimeOffset(2026, 11, 30, 0, 0, 0, TimeSpan.Zero), session.UpdatedAt.ToString("O"));
    }

    [Fact]
    public async Task A_time_that_does_not_parse_is_a_problem_a_record_without_one_is_not_and_a_file_without_any_usable_time_says_so()
    {
        string file = Write(Path.Combine(Project, SessionKey + ".jsonl"),
            """{"type":"summary","summary":"no time here","leafUuid":"u1"}""",
            """{"type":"user","timestamp":"2026-11-29T10:00:00Z","uuid":"u1","message":{"role":"user","content":"go"}}""",
            """{"type":"assistant","timestamp":"not a time","uuid":"a1","message":{"id":"m1","role":"assistant","content":[{"type":"text","text":"one"}]}}""",
            """{"type":"assistant","timestamp":1768471203000,"uuid":"a2","message":{"id":"m2","role":"assistant","content":[{"type":"text","text":"two"}]}}""",
            """{"type":"assistant","timestamp":null,"uuid":"a3","message":{"id":"m3","role":"assistant","content":[{"type":"text","text":"three"}]}}""");
        string future = Write(Path.Combine(Project, "c0ffee00-0000-4000-8000-000000000099.jsonl"),
            """{"type":"user","timestamp":"2099-01-01T00:00:00Z","uuid":"f1","message":{"role":"user","content":"from the future"}}""");

        TranscriptImportReport report = await _importer.ImportFileAsync(file);
        TranscriptImportReport skipped = await _importer.ImportFileAsync(future);

        Assert.Equal((2, 2), (report.Problems.InvalidTimestamps, report.Problems.Total));
        Assert.Equal(3, report.Steps);
        Assert.Null(skipped.SessionId);
        Assert.Equal(1, skipped.Problems.InvalidTimestamps);
    }

    [Fact]
    public async Task Times_before_1970_read_as_absent_as_no_id_can_carry_them()
    {
        string file = Write(Path.Combine(Project, SessionKey + ".jsonl"),
            """{"type":"user","timestamp":"1969-12-31T23:59:59Z","uuid":"u0","message":{"role":"user","content":"first"}}""",
            """{"type":"user","timestamp":"2026-11-29T10:00:00Z","uuid":"u1","message":{"role":"user","content":"go"}}""",
            """{"type":"assistant","timestamp":"0001-01-01T00:00:00Z","uuid":"a1","message":{"id":"m1","role":"assistant","content":[{"type":"text","text":"one"}]}}""");

        TranscriptImportReport report = await _importer.ImportFileAsync(file);

        Assert.Equal((2, 2), (report.Problems.InvalidTimestamps, report.Problems.Total));
        Session session = (await _store.GetSessionAsync(SessionId.Parse(report.SessionId!)))!;
        Assert.Equal(new DateTimeOffset(2026, 11, 29, 10, 0, 0, TimeSpan.Zero), session.CreatedAt); // the first line takes the first usable time
    }

    [Fact]
    public async Task Times_more_than_a_day_ahead_of_the_clock_read_as_absent_so_no_stamp_goes_past_them()
    {
        DateTimeOffset now = DateTimeOffset.UtcNow;
        string file = Write(Path.Combine(Project, SessionKey + ".jsonl"),
            $$$"""{"type":"user","timestamp":"{{{now.AddMinutes(-5):O}}}","uuid":"u1","message":{"role":"user","content":"go"}}""",
            """{"type":"assistant","timestamp":"2200-01-01T00:00:00Z","uuid":"a1","message":{"id":"m1","role":"assistant","content":[{"type":"text","text":"one"}]}}""",
            $$$"""{"type":"assistant","timestamp":"{{{now.AddHours(20):O}}}","uuid":"a2","message":{"id":"m2","role":"assistant","content":[{"type":"text","text":"two"}]}}""");

        TranscriptImportReport report = await _importer.ImportFileAsync(file);

        Assert.Equal((1, 1), (report.Problems.InvalidTimestamps, report.Problems.Total)); // 2200 only; 20 hours ahead is kept
        Assert.Equal(2, report.Steps);
        Session session = (await _store.GetSessionAsync(SessionId.Parse(report.SessionId!)))!;
        Assert.InRange(session.UpdatedAt, now.AddHours(20), now.AddHours(20).AddMinutes(1)); // within a day: kept
    }

    [Fact]
    public async Task A_tool_use_id_used_again_after_its_result_is_a_second_tool_call_with_its_own_result()
    {
        string[] lines =
        [
            """{"type":"user","timestamp":"2026-11-29T10:00:00Z","uuid":"u1","message":{"role":"user","content":"run twice"}}""",
            """{"type":"assistant","timestamp":"2026-11-29T10:00:01Z","uuid":"a1","message":{"role":"assistant","content":[{"type":"tool_use","id":"same","name":"Bash","input":{"command":"first"}}]}}""",
            """{"type":"user","timestamp":"2026-11-29T10:00:02Z","uuid":"u2","message":{"role":"user","content":[{"type":"tool_result","tool_use_id":"same","content":"first result"}]}}""",
            """{"type":"assistant","timestamp":"2026-11-29T10:00:03Z","uuid":"a2","message":{"role":"assistant","content":[{"type":"tool_use","id":"same","name":"Bash","input":{"command":"second"}}]}}""",
            """{"type":"assistant","timestamp":"2026-11-29T10:00:03Z","uuid":"a2","message":{"role":"assistant","content":[{"type":"tool_use","id":"same","name":"Bash","input":{"command":"second"}}]}}""",
            """{"type":"user","timestamp":"2026-11-29T10:00:04Z","uuid":"u3","message":{"role":"user","content":[{"type":"tool_result","tool_use_id":"same","content":"second failed","is_error":true}]}}""",
        ];
        string file = Write(Path.Combine(Project, SessionKey + ".jsonl"), lines[..3]);
        TranscriptImportReport first = await _importer.ImportFileAsync(file);
        string firstId = Assert.Single((await ImportedSession.LoadAsync(_store, first.SessionId!)).ToolCalls).Id.Value;
        Write(file, lines);

        TranscriptImportReport report = await _importer.ImportFileAsync(file);

        Assert.Equal((2, 1, 0), (report.ToolCalls, report.FailedToolCalls, report.Problems.Total));
        ToolCall[] calls = [.. (await ImportedSession.LoadAsync(_store, report.SessionId!)).ToolCalls.OrderBy(c => c.StartedAt)];
        Assert.Equal(
            ["{\"command\":\"first\"}|Succeeded|first result", "{\"command\":\"second\"}|Failed|second failed"],
            calls.Select(c => $"{c.ArgumentsJson}|{c.Status}|{c.Result}"));
        Assert.Equal(firstId, calls[0].Id.Value); // the first call of an id keeps the id it was imported with
        Assert.NotEqual(calls[0].StepId, calls[1].StepId);
    }

    [Fact]
    public async Task An_image_whose_data_is_not_base64_is_kept_as_written_and_counted_as_a_problem()
    {
        string file = Write(Path.Combine(Project, SessionKey + ".jsonl"),
            """{"type":"user","timestamp":"2026-11-29T10:00:00Z","uuid":"u1","message":{"role":"user","content":[{"type":"text","text":"look"},{"type":"image","source":{"type":"base64","media_type":"image/png","data":"not base64!"}}]}}""",
            """{"type":"assistant","timestamp":"2026-11-29T10:00:01Z","uuid":"a1","message":{"role":"assistant","content":[{"type":"tool_use","id":"toolu_1","name":"Screenshot","input":{}}]}}""",
            """{"type":"user","timestamp":"2026-11-29T10:00:02Z","uuid":"u2","message":{"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":[{"type":"image","source":{"type":"base64","media_type":"image/png","data":"%%%"}},{"type":"image","source":{"type":"base64","media_type":"image/png","data":"aGk="}}]}]}}""");

        TranscriptImportReport report = await _importer.ImportFileAsync(file);

        Assert.Equal(2, report.Problems.InvalidImages);
        Assert.Equal(2, report.Problems.Total);
        Artifact[] artifacts = [.. (await _store.GetSessionAsync(SessionId.Parse(report.SessionId!)))!.Artifacts.OrderBy(a => a.Name, StringComparer.Ordinal)];
        Assert.Equal(
            ["Screenshot result image 1|text/plain; charset=utf-8|%%%", "Screenshot result image 2|image/png|hi", "prompt image 1 (line 1)|text/plain; charset=utf-8|not base64!"],
            artifacts.Select(a => $"{a.Name}|{a.MediaType}|{Encoding.UTF8.GetString(a.Content!.Value.Span)}"));
    }

    [Fact]
    public async Task An_image_without_a_media_type_is_stored_as_application_octet_stream()
    {
        string file = Write(Path.Combine(Project, SessionKey + ".jsonl"),
            """{"type":"user","timestamp":"2026-11-29T10:00:00Z","uuid":"u1","message":{"role":"user","content":[{"type":"text","text":"look"},{"type":"image","source":{"type":"base64","media_type":" ","data":"aGk="}}]}}""");

        TranscriptImportReport report = await _importer.ImportFileAsync(file);

        Artifact image = Assert.Single((await _store.GetSessionAsync(SessionId.Parse(report.SessionId!)))!.Artifacts);
        Assert.Equal("application/octet-stream", image.MediaType);
        Assert.Equal("hi", Encoding.UTF8.GetString(image.Content!.Value.Span));
    }

    [Fact]
    public async Task A_followed_transcript_reads_lone_surrogates_as_U_FFFD_as_it_grows()
    {
        string file = Write(Path.Combine(Project, SessionKey + ".jsonl"),
            """{"type":"user","timestamp":"2026-11-29T10:00:00Z","uuid":"u1","message":{"role":"user","content":"go \udc00"}}""");
        ITranscriptFollower follower = _importer.Follow(file);
        TranscriptImportReport? first = await follower.PollAsync();

        File.AppendAllText(file, """{"type":"assistant","timestamp":"2026-11-29T10:00:01Z","uuid":"a1","message":{"id":"m1","role":"assistant","content":[{"type":"text","text":"ok \ud800"}]}}""" + "\n");
        TranscriptImportReport? second = await follower.PollAsync();

        Assert.Equal(0, second!.Problems.Total);
        ImportedSession imported = await ImportedSession.LoadAsync(_store, first!.SessionId!);
        imported.AssertWellFormed();
        Assert.Equal("go \uFFFD", imported.Session.Title);
        Assert.Equal("ok \uFFFD", Assert.Single(imported.Session.Tasks.SelectMany(t => t.Steps)).Title);
    }

    [Theory]
    [InlineData("codex", """{"timestamp":"2026-11-29T10:00:00Z","type":"session_meta","payload":{"id":"x","cli_version":"0.50.0"}}""", "acode import codex")]
    [InlineData("export", """{"entity":"Session","schema":1,"id":"sess_01M8KBYJ80RFEP1V1YPTMFWMGR","version":1,"title":"t","state":"Executing"}""", "acode session import")]
    [InlineData("other", """{"timestamp":"2026-11-29T10:00:00Z","level":"info","msg":"a log line"}""", "Claude Code writes them under")]
    [InlineData("text", "not JSON at all", "Claude Code writes them under")]
    public async Task A_file_with_no_Claude_Code_record_is_refused_naming_what_fits_and_nothing_is_stored(string kind, string line, string remedy)
    {
        string file = Write(Path.Combine(_workspace.Root, kind + ".jsonl"), line, line);

        TranscriptFormatException refused = await Assert.ThrowsAsync<TranscriptFormatException>(() => _importer.ImportFileAsync(file));

        Assert.Equal(file, refused.Path);
        Assert.Contains("is not a Claude Code transcript: none of its 2 lines is a Claude Code record", refused.Message, StringComparison.Ordinal);
        Assert.Contains(remedy, refused.Remedy, StringComparison.Ordinal);
        Assert.Empty((await _store.QuerySessionsAsync(SessionFilter.All, SessionSort.UpdatedDescending, PaginationOptions.FirstPage)).Items);
    }

    [Fact]
    public async Task A_followed_transcript_replaced_by_a_longer_file_of_another_run_is_read_from_its_start_as_a_one_shot_import_reads_it()
    {
        // cp or a rename over the followed file (a backup restored): read on from the old byte position, the other run's
        // records were added to the first session, one of them cut in the middle (trial Y).
        string file = Write(Path.Combine(Project, SessionKey + ".jsonl"),
            """{"type":"user","timestamp":"2026-11-29T10:00:00Z","uuid":"r1","message":{"role":"user","content":"First run prompt"}}""");
        ITranscriptFollower follower = _importer.Follow(file);
        string first = (await follower.PollAsync())!.SessionId!;
        long events = await _store.CountEventsAsync(SessionId.Parse(first));
        string backup = Write(Path.Combine(_workspace.Root, "backup.jsonl"),
            """{"type":"user","timestamp":"2026-11-29T09:00:00Z","uuid":"q1","message":{"role":"user","content":"Backup run prompt number one, long enough to pass the old end"}}""",
            """{"type":"user","timestamp":"2026-11-29T09:01:00Z","uuid":"q2","parentUuid":"q1","message":{"role":"user","content":"Backup run prompt two"}}""");
        File.Copy(backup, file, overwrite: true);
        File.SetLastWriteTimeUtc(file, DateTime.UtcNow.AddSeconds(5));

        TranscriptImportReport replaced = (await follower.PollAsync())!;

        Assert.NotEqual(first, replaced.SessionId);
        Assert.Equal((2, 0), (replaced.Tasks, replaced.Problems.Total));
        Assert.Equal(["First run prompt"], (await _store.GetSessionAsync(SessionId.Parse(first)))!.Tasks.Select(t => t.Title));
        Assert.Equal(events, await _store.CountEventsAsync(SessionId.Parse(first))); // no malformed half line of the other run
        Assert.Equal(replaced.SessionId, (await _importer.ImportFileAsync(file)).SessionId);
        Assert.Equal(["Backup run prompt number one, long enough to pass the old end", "Backup run prompt two"],
            (await _store.GetSessionAsync(SessionId.Parse(replaced.SessionId!)))!.Tasks.Select(t => t.Title));
    }

    [Fact]
    public async Task A_followed_file_first_seen_empty_is_still_refused_when_it_fills_with_another_agents_records()
    {
        string file = Path.Combine(Project, SessionKey + ".jsonl");
        Directory.CreateDirectory(Project);
        File.WriteAllText(file, ""); // as a shell's "> file" or an agent creates it, before the first line
        ITranscriptFollower follower = _importer.Follow(file);
        Assert.Null((await follower.PollAsync())?.SessionId); // empty: an agent may be about to write it

        File.AppendAllText(file, string.Join("\n",
            """{"timestamp":"2026-11-29T10:00:00Z","type":"session_meta","payload":{"id":"0199a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b","cwd":"/w"}}""",
            """{"timestamp":"2026-11-29T10:00:01Z","type":"response_item","payload":{"type":"message","role":"user","content":[{"type":"input_text","text":"hi"}]}}""") + "\n");

        await Assert.ThrowsAsync<TranscriptFormatException>(() => follower.PollAsync());
        Assert.Empty((await _store.QuerySessionsAsync(SessionFilter.All, SessionSort.UpdatedDescending, PaginationOptions.FirstPage)).Items);
    }

    [Fact]
    public async Task A_refused_file_that_is_followed_is_imported_once_it_holds_a_Claude_Code_record()
    {
        string file = Write(Path.Combine(Project, SessionKey + ".jsonl"), """{"type":"mystery","timestamp":"2026-11-29T10:00:00Z"}""", """{"also":"foreign"}""");
        ITranscriptFollower follower = _importer.Follow(file);
        await Assert.ThrowsAsync<TranscriptFormatException>(() => follower.PollAsync());
        Assert.Null(await follower.PollAsync()); // unchanged: not refused again

        File.AppendAllText(file, """{"type":"user","timestamp":"2026-11-29T10:00:01Z","message":{"content":"now"}}""" + "\n");
        TranscriptImportReport? report = await follower.PollAsync();

        Assert.NotNull(report?.SessionId);
        Assert.Equal(1, report.Tasks);
        Assert.Equal(2, report.Problems.UnknownRecordTypes); // the two foreign lines are kept as events of the session
    }

    [Fact]
    public async Task A_sub_agent_transcript_given_alone_imports_its_session_with_it()
    {
        string session = Write(Path.Combine(Project, SessionKey + ".jsonl"),
            """{"type":"user","timestamp":"2026-11-29T10:00:00Z","uuid":"u1","message":{"role":"user","content":"go"}}""");
        string subAgent = Write(Path.Combine(Project, SessionKey, "subagents", "agent-a1.jsonl"),
            """{"type":"user","isSidechain":true,"timestamp":"2026-11-29T10:00:01Z","uuid":"s1","message":{"role":"user","content":"sub prompt"}}""");

        Assert.Equal([session], _importer.FindTranscripts(subAgent));
        TranscriptImportReport report = await _importer.ImportFileAsync(subAgent);

        Assert.Equal(session, report.Path);
        Assert.Equal(2, report.Tasks);
        Page<SessionSummary> sessions = await _store.QuerySessionsAsync(SessionFilter.All, SessionSort.UpdatedDescending, PaginationOptions.FirstPage);
        Assert.Equal(report.SessionId, Assert.Single(sessions.Items).Id.ToString());
    }

    [Fact]
    public async Task A_sub_agent_transcript_without_its_session_s_transcript_is_refused()
    {
        string subAgent = Write(Path.Combine(Project, SessionKey, "subagents", "agent-a1.jsonl"),
            """{"type":"user","isSidechain":true,"timestamp":"2026-11-29T10:00:01Z","uuid":"s1","message":{"role":"user","content":"sub prompt"}}""");

        TranscriptFormatException refused = Assert.Throws<TranscriptFormatException>(() => _importer.FindTranscripts(subAgent));
        await Assert.ThrowsAsync<TranscriptFormatException>(() => _importer.ImportFileAsync(subAgent));

        Assert.Contains("sub-agent transcript", refused.Message, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(Project, SessionKey + ".jsonl"), refused.Message, StringComparison.Ordinal);
        Assert.Empty((await _store.QuerySessionsAsync(SessionFilter.All, SessionSort.UpdatedDescending, PaginationOptions.FirstPage)).Items);
    }

    [Fact]
    public async Task Titles_are_cut_from_text_redacted_with_the_store_s_own_rules()
    {
        // A rule only this workspace configures (the built-in rules do not know it), matching a secret of several words
        // that the 80-character cut of the first prompt splits: a title cut before redacting would keep its first words,
        // which the store's scan of the short title no longer recognises (too few words for the rule).
        var rules = new SecretRedactor([new SecretRule("vault-phrase", "vault phrase( [a-z]+){6}")]);
        using var workspace = new TempWorkspace();
        using SqliteWorkspaceDatabase database = workspace.Open();
        var store = new SqliteRunStateStore(database, redactor: rules);
        string prompt = "please look at the failing job on staging, it unlocks with vault phrase alpha bravo charlie delta echo foxtrot today";
        string file = Write(Path.Combine(_workspace.Root, "custom", SessionKey + ".jsonl"),
            $$$"""{"type":"user","timestamp":"2026-11-29T10:00:00Z","uuid":"u1","message":{"role":"user","content":"{{{prompt}}}"}}""");

        TranscriptImportReport report = await new ClaudeCodeTranscriptImporter(store).ImportFileAsync(file);

        ImportedSession imported = await ImportedSession.LoadAsync(store, report.SessionId!);
        string[] titles = [imported.Session.Title, .. imported.Session.Tasks.Select(t => t.Title)];
        Assert.All(titles, title => Assert.StartsWith("please look at the failing job", title, StringComparison.Ordinal));
        Assert.All(titles, title => Assert.DoesNotContain("alpha", title, StringComparison.Ordinal));
    }

    private static string Write(string path, params string[] lines)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, string.Join('\n', lines) + "\n");
        return path;
    }

    public void Dispose()
    {
        _database.Dispose();
        _workspace.Dispose();
    }
}
