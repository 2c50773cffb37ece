using Acode.Application;
using Acode.Application.Sync;
using Acode.Infrastructure.PostgresStore;
using Acode.Infrastructure.Tests.Sync;
using Acode.Testing;
using Npgsql;

namespace Acode.Infrastructure.Tests.PostgresStore;

/// <summary>
/// <c>session pull</c> writes nothing to deliver back (docs/architecture.md, "Pull converges on PostgreSQL"): what it
/// takes from PostgreSQL, new sessions and newer versions of held ones, gets no outbox record, so a pull of the team's
/// sessions leaves no backlog (which a reader role could never drain), while PostgreSQL records what the workspace now
/// holds: its next change continues the pulled versions without a conflict and syncs as usual.
/// </summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class RemoteSessionPullOutboxTests(PostgresFixture fixture)
{
    [Fact]
    public async Task Pulled_sessions_leave_nothing_in_the_outbox_and_a_later_change_syncs_without_a_conflict()
    {
        using SyncHarness a = await SyncHarness.CreateAsync(fixture);
        using SyncHarness b = await SyncHarness.CreateAsync(fixture, connectionString: a.ConnectionString);
        await using NpgsqlDataSource dataSource = NpgsqlDataSource.Create(a.ConnectionString);
        var remote = new PostgresRunStateStore(dataSource, "pg_server");
        var ids = new List<SessionId>();
        for (int i = 0; i < 3; i++)
        {
            Session session = await a.Store.CreateSessionAsync($"session {i}");
            session.AddTask("task").AddStep("step");
            session.AppendEvent("note", "{\"n\":1}");
            await a.Store.SaveAsync(session);
            ids.Add(session.Id);
        }

        await a.Sync.SyncAsync();
        long keysBefore = await a.PgCountAsync("SELECT count(*) FROM sync_applied");
        var pull = new RemoteSessionPull(remote, b.Store, b.Database.WorkspaceId!);

        foreach (SessionId id in ids)
        {
            ImportResult pulled = (await pull.PullAsync(id))!;
            Assert.True(pulled.Inserted > 0);
        }

        long pendingAfterPull = (await b.Outbox.GetStatisticsAsync()).Pending;
        SyncRunResult nothing = await b.Sync.SyncAsync();

        Assert.Equal(0, pendingAfterPull);
        Assert.Equal(0, nothing.Delivered);
        Assert.Null(pull.NotRecorded);

        // A newer version made elsewhere is pulled the same way: updated here, nothing to deliver back.
        Session onA = (await a.Store.GetSessionAsync(ids[0]))!;
        onA.Rename("renamed by A");
        await a.Store.SaveAsync(onA);
        await a.Sync.SyncAsync();
        ImportResult updated = (await pull.PullAsync(ids[0]))!;
        Assert.Equal(1, updated.Updated);
        Assert.Equal(0, (await b.Outbox.GetStatisticsAsync()).Pending);
        long keysOfB = await a.PgCountAsync("SELECT count(*) FROM sync_applied WHERE origin = $1", b.Database.WorkspaceId!);

        // A change made after the pull syncs normally: it continues the pulled version.
        Session onB = (await b.Store.GetSessionAsync(ids[0]))!;
        onB.Rename("renamed by B");
        onB.AppendEvent("note", "{\"n\":2}");
        await b.Store.SaveAsync(onB);
        SyncRunResult change = await b.Sync.SyncAsync();

        Assert.Equal((2L, 0L, 0L), (change.Applied, change.Duplicates, change.Conflicts));
        Assert.Equal("renamed by B", (await remote.GetSessionAsync(ids[0]))!.Title);
        Assert.Equal(0L, await a.PgCountAsync("SELECT count(*) FROM sync_conflicts"));

        // PostgreSQL learnt what B holds (the held versions), but no key of B's was delivered by the pull itself.
        Assert.True(keysOfB > 0);
        Assert.Equal(0L, await a.PgCountAsync("SELECT count(*) FROM sync_applied WHERE origin = $1 AND outcome = 'Duplicate'", b.Database.WorkspaceId!));
        Assert.True(keysBefore > 0);
    }
}
