using System.Text;
using System.Text.Json;
using Acode.Application.Transcripts;
using Acode.Infrastructure.Sqlite;
using Acode.Infrastructure.Tests.Support;
using Acode.Infrastructure.Transcripts;

namespace Acode.Infrastructure.Tests.Transcripts;

/// <summary>
/// Claude Code writes each content block of one API message as its own record (same <c>message.id</c>): one turn, one
/// step, open until the turn ends; slash-command records are not prompts; a byte-order mark is not part of a line.
/// </summary>
public sealed class ClaudeCodeTurnTests : IDisposable
{
    private const string SessionKey = "22222222-2222-4333-8444-555555555555";

    // A prompt; one assistant message written as two records (its text, then its tool use); the tool result; the answer.
    private static readonly string[] Turn =
    [
        """{"type":"user","uuid":"u1","parentUuid":null,"cwd":"/w","version":"2.0.30","timestamp":"2026-11-30T11:00:00Z","message":{"role":"user","content":"run the tests"}}""",
        """{"type":"assistant","uuid":"a1","parentUuid":"u1","cwd":"/w","version":"2.0.30","timestamp":"2026-11-30T11:00:02Z","message":{"id":"m1","role":"assistant","model":"m","content":[{"type":"text","text":"Let me run the tests."}],"stop_reason":null}}""",
        """{"type":"assistant","uuid":"a2","parentUuid":"a1","cwd":"/w","version":"2.0.30","timestamp":"2026-11-30T11:00:03Z","message":{"id":"m1","role":"assistant","model":"m","content":[{"type":"tool_use","id":"t1","name":"Bash","input":{"command":"make test"}}],"stop_reason":"tool_use"}}""",
        """{"type":"user","uuid":"u2","parentUuid":"a2","cwd":"/w","version":"2.0.30","timestamp":"2026-11-30T11:01:03Z","message":{"role":"user","content":[{"type":"tool_result","tool_use_id":"t1","content":"ok"}]}}""",
        """{"type":"assistant","uuid":"a3","parentUuid":"u2","cwd":"/w","version":"2.0.30","timestamp":"2026-11-30T11:01:05Z","message":{"id":"m2","role":"assistant","model":"m","content":[{"type":"text","text":"All green."}],"stop_reason":"end_turn"}}""",
    ];

    private readonly TempWorkspace _workspace = new();
    private readonly SqliteWorkspaceDatabase _database;
    private readonly SqliteRunStateStore _store;
    private readonly ClaudeCodeTranscriptImporter _importer;

    public ClaudeCodeTurnTests()
    {
        _database = _workspace.Open();
        _store = new SqliteRunStateStore(_database);
        _importer = new ClaudeCodeTranscriptImporter(_store);
    }

    private string File1 => Path.Combine(_workspace.Root, "projects", "-w", SessionKey + ".jsonl");

    [Fact]
    public async Task A_turn_whose_first_block_leaves_it_open_is_executing_and_its_step_is_running()
    {
        TranscriptImportReport report = await _importer.ImportFileAsync(Write(File1, Turn[..2]));

        Session session = (await ImportedSession.LoadAsync(_store, report.SessionId!)).Session;
        Assert.Equal(SessionState.Executing, session.State);
        Step step = Assert.Single(session.Tasks.Single().Steps);
        Assert.Equal(WorkState.Running, step.State);
        Assert.Null(step.CompletedAt);
    }

    [Fact]
    public async Task The_records_of_one_message_are_one_step_that_spans_its_tool_call_and_ends_with_it()
    {
        TranscriptImportReport report = await _importer.ImportFileAsync(Write(File1, Turn));

        Session session = (await ImportedSession.LoadAsync(_store, report.SessionId!)).Session;
        Assert.Equal(SessionState.Completed, session.State);
        List<Step> steps = [.. session.Tasks.Single().Steps];
        Assert.Equal(2, steps.Count);
        Step first = steps[0];
        ToolCall call = Assert.Single(first.ToolCalls);
        Assert.Equal("Let me run the tests.", first.Title);
        Assert.Equal(WorkState.Completed, first.State);
        Assert.Equal(At("11:00:02"), first.StartedAt);
        Assert.Equal(At("11:01:03"), first.CompletedAt); // when its tool call ended, not when it started
        Assert.Equal(At("11:01:03"), call.CompletedAt);
        Assert.Equal(WorkState.Completed, steps[1].State);
    }

