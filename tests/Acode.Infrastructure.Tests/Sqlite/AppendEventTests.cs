using Acode.Infrastructure.Sqlite;
using Acode.Infrastructure.Tests.Support;

namespace Acode.Infrastructure.Tests.Sqlite;

public sealed class AppendEventTests : IDisposable
{
    private readonly TempWorkspace _workspace = new();

    [Fact]
    [Trait("AC", "AC-005")]
    public async Task AppendEventAsync_appends_the_next_sequence_with_its_outbox_record_without_loading_the_session()
    {
        using SqliteWorkspaceDatabase database = _workspace.Open();
        var store = new SqliteRunStateStore(database);
        Session session = await store.CreateSessionAsync("logged into");
        long outboxBefore = SqliteProbe.Count(_workspace.DatabasePath, "SELECT count(*) FROM outbox");

        (EventId Id, long Sequence)? first = await store.AppendEventAsync(session.Id, "tool.output", """{"line":1}""");
        (EventId Id, long Sequence)? second = await store.AppendEventAsync(session.Id, "tool.output", """{"line":2}""");

        Assert.Equal(2, first!.Value.Sequence);
        Assert.Equal(3, second!.Value.Sequence);
        Assert.Equal(outboxBefore + 2, SqliteProbe.Count(_workspace.DatabasePath, "SELECT count(*) FROM outbox"));
        Assert.Equal(1, SqliteProbe.Count(_workspace.DatabasePath, "SELECT count(*) FROM outbox WHERE entity_id = $id AND entity_type = 'SessionEvent'", ("$id", second.Value.Id.Value)));
        IReadOnlyList<SessionEvent> events = await store.ReadEventsAsync(session, 1);
        Assert.Equal(["""{"line":1}""", """{"line":2}"""], events.Select(e => e.PayloadJson));
        Assert.Equal(3, (await store.GetSessionAsync(session.Id))!.LastEventSequence);
    }

    [Fact]
    public async Task AppendEventAsync_returns_null_for_an_unknown_session_and_rejects_bad_json()
    {
        using SqliteWorkspaceDatabase database = _workspace.Open();
        var store = new SqliteRunStateStore(database);
        Session session = await store.CreateSessionAsync("s");

        Assert.Null(await store.AppendEventAsync(SessionId.New(), "x"));
        await Assert.ThrowsAsync<ArgumentException>(() => store.AppendEventAsync(session.Id, "x", "{not json"));
    }

    public void Dispose() => _workspace.Dispose();
}
