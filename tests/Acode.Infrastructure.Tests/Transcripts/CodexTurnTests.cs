using Acode.Application.Transcripts;
using Acode.Infrastructure.Sqlite;
using Acode.Infrastructure.Tests.Support;
using Acode.Infrastructure.Transcripts;

namespace Acode.Infrastructure.Tests.Transcripts;

/// <summary>
/// What ends a Codex turn (docs/import.md, Codex CLI): <c>task_complete</c> in a rollout that records its turns, never
/// an assistant message between tool calls; in older rollouts that record no turns, an answer with no tool call open.
/// </summary>
public sealed class CodexTurnTests : IDisposable
{
    // A turn as Codex 0.5x+ writes it: task_started, the prompt, a progress note, a tool call and its output, the answer, task_complete.
    private static readonly string[] Turn =
    [
        """{"timestamp":"2026-11-29T10:00:00Z","type":"event_msg","payload":{"type":"task_started","turn_id":"t1","model_context_window":272000}}""",
        """{"timestamp":"2026-11-29T10:00:01Z","type":"response_item","payload":{"type":"message","role":"user","content":[{"type":"input_text","text":"fix the test"}]}}""",
        """{"timestamp":"2026-11-29T10:00:02Z","type":"response_item","payload":{"type":"message","role":"assistant","phase":"commentary","content":[{"type":"output_text","text":"Let me look at the test first."}]}}""",
        """{"timestamp":"2026-11-29T10:00:03Z","type":"response_item","payload":{"type":"function_call","name":"shell","arguments":"{\"command\":[\"make\",\"test\"]}","call_id":"c1"}}""",
        """{"timestamp":"2026-11-29T10:00:04Z","type":"response_item","payload":{"type":"function_call_output","call_id":"c1","output":"{\"output\":\"ok\",\"metadata\":{\"exit_code\":0,\"duration_seconds\":0.5}}"}}""",
        """{"timestamp":"2026-11-29T10:00:05Z","type":"response_item","payload":{"type":"message","role":"assistant","phase":"final_answer","content":[{"type":"output_text","text":"Fixed."}]}}""",
        """{"timestamp":"2026-11-29T10:00:06Z","type":"event_msg","payload":{"type":"task_complete","turn_id":"t1","last_agent_message":"Fixed."}}""",
    ];

    private readonly TempWorkspace _workspace = new();
    private readonly SqliteWorkspaceDatabase _database;
    private readonly SqliteRunStateStore _store;

    public CodexTurnTests()
    {
        _database = _workspace.Open();
        _store = new SqliteRunStateStore(_database);
    }

    private string Rollout => Path.Combine(_workspace.Root, "sessions", "2026", "11", "29", "rollout-2026-11-29T10-00-00-6b6b6b6b-0000-1111-2222-333344445555.jsonl");

    [Fact]
    public async Task A_turn_that_records_its_end_is_executing_until_task_complete_also_after_a_message_between_tool_calls()
    {
        List<SessionState> states = await FollowAsync(Turn);

        Assert.Equal(
            [SessionState.Executing, SessionState.Executing, SessionState.Executing, SessionState.Executing, SessionState.Executing, SessionState.Completed],
            states);
    }

    [Fact]
    public async Task A_message_without_a_phase_does_not_end_a_turn_of_a_rollout_that_records_its_turns()
    {
        string[] withoutPhase = [.. Turn.Select(l => l.Replace("\"phase\":\"commentary\",", "", StringComparison.Ordinal).Replace("\"phase\":\"final_answer\",", "", StringComparison.Ordinal))];

        List<SessionState> states = await FollowAsync(withoutPhase);

        Assert.Equal(SessionState.Executing, states[1]); // the note before the tool call
        Assert.Equal(SessionState.Executing, states[4]); // the answer, before task_complete
        Assert.Equal(SessionState.Completed, states[5]);
    }

    [Fact]
    public async Task A_rollout_that_records_no_turns_is_completed_by_an_answer_with_no_tool_call_open_but_not_by_a_progress_note()
    {
        // Older Codex versions persisted no task_started / task_complete: the answer is all there is to go by.
        string[] legacy = [.. Turn[1..6].Select(l => l.Replace("\"phase\":\"final_answer\",", "", StringComparison.Ordinal))];

        List<SessionState> states = await FollowAsync(legacy);

        Assert.Equal([SessionState.Executing, SessionState.Executing, SessionState.Executing, SessionState.Completed], states);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_step_that_called_tools_ends_with_its_last_tool_call_when_the_next_prompt_or_the_turn_s_end_completes_it(bool turnEnds)
    {
        // The tool call runs 10:00:03-10:00:04 and no answer follows: the turn's end (10:00:30) or the next prompt (10:01:00) completes its step.
        string[] lines =
        [
            Turn[1],
            Turn[3],
            Turn[4],
            turnEnds
                ? """{"timestamp":"2026-11-29T10:00:30Z","type":"event_msg","payload":{"type":"task_complete","turn_id":"t1","last_agent_message":null}}"""
                : """{"timestamp":"2026-11-29T10:01:00Z","type":"response_item","payload":{"type":"message","role":"user","content":[{"type":"input_text","text":"now the docs"}]}}""",
        ];
        Directory.CreateDirectory(Path.GetDirectoryName(Rollout)!);
        File.WriteAllText(Rollout, string.Join('\n', lines) + "\n");

        TranscriptImportReport report = await new CodexTranscriptImporter(_store).ImportFileAsync(Rollout);

        Session session = (await ImportedSession.LoadAsync(_store, report.SessionId!)).Session;
        Step step = Assert.Single(session.Tasks.OrderBy(t => t.Ordinal).First().Steps);
        Assert.Equal(WorkState.Completed, step.State);
        Assert.Equal(DateTimeOffset.Parse("2026-11-29T10:00:04Z", System.Globalization.CultureInfo.InvariantCulture), step.CompletedAt);
    }

    /// <summary>Writes the first line, then appends the others one by one through a follower; the session's state after each appended line.</summary>
    private async Task<List<SessionState>> FollowAsync(string[] lines)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Rollout)!);
        File.WriteAllText(Rollout, lines[0] + "\n");
        ITranscriptFollower follower = new CodexTranscriptImporter(_store).Follow(Rollout);
        await follower.PollAsync();
        var states = new List<SessionState>();
        string? sessionId = null;
        foreach (string line in lines[1..])
        {
            File.AppendAllText(Rollout, line + "\n");
            sessionId = (await follower.PollAsync())?.SessionId ?? sessionId;
            states.Add((await ImportedSession.LoadAsync(_store, sessionId!)).Session.State);
        }

        return states;
    }

    public void Dispose()
    {
        _database.Dispose();
        _workspace.Dispose();
    }
}
