using Acode.Application;
using Acode.Infrastructure.PostgresStore;
using Acode.Infrastructure.Tests.Sync;
using Acode.Testing;
using Npgsql;

namespace Acode.Infrastructure.Tests.PostgresStore;

/// <summary>
/// PostgreSQL holding two events of one session at one sequence number, as two workspaces' syncs leave it when each
/// appended an event at the same number (docs/architecture.md, "Event sequence numbers"): the store reads both, in
/// (sequence, id) order, across pages; a pull stores both; the session loads and takes new events after them.
/// </summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class SharedEventNumberTests(PostgresFixture fixture)
{
    [Fact]
    public async Task Two_events_at_one_number_are_read_paged_pulled_and_continued_without_losing_either()
    {
        using SyncHarness a = await SyncHarness.CreateAsync(fixture);
        using SyncHarness b = await SyncHarness.CreateAsync(fixture, connectionString: a.ConnectionString);
        await using NpgsqlDataSource dataSource = NpgsqlDataSource.Create(a.ConnectionString);
        var remote = new PostgresRunStateStore(dataSource, "pg_server");
        Session session = await a.Store.CreateSessionAsync("shared");
        session.AppendEvent("note", "{\"n\":1}");
        await a.Store.SaveAsync(session);
        await a.Sync.SyncAsync();
        await new RemoteSessionPull(remote, b.Store, b.Database.WorkspaceId!).PullAsync(session.Id);
        (EventId fromA, long atA) = (await a.Store.AppendEventAsync(session.Id, "from.a"))!.Value;
        (EventId fromB, long atB) = (await b.Store.AppendEventAsync(session.Id, "from.b"))!.Value;
        (EventId laterA, _) = (await a.Store.AppendEventAsync(session.Id, "later.a"))!.Value;
        await a.Sync.SyncAsync();
        await b.Sync.SyncAsync();
        Assert.Equal(atA, atB);
        Assert.Equal(2L, await a.PgCountAsync("SELECT count(*) FROM session_events WHERE session_id = $1 AND sequence = $2", session.Id.Value, atA));

        Session held = (await remote.GetSessionAsync(session.Id))!;
        var paged = new List<SessionEvent>();
        for (IReadOnlyList<SessionEvent> page; (page = await remote.ReadEventsAsync(held, paged.Count == 0 ? 0 : paged[^1].Sequence, 1)).Count > 0;)
        {
            paged.AddRange(page);
        }

        string[] pair = [.. new[] { fromA.Value, fromB.Value }.Order(StringComparer.Ordinal)];
        string[] types = ["session.created", "note", .. pair.Select(id => id == fromA.Value ? "from.a" : "from.b"), "later.a"];
        Assert.Equal(types, paged.Select(e => e.Type));
        Assert.Equal(pair, paged.Where(e => e.Sequence == atA).Select(e => e.Id.Value));

        ImportResult? pulledByA = await new RemoteSessionPull(remote, a.Store, a.Database.WorkspaceId!).PullAsync(session.Id);
        ImportResult? pulledByB = await new RemoteSessionPull(remote, b.Store, b.Database.WorkspaceId!).PullAsync(session.Id);

        Assert.Equal(1, pulledByA!.Inserted); // B's event, after A's last
        Assert.Equal(2, pulledByB!.Inserted); // its own event held the number: A's and A's later one go after it
        foreach (SyncHarness workspace in new[] { a, b })
        {
            IReadOnlyList<SessionEvent> local = await workspace.Store.ReadEventsAsync((await workspace.Store.GetSessionAsync(session.Id))!);
            Assert.Equal(paged.Select(e => e.Id.Value).Order(StringComparer.Ordinal), local.Select(e => e.Id.Value).Order(StringComparer.Ordinal));
            Assert.Equal(Enumerable.Range(1, paged.Count).Select(i => (long)i), local.Select(e => e.Sequence));
        }

        held.AppendEvent("after.both");
        await remote.SaveAsync(held);
        IReadOnlyList<SessionEvent> all = await remote.ReadEventsAsync(held);
        Assert.Equal(paged.Count + 1, all.Count);
        Assert.Equal("after.both", all[^1].Type);
        Assert.True(all[^1].Sequence > all[^2].Sequence);
        Assert.Contains(laterA, all.Select(e => e.Id));
    }
}