    [Fact]
    public async Task A_step_that_called_tools_ends_with_its_last_tool_call_also_when_the_next_prompt_completes_it()
    {
        // Step 1.1 reads (11:00:02-11:00:03), step 1.2 edits (11:00:12-11:00:13); no answer follows: the next prompt comes at 11:01:00.
        string[] lines =
        [
            """{"type":"user","uuid":"u1","parentUuid":null,"cwd":"/w","version":"2.0.30","timestamp":"2026-11-30T11:00:00Z","message":{"role":"user","content":"fix the parser"}}""",
            """{"type":"assistant","uuid":"a1","parentUuid":"u1","cwd":"/w","version":"2.0.30","timestamp":"2026-11-30T11:00:02Z","message":{"id":"m1","role":"assistant","model":"m","content":[{"type":"tool_use","id":"t1","name":"Read","input":{"file_path":"p.py"}}],"stop_reason":"tool_use"}}""",
            """{"type":"user","uuid":"u2","parentUuid":"a1","cwd":"/w","version":"2.0.30","timestamp":"2026-11-30T11:00:03Z","message":{"role":"user","content":[{"type":"tool_result","tool_use_id":"t1","content":"def parse(): pass"}]}}""",
            """{"type":"assistant","uuid":"a2","parentUuid":"u2","cwd":"/w","version":"2.0.30","timestamp":"2026-11-30T11:00:12Z","message":{"id":"m2","role":"assistant","model":"m","content":[{"type":"tool_use","id":"t2","name":"Edit","input":{"file_path":"p.py"}}],"stop_reason":"tool_use"}}""",
            """{"type":"user","uuid":"u3","parentUuid":"a2","cwd":"/w","version":"2.0.30","timestamp":"2026-11-30T11:00:13Z","message":{"role":"user","content":[{"type":"tool_result","tool_use_id":"t2","content":"ok"}]}}""",
            """{"type":"user","uuid":"u4","parentUuid":"u3","cwd":"/w","version":"2.0.30","timestamp":"2026-11-30T11:01:00Z","message":{"role":"user","content":"now the tests"}}""",
            """{"type":"assistant","uuid":"a3","parentUuid":"u4","cwd":"/w","version":"2.0.30","timestamp":"2026-11-30T11:01:02Z","message":{"id":"m3","role":"assistant","model":"m","content":[{"type":"text","text":"Done."}],"stop_reason":"end_turn"}}""",
        ];

        TranscriptImportReport report = await _importer.ImportFileAsync(Write(File1, lines));

        Session session = (await ImportedSession.LoadAsync(_store, report.SessionId!)).Session;
        List<Step> steps = [.. session.Tasks.OrderBy(t => t.Ordinal).First().Steps];
        Assert.Equal(["Calls Read", "Calls Edit"], steps.Select(s => s.Title));
        Assert.All(steps, s => Assert.Equal(WorkState.Completed, s.State));
        Assert.Equal(At("11:00:03"), steps[0].CompletedAt);
        Assert.Equal(At("11:00:13"), steps[1].CompletedAt); // the end of its Edit call, not the next prompt (11:01:00)
        Assert.Equal(TimeSpan.FromSeconds(1), steps[1].CompletedAt - steps[1].StartedAt);
    }

