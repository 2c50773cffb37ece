using System.Text.Json;
using Acode.Application.Transcripts;
using Acode.Infrastructure.Sqlite;
using Acode.Infrastructure.Tests.Support;
using Acode.Infrastructure.Transcripts;

namespace Acode.Infrastructure.Tests.Transcripts;

/// <summary>
/// Claude Code (docs/import.md): a sub-agent transcript of its own ends with the result of the tool call that started
/// it, whatever its last record says; the user's shell-mode commands (<c>!git status</c>) are shell events, not prompts.
/// </summary>
public sealed class ClaudeCodeSubAgentAndShellTests : IDisposable
{
    private const string SessionKey = "66666666-6666-4666-8666-666666666666";

    // The session: a prompt, a Task call that runs sub-agent ab12, its result (with the agent's id), the answer.
    private static readonly string[] Main =
    [
        """{"type":"user","uuid":"u1","parentUuid":null,"cwd":"/w","version":"2.0.74","timestamp":"2026-11-30T11:00:00Z","message":{"role":"user","content":"find the bug"}}""",
        """{"type":"assistant","uuid":"a1","parentUuid":"u1","cwd":"/w","version":"2.0.74","timestamp":"2026-11-30T11:00:01Z","message":{"id":"m1","role":"assistant","model":"m","content":[{"type":"tool_use","id":"toolu_task","name":"Task","input":{"prompt":"look for the bug"}}],"stop_reason":"tool_use"}}""",
        """{"type":"user","uuid":"u2","parentUuid":"a1","cwd":"/w","version":"2.0.74","timestamp":"2026-11-30T11:00:09Z","message":{"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_task","content":"found it"}]},"toolUseResult":{"status":"completed","agentId":"ab12"}}""",
        """{"type":"assistant","uuid":"a2","parentUuid":"u2","cwd":"/w","version":"2.0.74","timestamp":"2026-11-30T11:00:10Z","message":{"id":"m2","role":"assistant","model":"m","content":[{"type":"text","text":"The bug is in parse()."}],"stop_reason":"end_turn"}}""",
    ];

    // The sub-agent's own transcript: its last record carries no stop reason (some versions write none).
    private static readonly string[] SubAgent =
    [
        """{"type":"user","uuid":"s1","parentUuid":null,"isSidechain":true,"agentId":"ab12","timestamp":"2026-11-30T11:00:02Z","message":{"role":"user","content":"look for the bug"}}""",
        """{"type":"assistant","uuid":"s2","parentUuid":"s1","isSidechain":true,"agentId":"ab12","timestamp":"2026-11-30T11:00:05Z","message":{"id":"ms1","role":"assistant","model":"m","content":[{"type":"text","text":"found it"}],"stop_reason":null}}""",
    ];

    private readonly TempWorkspace _workspace = new();
    private readonly SqliteWorkspaceDatabase _database;
    private readonly SqliteRunStateStore _store;

    public ClaudeCodeSubAgentAndShellTests()
    {
        _database = _workspace.Open();
        _store = new SqliteRunStateStore(_database);
    }

    private string MainFile => Path.Combine(_workspace.Root, "projects", "-w", SessionKey + ".jsonl");

    private string SubAgentFile => Path.Combine(_workspace.Root, "projects", "-w", SessionKey, "subagents", "agent-ab12.jsonl");

    [Fact]
    public async Task A_sub_agent_transcript_without_a_stop_reason_ends_when_its_Task_call_gets_its_result()
    {
        Write(SubAgentFile, SubAgent);
        Write(MainFile, Main[..2]);
        var importer = new ClaudeCodeTranscriptImporter(_store);
        TranscriptImportReport running = await importer.ImportFileAsync(MainFile);
        Assert.Equal(WorkState.Running, SubAgentTask(await ImportedSession.LoadAsync(_store, running.SessionId!)).State);

        Write(MainFile, Main);
        TranscriptImportReport ended = await importer.ImportFileAsync(MainFile);

        Session session = (await ImportedSession.LoadAsync(_store, ended.SessionId!)).Session;
        SessionTask task = SubAgentTask(await ImportedSession.LoadAsync(_store, ended.SessionId!));
        Assert.Equal(WorkState.Completed, task.State);
        Assert.Equal(DateTimeOffset.Parse("2026-11-30T11:00:09Z", System.Globalization.CultureInfo.InvariantCulture), task.CompletedAt);
        Assert.Equal(SessionState.Completed, session.State);
    }

