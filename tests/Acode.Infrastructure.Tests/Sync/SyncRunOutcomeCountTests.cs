using Acode.Application;
using Acode.Application.Sync;
using Acode.Infrastructure.PostgresStore;
using Acode.Testing;
using Npgsql;

namespace Acode.Infrastructure.Tests.Sync;

/// <summary>
/// A sync run's figures count each delivered record once by its outcome in <c>sync_applied</c> (docs/architecture.md,
/// "Pull converges on PostgreSQL"): only <c>Applied</c> and <c>ConflictWon</c> are "applied"; superseded versions, stale
/// changes, changes of a session deleted in PostgreSQL and lost conflicts are counted apart, and a change lost to a
/// deletion names the deleted session with when and by which workspace it was deleted.
/// </summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class SyncRunOutcomeCountTests(PostgresFixture fixture)
{
    [Fact]
    public async Task Superseded_versions_and_changes_lost_to_a_deletion_are_not_counted_as_applied()
    {
        using SyncHarness deleter = await SyncHarness.CreateAsync(fixture);
        using SyncHarness editor = await SyncHarness.CreateAsync(fixture, connectionString: deleter.ConnectionString);
        await using NpgsqlDataSource dataSource = NpgsqlDataSource.Create(deleter.ConnectionString);
        Session session = await deleter.Store.CreateSessionAsync("shared");
        session.Rename("second");
        await deleter.Store.SaveAsync(session);
        session.Rename("third");
        await deleter.Store.SaveAsync(session);

        SyncRunResult first = await deleter.Sync.SyncAsync();

        Assert.Equal(first.Delivered, first.Applied + first.Superseded);
        Assert.Equal(2, first.Superseded); // the session's first two versions: only "third" was written
        Assert.Equal(first.Applied, await deleter.PgCountAsync("SELECT count(*) FROM sync_applied WHERE outcome = 'Applied'"));
        Assert.Equal(0, first.NotApplied);

        await new RemoteSessionPull(new PostgresRunStateStore(dataSource, "pg_server"), editor.Store, editor.Database.WorkspaceId!).PullAsync(session.Id);
        await deleter.Store.DeleteSessionAsync(session.Id);
        await deleter.Sync.SyncAsync();
        Session copy = (await editor.Store.GetSessionAsync(session.Id))!;
        copy.Rename("continued after the deletion");
        await editor.Store.SaveAsync(copy);

        SyncRunResult lost = await editor.Sync.SyncAsync();

        Assert.Equal((1L, 0L, 1L, 1L, 1L), (lost.Delivered, lost.Applied, lost.ConflictsLost, lost.ConflictsLostToDeletion, lost.NotApplied));
        Assert.Empty(lost.LostSessionIds); // lost to a deletion: only in DeletedSessions, there is no newer version to pull
        KeyValuePair<string, Application.Queries.SessionWorkspaces?> deleted = Assert.Single(lost.DeletedSessions);
        Assert.Equal(session.Id.Value, deleted.Key);
        Assert.Equal(deleter.Database.WorkspaceId, deleted.Value!.LastId);
        Assert.NotNull(deleted.Value.DeletedAt);
    }
}
