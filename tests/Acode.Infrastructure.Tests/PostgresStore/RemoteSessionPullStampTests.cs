using Acode.Application;
using Acode.Infrastructure.Imports;
using Acode.Infrastructure.PostgresStore;
using Acode.Infrastructure.Tests.Sync;
using Acode.Testing;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace Acode.Infrastructure.Tests.PostgresStore;

/// <summary>
/// <c>session pull</c> and "Each version its own stamp" (docs/architecture.md): a pulled version that is newer by number
/// but stamped no later than the workspace's own undelivered change is written after that change (ImportedStamp), so it is
/// the workspace's newest version in PostgreSQL too, not a key PostgreSQL takes for one it already holds.
/// </summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class RemoteSessionPullStampTests(PostgresFixture fixture)
{
    [Fact]
    public async Task A_pulled_version_stamped_before_an_undelivered_local_change_reaches_PostgreSQL_as_the_workspace_holds_it()
    {
        using SyncHarness workspace = await SyncHarness.CreateAsync(fixture);
        Session local = await workspace.Store.CreateSessionAsync("shared");
        await workspace.Sync.SyncAsync();
        await using NpgsqlDataSource dataSource = NpgsqlDataSource.Create(workspace.ConnectionString);

        // A server whose clock is an hour behind stamps its versions just after the one it read: before the workspace's change.
        var direct = new PostgresRunStateStore(dataSource, "pg_server", new Domain.Time.HybridClock(new FakeTimeProvider(DateTimeOffset.UtcNow.AddHours(-1))));
        Session onServer = (await direct.GetSessionAsync(local.Id))!;
        onServer.Rename("server 2");
        await direct.SaveAsync(onServer);
        onServer.Rename("server 3");
        await direct.SaveAsync(onServer);
        local.Rename("workspace 2");
        await workspace.Store.SaveAsync(local);
        Assert.True(onServer.UpdatedAt < local.UpdatedAt);

        ImportResult pulled = (await new RemoteSessionPull(direct, workspace.Store, workspace.Database.WorkspaceId!).PullAsync(local.Id))!;
        await workspace.Sync.SyncAsync();

        Assert.Equal(1, pulled.Updated);
        Session mine = (await workspace.Store.GetSessionAsync(local.Id))!;
        Session team = (await direct.GetSessionAsync(local.Id))!;
        Assert.Equal(("server 3", 3L), (mine.Title, mine.Version));
        Assert.InRange(mine.UpdatedAt.UtcTicks - local.UpdatedAt.UtcTicks, 1, ImportedStamp.Spread);
        Assert.Equal((mine.Title, mine.Version, mine.UpdatedAt), (team.Title, team.Version, team.UpdatedAt));

        // The workspace's own change, overwritten by the pull, is in the audit with the server's version it raced.
        Assert.Equal(1L, await workspace.PgCountAsync("SELECT count(*) FROM sync_conflicts WHERE entity_id = $1", local.Id.Value));
    }
}