    [Fact]
    public async Task Following_the_session_line_by_line_ends_the_sub_agent_as_a_one_shot_import_does()
    {
        Write(SubAgentFile, SubAgent);
        Write(MainFile, Main[..1]);
        ITranscriptFollower follower = new ClaudeCodeTranscriptImporter(_store).Follow(MainFile);
        string sessionId = (await follower.PollAsync())!.SessionId!;
        foreach (string line in Main[1..])
        {
            File.AppendAllText(MainFile, line + "\n");
            await follower.PollAsync();
        }

        using var other = new TempWorkspace();
        using SqliteWorkspaceDatabase otherDatabase = other.Open();
        var otherStore = new SqliteRunStateStore(otherDatabase);
        string otherMain = Path.Combine(other.Root, SessionKey + ".jsonl");
        Write(otherMain, Main);
        Write(Path.Combine(other.Root, SessionKey, "subagents", "agent-ab12.jsonl"), SubAgent);
        await new ClaudeCodeTranscriptImporter(otherStore).ImportFileAsync(otherMain);

        ImportedSession followed = await ImportedSession.LoadAsync(_store, sessionId);
        Assert.Equal(WorkState.Completed, SubAgentTask(followed).State);
        Assert.Equal((await ImportedSession.LoadAsync(otherStore, sessionId)).Export, followed.Export);
    }

    [Fact]
    public async Task The_session_s_source_is_its_main_transcript_s_latest_not_the_sub_agent_s_numbered_higher()
    {
        string main = SubAgentSourceTranscript.Write(Path.Combine(_workspace.Root, "source"));
        TranscriptImportReport report = await new ClaudeCodeTranscriptImporter(_store).ImportFileAsync(main);

        IReadOnlyList<KeyValuePair<string, string>>? facts = await new SqliteImportSourceReader(_database).GetLatestAsync(SessionId.Parse(report.SessionId!));

        Assert.NotNull(facts);
        Assert.Contains(new KeyValuePair<string, string>("model", "claude-opus-4-5"), facts);
        Assert.Contains(new KeyValuePair<string, string>("gitBranch", "main"), facts);
    }

    [Fact]
    public async Task Shell_mode_commands_are_shell_events_not_prompts_and_leave_the_turn_as_it_was()
    {
        Write(MainFile,
            """{"type":"user","uuid":"b1","parentUuid":null,"cwd":"/w","version":"2.0.74","timestamp":"2026-11-30T10:59:00Z","message":{"role":"user","content":"<bash-input>git status</bash-input>"}}""",
            """{"type":"user","uuid":"b2","parentUuid":"b1","cwd":"/w","version":"2.0.74","timestamp":"2026-11-30T10:59:01Z","message":{"role":"user","content":"<bash-stdout>nothing to commit</bash-stdout><bash-stderr></bash-stderr>"}}""",
            Main[0],
            """{"type":"assistant","uuid":"a1","parentUuid":"u1","cwd":"/w","version":"2.0.74","timestamp":"2026-11-30T11:00:01Z","message":{"id":"m1","role":"assistant","model":"m","content":[{"type":"text","text":"Where?"}],"stop_reason":"end_turn"}}""",
            """{"type":"user","uuid":"b3","parentUuid":"a1","cwd":"/w","version":"2.0.74","timestamp":"2026-11-30T11:00:05Z","message":{"role":"user","content":[{"type":"text","text":"<bash-input>make test</bash-input><bash-stdout></bash-stdout><bash-stderr>1 failed</bash-stderr>"}]}}""");

        TranscriptImportReport report = await new ClaudeCodeTranscriptImporter(_store).ImportFileAsync(MainFile);

        ImportedSession imported = await ImportedSession.LoadAsync(_store, report.SessionId!);
        Assert.Equal(0, report.Problems.Total);
        SessionTask task = Assert.Single(imported.Session.Tasks);
        Assert.Equal("find the bug", task.Title);
        Assert.Equal("find the bug", imported.Session.Title);
        Assert.Equal("find the bug", imported.Session.Goal);
        Assert.Equal(SessionState.Completed, imported.Session.State);
        List<JsonElement> shell = [.. imported.Events.Where(e => e.Type == "transcript.shell").Select(e => JsonDocument.Parse(e.PayloadJson).RootElement)];
        Assert.Equal(3, shell.Count);
        Assert.Equal("git status", shell[0].GetProperty("command").GetString());
        Assert.False(shell[0].TryGetProperty("stdout", out _));
        Assert.Equal("nothing to commit", shell[1].GetProperty("stdout").GetString());
        Assert.Equal(("make test", "1 failed"), (shell[2].GetProperty("command").GetString(), shell[2].GetProperty("stderr").GetString()));
        Assert.DoesNotContain(imported.Events, e => e.Type == "transcript.message" && e.PayloadJson.Contains("bash-", StringComparison.Ordinal));
    }

    private static SessionTask SubAgentTask(ImportedSession imported) => Assert.Single(imported.Session.Tasks, t => t.Ordinal > 100_000);

    private static void Write(string path, params string[] lines)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, string.Join('\n', lines) + "\n");
    }

    public void Dispose()
    {
        _database.Dispose();
        _workspace.Dispose();
    }
}