    [Fact]
    public async Task An_api_error_claude_code_writes_as_model_synthetic_leaves_the_session_s_model_as_it_was()
    {
        string[] lines =
        [
            """{"type":"user","uuid":"u1","parentUuid":null,"cwd":"/w","version":"2.0.30","timestamp":"2026-11-30T11:00:00Z","message":{"role":"user","content":"fix the parser"}}""",
            """{"type":"assistant","uuid":"a1","parentUuid":"u1","cwd":"/w","version":"2.0.30","timestamp":"2026-11-30T11:00:02Z","message":{"id":"m1","role":"assistant","model":"claude-x","content":[{"type":"text","text":"On it."}],"stop_reason":"end_turn"}}""",
            """{"type":"user","uuid":"u2","parentUuid":"a1","cwd":"/w","version":"2.0.30","timestamp":"2026-11-30T11:00:05Z","message":{"role":"user","content":"and the tests"}}""",
            """{"type":"assistant","isApiErrorMessage":true,"uuid":"a2","parentUuid":"u2","cwd":"/w","version":"2.0.30","timestamp":"2026-11-30T11:00:07Z","message":{"id":"m2","type":"message","role":"assistant","model":"<synthetic>","content":[{"type":"text","text":"API Error: 529 overloaded"}],"stop_reason":"stop_sequence"}}""",
        ];

        TranscriptImportReport report = await _importer.ImportFileAsync(Write(File1, lines));

        ImportedSession imported = await ImportedSession.LoadAsync(_store, report.SessionId!);
        Assert.Equal(SessionState.Failed, imported.Session.State);
        SessionEvent source = imported.Events.Last(e => e.Type == "import.source");
        Assert.Equal("claude-x", JsonDocument.Parse(source.PayloadJson).RootElement.GetProperty("model").GetString());
        Assert.DoesNotContain(imported.Events, e => e.Type == "import.source" && e.PayloadJson.Contains("<synthetic>", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Every_prefix_of_the_turn_is_executing_until_the_answer_and_a_turn_duration_record_ends_a_turn_without_stop_reason()
    {
        for (int lines = 1; lines < Turn.Length; lines++)
        {
            using var workspace = new TempWorkspace();
            using SqliteWorkspaceDatabase database = workspace.Open();
            var store = new SqliteRunStateStore(database);
            TranscriptImportReport report = await new ClaudeCodeTranscriptImporter(store).ImportFileAsync(Write(Path.Combine(workspace.Root, SessionKey + ".jsonl"), Turn[..lines]));
            Assert.True((await ImportedSession.LoadAsync(store, report.SessionId!)).Session.State == SessionState.Executing, $"after {lines} line(s)");
        }

        // A version that writes no stop reason on the answer: Claude Code's turn_duration record says the turn is over.
        string open = Turn[4].Replace("\"stop_reason\":\"end_turn\"", "\"stop_reason\":null", StringComparison.Ordinal);
        TranscriptImportReport ended = await _importer.ImportFileAsync(Write(File1, [.. Turn[..4], open,
            """{"type":"system","subtype":"turn_duration","durationMs":65000,"uuid":"s1","parentUuid":"a3","timestamp":"2026-11-30T11:01:05.1Z"}"""]));
        Assert.Equal(SessionState.Completed, (await ImportedSession.LoadAsync(_store, ended.SessionId!)).Session.State);
    }

    [Fact]
    public async Task Following_the_transcript_line_by_line_stores_what_a_one_shot_import_stores()
    {
        string file = Write(File1, Turn[..1]);
        ITranscriptFollower follower = _importer.Follow(file);
        string sessionId = (await follower.PollAsync())!.SessionId!;
        var states = new List<SessionState>();
        foreach (string line in Turn[1..])
        {
            File.AppendAllText(file, line + "\n");
            Assert.NotNull(await follower.PollAsync());
            states.Add((await ImportedSession.LoadAsync(_store, sessionId)).Session.State);
        }

        Assert.Equal([SessionState.Executing, SessionState.Executing, SessionState.Executing, SessionState.Completed], states);

        using var other = new TempWorkspace();
        using SqliteWorkspaceDatabase otherDatabase = other.Open();
        var otherStore = new SqliteRunStateStore(otherDatabase);
        TranscriptImportReport oneShot = await new ClaudeCodeTranscriptImporter(otherStore).ImportFileAsync(Write(Path.Combine(other.Root, SessionKey + ".jsonl"), Turn));

        Assert.Equal((await ImportedSession.LoadAsync(otherStore, oneShot.SessionId!)).Export, (await ImportedSession.LoadAsync(_store, oneShot.SessionId!)).Export);
    }

    [Fact]
    public async Task Slash_command_records_are_meta_events_and_the_first_real_prompt_is_the_title_goal_and_first_task()
    {
        string file = Write(File1, [
            """{"type":"user","uuid":"c0","isMeta":true,"timestamp":"2026-11-30T10:59:00Z","message":{"role":"user","content":"<local-command-caveat>Caveat: The messages below were generated by the user while running local commands.</local-command-caveat>"}}""",
            """{"type":"user","uuid":"c1","parentUuid":"c0","timestamp":"2026-11-30T10:59:01Z","message":{"role":"user","content":"<command-name>/model</command-name>\n<command-message>model</command-message>\n<command-args></command-args>"}}""",
            """{"type":"user","uuid":"c2","parentUuid":"c1","timestamp":"2026-11-30T10:59:02Z","message":{"role":"user","content":"<local-command-stdout>Set model to \u001b[1mopus\u001b[22m</local-command-stdout>"}}""",
            .. Turn]);

        TranscriptImportReport report = await _importer.ImportFileAsync(file);

        ImportedSession imported = await ImportedSession.LoadAsync(_store, report.SessionId!);
        Assert.Equal("run the tests", imported.Session.Title);
        Assert.Equal("run the tests", imported.Session.Goal);
        Assert.Equal(["run the tests"], imported.Session.Tasks.Select(t => t.Title));
        Assert.Equal(3, imported.Events.Count(e => e.Type == "transcript.message" && e.PayloadJson.Contains("\"meta\":true", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_custom_slash_command_the_model_answers_is_a_task_named_after_the_command()
    {
        string file = Write(File1, [
            """{"type":"user","uuid":"c1","timestamp":"2026-11-30T10:59:01Z","message":{"role":"user","content":"<command-message>review is running…</command-message>\n<command-name>/review</command-name>\n<command-args>src</command-args>"}}""",
            """{"type":"user","uuid":"c2","parentUuid":"c1","isMeta":true,"timestamp":"2026-11-30T10:59:01Z","message":{"role":"user","content":[{"type":"text","text":"Review the code in src."}]}}""",
            """{"type":"assistant","uuid":"a1","parentUuid":"c2","timestamp":"2026-11-30T10:59:05Z","message":{"id":"m1","role":"assistant","content":[{"type":"text","text":"Looks fine."}],"stop_reason":"end_turn"}}""",
            .. Turn]);

        TranscriptImportReport report = await _importer.ImportFileAsync(file);

        Session session = (await ImportedSession.LoadAsync(_store, report.SessionId!)).Session;
        Assert.Equal(["/review src", "run the tests"], session.Tasks.Select(t => t.Title));
        Assert.Equal("run the tests", session.Goal);
    }

    [Fact]
    public async Task A_side_chain_whose_last_record_has_no_stop_reason_ends_when_its_Task_call_has_its_result()
    {
        string file = Write(File1, [
            """{"type":"user","uuid":"u1","timestamp":"2026-11-30T11:00:00Z","message":{"role":"user","content":"look around"}}""",
            """{"type":"assistant","uuid":"a1","parentUuid":"u1","timestamp":"2026-11-30T11:00:01Z","message":{"id":"m1","role":"assistant","content":[{"type":"tool_use","id":"t1","name":"Task","input":{"prompt":"find the tests"}}],"stop_reason":null}}""",
            """{"type":"user","uuid":"s1","isSidechain":true,"parentUuid":null,"timestamp":"2026-11-30T11:00:02Z","message":{"role":"user","content":"find the tests"}}""",
            """{"type":"assistant","uuid":"s2","isSidechain":true,"parentUuid":"s1","timestamp":"2026-11-30T11:00:03Z","message":{"id":"sm1","role":"assistant","content":[{"type":"text","text":"They are in tests/."}],"stop_reason":null}}""",
            """{"type":"user","uuid":"u2","parentUuid":"a1","timestamp":"2026-11-30T11:00:04Z","message":{"role":"user","content":[{"type":"tool_result","tool_use_id":"t1","content":"They are in tests/."}]}}""",
            """{"type":"assistant","uuid":"a2","parentUuid":"u2","timestamp":"2026-11-30T11:00:05Z","message":{"id":"m2","role":"assistant","content":[{"type":"text","text":"Found them."}],"stop_reason":"end_turn"}}"""]);

        TranscriptImportReport report = await _importer.ImportFileAsync(file);

        Session session = (await ImportedSession.LoadAsync(_store, report.SessionId!)).Session;
        Assert.Equal(SessionState.Completed, session.State);
        Assert.All(session.Tasks, t => Assert.Equal(WorkState.Completed, t.State));
    }

    [Fact]
    public async Task A_byte_order_mark_is_not_part_of_the_first_line()
    {
        string file = Write(File1, Turn);
        File.WriteAllBytes(file, [0xEF, 0xBB, 0xBF, .. File.ReadAllBytes(file)]);

        TranscriptImportReport report = await _importer.ImportFileAsync(file);

        Assert.Equal(0, report.Problems.Total);
        Session session = (await ImportedSession.LoadAsync(_store, report.SessionId!)).Session;
        Assert.Equal("run the tests", session.Goal);
        Assert.Single(session.Tasks);
    }

    [Fact]
    public async Task A_symbolic_link_loop_in_a_folder_is_followed_once_and_every_file_is_found_once()
    {
        string folder = Path.Combine(_workspace.Root, "projects");
        Write(File1, Turn);
        Directory.CreateSymbolicLink(Path.Combine(folder, "-w", "back"), "..");

        IReadOnlyList<string> found = _importer.FindTranscripts(folder);

        Assert.Equal([File1], found);
    }

    [Fact]
    [Trait("Issue", "trial27.B2")]
    public async Task A_clock_that_steps_back_between_lines_never_ends_a_task_step_or_tool_call_before_it_started()
    {
        // The second prompt (which completes task 1) and the tool's result are stamped before what they follow.
        string[] lines =
        [
            """{"type":"user","uuid":"u1","parentUuid":null,"cwd":"/w","version":"2.0.30","timestamp":"2026-11-30T11:00:00Z","message":{"role":"user","content":"first prompt"}}""",
            """{"type":"assistant","uuid":"a1","parentUuid":"u1","cwd":"/w","version":"2.0.30","timestamp":"2026-11-30T11:00:02Z","message":{"id":"m1","role":"assistant","model":"m","content":[{"type":"tool_use","id":"t1","name":"Bash","input":{"command":"date"}}],"stop_reason":"tool_use"}}""",
            """{"type":"user","uuid":"u2","parentUuid":"a1","cwd":"/w","version":"2.0.30","timestamp":"2026-11-30T10:59:00Z","message":{"role":"user","content":[{"type":"tool_result","tool_use_id":"t1","content":"ok"}]}}""",
            """{"type":"user","uuid":"u3","parentUuid":"u2","cwd":"/w","version":"2.0.30","timestamp":"2026-11-30T10:58:00Z","message":{"role":"user","content":"second prompt, the clock stepped back"}}""",
        ];

        TranscriptImportReport report = await _importer.ImportFileAsync(Write(File1, lines));

        Session session = (await ImportedSession.LoadAsync(_store, report.SessionId!)).Session;
        SessionTask first = session.Tasks[0];
        Step step = first.Steps.Single();
        ToolCall call = step.ToolCalls.Single();
        Assert.Equal((WorkState.Completed, At("11:00:00"), At("11:00:00")), (first.State, first.StartedAt, first.CompletedAt));
        Assert.Equal((At("11:00:02"), At("11:00:02")), (step.StartedAt, step.CompletedAt));
        Assert.Equal((At("11:00:02"), At("11:00:02"), TimeSpan.Zero), (call.StartedAt, call.CompletedAt, call.Duration));
    }

    private static DateTimeOffset At(string time) => DateTimeOffset.Parse("2026-11-30T" + time + "Z", System.Globalization.CultureInfo.InvariantCulture);

    private static string Write(string path, string[] lines)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, string.Join('\n', lines) + "\n", new UTF8Encoding(false));
        return path;
    }

    public void Dispose()
    {
        _database.Dispose();
        _workspace.Dispose();
    }
}
