using Acode.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Acode.Infrastructure.Tests.Sync;

/// <summary>
/// Which deletions are conflicts, against the real PostgreSQL (docs/architecture.md, "Conflicts"): a <c>db prune
/// --remote</c> tombstone over versions stamped before its cutoff and a second deletion of a deleted session are not
/// concurrent changes and audit nothing; what the prune did not judge old (a change after its cutoff) stays audited.
/// </summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class DeletionConflictAuditTests(PostgresFixture fixture)
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_remote_prune_of_sessions_another_workspace_wrote_removes_them_and_records_no_conflict()
    {
        var clock = new FakeTimeProvider(T0);
        string pg = await fixture.CreateDatabaseAsync();
        using SyncHarness writer = await SyncHarness.CreateAsync(fixture, clock, connectionString: pg);
        using SyncHarness pruner = await SyncHarness.CreateAsync(fixture, clock, connectionString: pg);
        var ids = new List<SessionId>();
        for (int i = 0; i < 3; i++)
        {
            Session session = Session.Create($"old {i}", null, clock);
            session.AddTask("task").AddStep("step").AddToolCall("read", "{}");
            await writer.Store.SaveAsync(session);
            await writer.Store.AppendEventAsync(session.Id, "note");
            ids.Add(session.Id);
        }

        await writer.Sync.SyncAsync();
        clock.Advance(TimeSpan.FromDays(2));

        IReadOnlyList<string> tombstoned = await pruner.Sync.TombstoneSessionsAsync(T0.AddDays(1), [], [], dryRun: false);

        string state = await DeletedSessionSyncTests.DescribeAsync(pruner);
        Assert.Equal(ids.Select(i => i.Value).Order(StringComparer.Ordinal), tombstoned.Order(StringComparer.Ordinal));
        Assert.True(await pruner.PgCountAsync("SELECT count(*) FROM sessions WHERE deleted_at IS NOT NULL") == 3, state);
        Assert.True(await pruner.PgCountAsync("SELECT count(*) FROM tool_calls") + await pruner.PgCountAsync("SELECT count(*) FROM session_events") == 0, state);
        Assert.True(await pruner.PgCountAsync("SELECT count(*) FROM sync_conflicts") == 0, state);
    }

    [Fact]
    public async Task A_remote_prune_still_audits_a_child_changed_after_its_cutoff()
    {
        var clock = new FakeTimeProvider(T0);
        string pg = await fixture.CreateDatabaseAsync();
        using SyncHarness writer = await SyncHarness.CreateAsync(fixture, clock, connectionString: pg);
        using SyncHarness pruner = await SyncHarness.CreateAsync(fixture, clock, connectionString: pg);
        Session session = Session.Create("old, with a late event", null, clock);
        session.AddTask("task");
        await writer.Store.SaveAsync(session);
        clock.Advance(TimeSpan.FromHours(2));
        (EventId late, _) = (await writer.Store.AppendEventAsync(session.Id, "late.note"))!.Value;
        await writer.Sync.SyncAsync();

        IReadOnlyList<string> tombstoned = await pruner.Sync.TombstoneSessionsAsync(T0.AddHours(1), [], [], dryRun: false);

        string state = await DeletedSessionSyncTests.DescribeAsync(pruner);
        Assert.Equal([session.Id.Value], tombstoned);
        string conflict = Assert.Single(await pruner.PgRowsAsync("SELECT entity_type, entity_id, winner FROM sync_conflicts"));
        Assert.True($"SessionEvent|{late.Value}|incoming" == conflict, state);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Two_workspaces_deleting_the_same_session_is_no_conflict(bool aFirst)
    {
        var clockA = new FakeTimeProvider(T0);
        var clockB = new FakeTimeProvider(T0 + TimeSpan.FromSeconds(30));
        string pg = await fixture.CreateDatabaseAsync();
        using SyncHarness a = await SyncHarness.CreateAsync(fixture, clockA, connectionString: pg);
        using SyncHarness b = await SyncHarness.CreateAsync(fixture, clockB, connectionString: pg);
        SessionId id = await DeletedSessionSyncTests.ShareSessionWithStepAsync(a, b);
        await a.Sync.SyncAsync();
        await b.Sync.SyncAsync();
        Assert.True(await a.Store.DeleteSessionAsync(id));
        Assert.True(await b.Store.DeleteSessionAsync(id));

        await (aFirst ? a : b).Sync.SyncAsync();
        Application.Sync.SyncRunResult second = await (aFirst ? b : a).Sync.SyncAsync();

        string state = await DeletedSessionSyncTests.DescribeAsync(a);
        Assert.True(second.Conflicts == 0, state);
        Assert.True(await a.PgCountAsync("SELECT count(*) FROM sync_conflicts") == 0, state);
        Assert.True(await a.PgScalarAsync("SELECT deleted_at IS NOT NULL FROM sessions WHERE id = $1", id.Value) is true, state);

        // The later deletion by the order (B's clock is ahead) stands, whichever arrived first.
        Assert.Equal(b.Database.WorkspaceId, await a.PgScalarAsync("SELECT origin FROM sessions WHERE id = $1", id.Value));
    }
}
