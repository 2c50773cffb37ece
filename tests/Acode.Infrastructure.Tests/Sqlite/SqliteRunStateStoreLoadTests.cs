using Acode.Infrastructure.Sqlite;
using Acode.Infrastructure.Tests.Support;

namespace Acode.Infrastructure.Tests.Sqlite;

/// <summary>Reads of the store: a session graph and its event log, loaded by a store that did not write them.</summary>
public sealed class SqliteRunStateStoreLoadTests : IDisposable
{
    private readonly TempWorkspace _temp = new();
    private readonly SqliteWorkspaceDatabase _db;
    private readonly SqliteRunStateStore _store;

    public SqliteRunStateStoreLoadTests()
    {
        _db = _temp.Open();
        _store = new SqliteRunStateStore(_db);
    }

    public void Dispose()
    {
        _db.Dispose();
        _temp.Dispose();
    }

    [Fact]
    public async Task GetSessionAsync_returns_every_field_as_it_was_saved()
    {
        Session saved = TestSessions.Rich();
        await _store.SaveAsync(saved);

        Session? loaded;
        using (SqliteWorkspaceDatabase other = _temp.Open())
        {
            loaded = await new SqliteRunStateStore(other).GetSessionAsync(saved.Id);
        }

        Assert.NotNull(loaded);
        Assert.Equal(TestSessions.Documents(saved), TestSessions.Documents(loaded));
        Assert.Equal(saved.LastEventSequence, loaded.LastEventSequence);
        Assert.Empty(loaded.PendingChanges);
        Assert.Equal([2, 1], loaded.Tasks.Select(t => t.Steps.Count));
        Assert.Equal([1, 2, 1], loaded.Tasks.SelectMany(t => t.Steps).Select(s => s.ToolCalls.Count));
    }

    [Fact]
    public async Task GetSessionAsync_keeps_nul_characters_megabytes_of_output_and_artifact_bytes()
    {
        Session saved = TestSessions.Rich();
        await _store.SaveAsync(saved);

        Session loaded = (await _store.GetSessionAsync(saved.Id))!;

        IReadOnlyList<ToolCall> calls = loaded.Tasks[0].Steps.SelectMany(s => s.ToolCalls).ToList();
        Assert.Equal(TestSessions.NulResult, calls[0].Result);
        Assert.Equal(TestSessions.NulResult.Length, calls[0].Result!.Length);
        Assert.Equal(TestSessions.MegabyteOfLog(), calls[1].Result);
        Assert.True(calls[1].Result!.Length >= 1 << 20);
        Assert.Equal("partial\0output", calls[2].Result);
        Assert.Equal(TestSessions.AllBytes, loaded.Artifacts[0].Content!.Value.ToArray());
        Assert.True(loaded.Artifacts[1].HasContent, "an empty artifact content came back as 'no content'");
        Assert.Equal(0, loaded.Artifacts[1].Content!.Value.Length);
        Assert.False(loaded.Artifacts[2].HasContent);
        Assert.Equal(new string('a', 64), loaded.Artifacts[2].ContentHash);
        Assert.Equal(TestSessions.NulResult, SqliteProbe.Scalar(_temp.DatabasePath, "SELECT result FROM tool_calls WHERE id = $id;", ("$id", calls[0].Id.Value)));
    }

    [Fact]
    public async Task GetSessionAsync_returns_text_with_a_lone_surrogate_as_the_replacement_character_saved()
    {
        Session session = Session.Create("bad \uD800 title");
        ToolCall call = session.AddTask("t").AddStep("s").AddToolCall("tool", "{}");
        call.Succeed("half a pair: \uDC00 and a whole one: \U0001F600");
        await _store.SaveAsync(session);

        Session loaded = (await _store.GetSessionAsync(session.Id))!;

        Assert.Equal("bad \uFFFD title", loaded.Title);
        Assert.Equal("half a pair: \uFFFD and a whole one: \U0001F600", loaded.FindToolCall(call.Id)!.Result);
        Assert.Equal(TestSessions.Documents(session), TestSessions.Documents(loaded));
    }

    [Fact]
    public async Task GetSessionAsync_returns_null_for_an_unknown_id()
    {
        await _store.SaveAsync(TestSessions.Rich());

        Assert.Null(await _store.GetSessionAsync(SessionId.New()));
    }

    [Fact]
    public async Task GetSessionAsync_returns_a_session_that_can_be_changed_and_saved_again()
    {
        Session saved = TestSessions.Rich();
        await _store.SaveAsync(saved);

        Session loaded = (await _store.GetSessionAsync(saved.Id))!;
        loaded.TransitionTo(SessionState.Completed);
        await _store.SaveAsync(loaded);

        Session reloaded = (await _store.GetSessionAsync(saved.Id))!;
        Assert.Equal(SessionState.Completed, reloaded.State);
        Assert.Equal(2, reloaded.Version);
        Assert.Equal(saved.CreatedAt, reloaded.CreatedAt);
        Assert.Equal(saved.LastEventSequence + 1, reloaded.LastEventSequence);
    }

    [Fact]
    public async Task ReadEventsAsync_returns_the_events_in_sequence_order()
    {
        Session session = await _store.CreateSessionAsync("events");
        for (int i = 0; i < 24; i++)
        {
            session.AppendEvent("step.note", $$"""{"i":{{i}}}""");
            if (i % 5 == 0)
            {
                await _store.SaveAsync(session);
            }
        }

        await _store.SaveAsync(session);

        IReadOnlyList<SessionEvent> events = await _store.ReadEventsAsync(session);

        Assert.Equal(Enumerable.Range(1, 25).Select(i => (long)i), events.Select(e => e.Sequence));
        Assert.Equal("session.created", events[0].Type);
        Assert.Equal("""{"i":23}""", events[^1].PayloadJson);
        Assert.All(events, e => Assert.Equal(session.Id, e.SessionId));
        Assert.All(events, e => Assert.Equal(1, e.Version));
    }

    [Fact]
    public async Task ReadEventsAsync_pages_with_after_sequence_and_limit()
    {
        Session session = Session.Create("events");
        for (int i = 0; i < 9; i++)
        {
            session.AppendEvent("tick");
        }

        await _store.SaveAsync(session);

        IReadOnlyList<SessionEvent> middle = await _store.ReadEventsAsync(session, afterSequence: 3, limit: 4);
        IReadOnlyList<SessionEvent> tail = await _store.ReadEventsAsync(session, afterSequence: 8, limit: 100);
        IReadOnlyList<SessionEvent> none = await _store.ReadEventsAsync(session, afterSequence: 10);

        Assert.Equal([4L, 5L, 6L, 7L], middle.Select(e => e.Sequence));
        Assert.Equal([9L, 10L], tail.Select(e => e.Sequence));
        Assert.Empty(none);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => _store.ReadEventsAsync(session, limit: 0));
    }

    [Fact]
    public async Task ReadEventsAsync_returns_the_events_exactly_as_saved()
    {
        Session session = TestSessions.Rich();
        List<SessionEvent> pending = session.PendingChanges.OfType<SessionEvent>().ToList();
        await _store.SaveAsync(session);

        IReadOnlyList<SessionEvent> events = await _store.ReadEventsAsync(session);

        Assert.Equal(TestSessions.Documents(pending), TestSessions.Documents(events));
    }
}
