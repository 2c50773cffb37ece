using Acode.Application.Sync;
using Acode.Infrastructure.PostgresStore;
using Acode.Testing;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace Acode.Infrastructure.Tests.Sync;

/// <summary>
/// A copy of a workspace folder (<c>cp -r</c>, <c>.agent/</c> included) shares the original's workspace id, so version
/// numbers and the delivering workspace cannot tell the two lineages apart: both make their own version 6 of a session
/// both held at version 5. Since workspace schema 1.8.0 each outbox record carries the stamp of the version it was based
/// on, and a change continues PostgreSQL's version only when that stamp is its hlc (docs/architecture.md, "Conflicts"):
/// the copies' diverging changes are conflicts, audited, never silent overwrites.
/// </summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class CopiedWorkspaceConflictTests(PostgresFixture fixture)
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task The_copy_building_on_its_lost_version_conflicts_with_the_originals_version_instead_of_overwriting_it()
    {
        var clockA = new FakeTimeProvider(T0);
        var clockB = new FakeTimeProvider(T0);
        using SyncHarness a = await SyncHarness.CreateAsync(fixture, clockA);
        SessionId id = await AtVersionFiveDeliveredAsync(a, clockA);
        using SyncHarness b = SyncHarness.CopyOf(a, clockB);
        Assert.Equal(a.Database.WorkspaceId, b.Database.WorkspaceId);

        // B's version 6 is stamped before A's, so B loses the first conflict.
        clockB.Advance(TimeSpan.FromSeconds(10));
        await RenameAsync(b, id, "B's version 6");
        clockA.Advance(TimeSpan.FromSeconds(20));
        await RenameAsync(a, id, "A's version 6");
        Assert.Equal(0, (await a.Sync.SyncAsync()).Conflicts);
        SyncRunResult first = await b.Sync.SyncAsync();
        Assert.Equal((1, 1), (first.Conflicts, first.ConflictsLost));

        // B builds version 7 on its own version 6: a version 6, delivered by the same workspace id, but not A's version 6.
        clockB.Advance(TimeSpan.FromSeconds(30));
        await RenameAsync(b, id, "B's version 7");
        SyncRunResult second = await b.Sync.SyncAsync();

        Assert.True(second.Conflicts == 1, await ConflictsAsync(a));
        Assert.Equal(0, second.ConflictsLost);
        Assert.Equal("B's version 7", await a.PgScalarAsync("SELECT title FROM sessions WHERE id = $1", id.Value));
        Assert.Equal(
            ["Session|6|7|6|A's version 6|B's version 7|incoming"],
            await a.PgRowsAsync($"SELECT entity_type, incoming_base_version, incoming_version, existing_version, existing_payload->>'title', incoming_payload->>'title', winner FROM sync_conflicts WHERE incoming_version = 7"));
        Assert.Equal(2L, await a.PgCountAsync("SELECT count(*) FROM sync_conflicts"));

        // A's next change, based on its version 6 that PostgreSQL no longer holds, is a conflict too.
        clockA.Advance(TimeSpan.FromSeconds(40));
        await RenameAsync(a, id, "A's version 7");
        SyncRunResult third = await a.Sync.SyncAsync();
        Assert.True(third.Conflicts == 1, await ConflictsAsync(a));
        Assert.Equal(3L, await a.PgCountAsync("SELECT count(*) FROM sync_conflicts"));
    }

    [Fact]
    public async Task The_original_building_on_its_version_that_lost_to_the_copy_conflicts_instead_of_overwriting_the_copys()
    {
        var clockA = new FakeTimeProvider(T0);
        var clockB = new FakeTimeProvider(T0);
        using SyncHarness a = await SyncHarness.CreateAsync(fixture, clockA);
        SessionId id = await AtVersionFiveDeliveredAsync(a, clockA);
        using SyncHarness b = SyncHarness.CopyOf(a, clockB);

        // A delivers first, B's later version 6 wins the conflict: PostgreSQL holds B's version 6.
        clockA.Advance(TimeSpan.FromSeconds(10));
        await RenameAsync(a, id, "A's version 6");
        clockB.Advance(TimeSpan.FromSeconds(20));
        await RenameAsync(b, id, "B's version 6");
        Assert.Equal(0, (await a.Sync.SyncAsync()).Conflicts);
        SyncRunResult won = await b.Sync.SyncAsync();
        Assert.Equal((1, 0), (won.Conflicts, won.ConflictsLost));

        clockA.Advance(TimeSpan.FromSeconds(30));
        await RenameAsync(a, id, "A's version 7");
        SyncRunResult result = await a.Sync.SyncAsync();

        Assert.True(result.Conflicts == 1, await ConflictsAsync(a));
        Assert.Equal(
            ["6|7|6|B's version 6|A's version 7|incoming"],
            await a.PgRowsAsync("SELECT incoming_base_version, incoming_version, existing_version, existing_payload->>'title', incoming_payload->>'title', winner FROM sync_conflicts WHERE incoming_version = 7"));
    }

    [Fact]
    public async Task The_copy_that_pulled_after_losing_continues_PostgreSQLs_version_without_a_conflict()
    {
        var clockA = new FakeTimeProvider(T0);
        var clockB = new FakeTimeProvider(T0);
        using SyncHarness a = await SyncHarness.CreateAsync(fixture, clockA);
        SessionId id = await AtVersionFiveDeliveredAsync(a, clockA);
        using SyncHarness b = SyncHarness.CopyOf(a, clockB);
        clockB.Advance(TimeSpan.FromSeconds(10));
        await RenameAsync(b, id, "B's version 6");
        clockA.Advance(TimeSpan.FromSeconds(20));
        await RenameAsync(a, id, "A's version 6");
        await a.Sync.SyncAsync();
        Assert.Equal(1, (await b.Sync.SyncAsync()).ConflictsLost);

        await using NpgsqlDataSource dataSource = NpgsqlDataSource.Create(a.ConnectionString);
        await new RemoteSessionPull(new PostgresRunStateStore(dataSource, "pg_server"), b.Store, b.Database.WorkspaceId!).PullAsync(id);
        Assert.Equal("A's version 6", (await b.Store.GetSessionAsync(id))!.Title);
        clockB.Advance(TimeSpan.FromSeconds(30));
        await RenameAsync(b, id, "B's version 7, after the pull");
        SyncRunResult result = await b.Sync.SyncAsync();

        Assert.Equal((1L, 0), (result.Applied, result.Conflicts));
        Assert.Equal("B's version 7, after the pull", await a.PgScalarAsync("SELECT title FROM sessions WHERE id = $1", id.Value));
        Assert.Equal(1L, await a.PgCountAsync("SELECT count(*) FROM sync_conflicts"));
    }

    private static async Task<SessionId> AtVersionFiveDeliveredAsync(SyncHarness h, FakeTimeProvider clock)
    {
        Session session = await h.Store.CreateSessionAsync("version 1");
        for (int version = 2; version <= 5; version++)
        {
            clock.Advance(TimeSpan.FromSeconds(1));
            session.Rename($"version {version}");
            await h.Store.SaveAsync(session);
        }

        SyncRunResult result = await h.Sync.SyncAsync();
        Assert.Equal(0, result.Conflicts);
        Assert.Equal(5L, await h.PgCountAsync("SELECT version FROM sessions WHERE id = $1", session.Id.Value));
        return session.Id;
    }

    private static Task RenameAsync(SyncHarness h, SessionId id, string title) => ConflictResolutionTests.RenameAsync(h, id, title);

    private static async Task<string> ConflictsAsync(SyncHarness h)
        => string.Join("\n", await h.PgRowsAsync("SELECT incoming_origin, incoming_base_version, incoming_version, incoming_hlc, existing_version, existing_hlc, winner FROM sync_conflicts ORDER BY id"));
}
