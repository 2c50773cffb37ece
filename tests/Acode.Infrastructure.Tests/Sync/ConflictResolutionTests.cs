using Acode.Application.Serialization;
using Acode.Application.Sync;
using Acode.Infrastructure.Tests.Support;
using Acode.Testing;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Acode.Infrastructure.Tests.Sync;

/// <summary>Two workspaces edit the same session; PostgreSQL must converge whatever the order of arrival (spec §9).</summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class ConflictResolutionTests(PostgresFixture fixture)
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    [Trait("AC", "AC-048")]
    [Trait("AC", "AC-049")]
    [Trait("AC", "AC-052")]
    public async Task A_workspace_with_a_slow_clock_conflicts_and_every_arrival_order_converges_to_the_later_write()
    {
        var fastClock = new FakeTimeProvider(T0);
        var slowClock = new FakeTimeProvider(T0 - TimeSpan.FromHours(1));
        string pg1 = await fixture.CreateDatabaseAsync();
        string pg2 = await fixture.CreateDatabaseAsync();
        using SyncHarness a1 = await SyncHarness.CreateAsync(fixture, fastClock, connectionString: pg1);
        using SyncHarness b1 = await SyncHarness.CreateAsync(fixture, slowClock, connectionString: pg1);

        SessionId id = await ShareSessionAsync(a1, b1);
        fastClock.Advance(TimeSpan.FromSeconds(1));
        await RenameAsync(a1, id, "title from A");
        await RenameAsync(b1, id, "title from B, written later by the wall clock of nobody");

        // The same two workspaces' outboxes, delivered A then B into pg1 and B then A into pg2.
        await a1.Sync.SyncAsync();
        SyncRunResult b1Result = await b1.Sync.SyncAsync();
        using SyncHarness b2 = await SyncHarness.CreateAsync(fixture, slowClock, connectionString: pg2);
        using SyncHarness a2 = await SyncHarness.CreateAsync(fixture, fastClock, connectionString: pg2);
        CopyOutbox(b1, b2);
        CopyOutbox(a1, a2);
        await b2.Sync.SyncAsync();
        SyncRunResult a2Result = await a2.Sync.SyncAsync();

        Assert.True(b1Result.Conflicts == 1, string.Join("\n", await a1.PgRowsAsync("SELECT entity_type, incoming_key, incoming_base_version, incoming_version, existing_version, existing_payload::text, incoming_payload::text FROM sync_conflicts")));
        Assert.Equal(1, a2Result.Conflicts);
        Assert.Equal("title from A", await a1.PgScalarAsync("SELECT title FROM sessions"));
        Assert.Equal("title from A", await a2.PgScalarAsync("SELECT title FROM sessions"));
        Assert.Equal(await ContentAsync(a1), await ContentAsync(a2));
        foreach (SyncHarness h in new[] { a1, a2 })
        {
            List<string> conflicts = await h.PgRowsAsync("SELECT entity_type, entity_id, incoming_base_version, incoming_version, existing_version, incoming_payload->>'title', existing_payload->>'title', winner FROM sync_conflicts");
            string conflict = Assert.Single(conflicts);
            Assert.StartsWith($"Session|{id}|1|2|2|", conflict, StringComparison.Ordinal);
            Assert.Contains("title from A", conflict, StringComparison.Ordinal);
            Assert.Contains("title from B", conflict, StringComparison.Ordinal);
        }

        Assert.Equal("existing", await a1.PgScalarAsync("SELECT winner FROM sync_conflicts"));
        Assert.Equal("incoming", await a2.PgScalarAsync("SELECT winner FROM sync_conflicts"));
    }

    [Fact]
    [Trait("AC", "AC-049")]
    [Trait("AC", "AC-050")]
    [Trait("AC", "AC-051")]
    public async Task Equal_timestamps_are_broken_by_origin_workspace_id_the_same_way_in_every_order_and_counted()
    {
        var clockA = new FakeTimeProvider(T0);
        var clockB = new FakeTimeProvider(T0);
        string pg1 = await fixture.CreateDatabaseAsync();
        string pg2 = await fixture.CreateDatabaseAsync();
        using SyncHarness a1 = await SyncHarness.CreateAsync(fixture, clockA, connectionString: pg1);
        using SyncHarness b1 = await SyncHarness.CreateAsync(fixture, clockB, connectionString: pg1);
        SessionId id = await ShareSessionAsync(a1, b1);
        clockA.Advance(TimeSpan.FromSeconds(5));
        clockB.Advance(TimeSpan.FromSeconds(5));
        await RenameAsync(a1, id, "A");
        await RenameAsync(b1, id, "B");
        Assert.Equal(
            (await a1.Store.GetSessionAsync(id))!.UpdatedAt,
            (await b1.Store.GetSessionAsync(id))!.UpdatedAt);

        await a1.Sync.SyncAsync();
        await b1.Sync.SyncAsync();
        using SyncHarness a2 = await SyncHarness.CreateAsync(fixture, clockA, connectionString: pg2);
        using SyncHarness b2 = await SyncHarness.CreateAsync(fixture, clockB, connectionString: pg2);
        CopyOutbox(b1, b2);
        CopyOutbox(a1, a2);
        await b2.Sync.SyncAsync();
        await a2.Sync.SyncAsync();

        string expected = string.CompareOrdinal(a1.Database.WorkspaceId, b1.Database.WorkspaceId) > 0 ? "A" : "B";
        string why = $"A={a1.Database.WorkspaceId} B={b1.Database.WorkspaceId} pg1={string.Join(";", await a1.PgRowsAsync("SELECT title, hlc, origin FROM sessions"))} pg2={string.Join(";", await a2.PgRowsAsync("SELECT title, hlc, origin FROM sessions"))} conflicts={string.Join(";", await a1.PgRowsAsync("SELECT incoming_origin, incoming_hlc, existing_origin, existing_hlc, winner FROM sync_conflicts"))}";
        Assert.True(expected == (string?)await a1.PgScalarAsync("SELECT title FROM sessions"), why);
        string why2 = $"A={a1.Database.WorkspaceId} B={b1.Database.WorkspaceId} pg2={string.Join(";", await a2.PgRowsAsync("SELECT title, hlc, origin, version FROM sessions"))} conflicts2={string.Join(";", await a2.PgRowsAsync("SELECT incoming_origin, incoming_hlc, existing_origin, existing_hlc, winner FROM sync_conflicts"))} applied={string.Join(";", await a2.PgRowsAsync("SELECT idempotency_key, origin, outcome FROM sync_applied ORDER BY applied_at"))}";
        Assert.True(expected == (string?)await a2.PgScalarAsync("SELECT title FROM sessions"), why2);
        SyncStatus status = await a1.Sync.GetStatusAsync();
        Assert.Equal(1, status.Conflicts);
    }

    [Fact]
    public async Task Syncing_moves_the_clock_past_timestamps_seen_in_PostgreSQL_so_a_slow_machine_does_not_lose_its_next_write()
    {
        var fastClock = new FakeTimeProvider(T0);
        var slowClock = new FakeTimeProvider(T0 - TimeSpan.FromMinutes(3));
        string pg = await fixture.CreateDatabaseAsync();
        using SyncHarness fast = await SyncHarness.CreateAsync(fixture, fastClock, connectionString: pg);
        using SyncHarness slow = await SyncHarness.CreateAsync(fixture, slowClock, connectionString: pg);
        SessionId id = await ShareSessionAsync(fast, slow);
        await RenameAsync(fast, id, "fast");
        await fast.Sync.SyncAsync();
        await RenameAsync(slow, id, "slow, conflicting");
        await slow.Sync.SyncAsync();

        Session reloaded = (await slow.Store.GetSessionAsync(id))!;
        reloaded.Rename("slow, after seeing PostgreSQL");
        await slow.Store.SaveAsync(reloaded);
        await slow.Sync.SyncAsync();

        Assert.Equal("slow, after seeing PostgreSQL", await slow.PgScalarAsync("SELECT title FROM sessions"));
        Assert.True(slow.Database.GetSyncState().HlcFloorTicks >= T0.UtcTicks);
    }

    [Fact]
    public async Task A_remote_timestamp_implausibly_far_in_the_future_is_flagged_and_not_adopted_by_the_clock()
    {
        using var capture = new FakeLoggerProvider();
        using Microsoft.Extensions.Logging.ILoggerFactory loggers = capture.CreateFactory();
        using SyncHarness h = await SyncHarness.CreateAsync(fixture, loggerFactory: loggers);
        Session session = await h.Store.CreateSessionAsync("local");
        await h.Sync.SyncAsync();
        long future = DateTimeOffset.UtcNow.AddDays(1).UtcTicks;
        await h.PgScalarAsync("UPDATE sessions SET hlc = $1, version = 5, origin = 'ws_machine_with_a_wrong_clock'", future);

        session.Rename("renamed here");
        await h.Store.SaveAsync(session);
        SyncRunResult result = await h.Sync.SyncAsync();

        Assert.Equal(1, result.Conflicts);
        Assert.True(h.Database.GetSyncState().HlcFloorTicks < future);
        Assert.Contains(capture.Messages(), m => m.Contains("ahead of this machine's clock", StringComparison.Ordinal));
        session.Rename("and again");
        await h.Store.SaveAsync(session);
        Assert.True(session.UpdatedAt.UtcTicks < future);
    }

    /// <summary>Creates a session in <paramref name="a"/> and imports the same session (same ids, versions, stamps) into <paramref name="b"/>.</summary>
    internal static async Task<SessionId> ShareSessionAsync(SyncHarness a, SyncHarness b)
    {
        Session session = await a.Store.CreateSessionAsync("shared");
        using var export = new StringWriter();
        await SessionArchive.WriteAsync(export, a.Store, session);
        await foreach (SessionGraphBuilder graph in SessionArchive.ReadAsync(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(export.ToString()))))
        {
            await b.Store.ImportAsync(graph.Session!, graph.Events);
        }

        return session.Id;
    }

    internal static async Task RenameAsync(SyncHarness h, SessionId id, string title)
    {
        Session session = (await h.Store.GetSessionAsync(id))!;
        session.Rename(title);
        await h.Store.SaveAsync(session);
    }

    /// <summary>Replays one workspace's outbox records into another harness's outbox, untouched (same keys, origin, payload).</summary>
    private static void CopyOutbox(SyncHarness from, SyncHarness to)
    {
        Support.SqliteProbe.MaterializeOutboxPayloads(from.DatabasePath);
        Support.SqliteProbe.Execute(to.DatabasePath, "DELETE FROM outbox_leases; DELETE FROM outbox;");
        // The stored columns: idempotency_key is generated from them (schema 1.11.0) and cannot be written.
        string columns = string.Join(", ", Support.SqliteProbe.Columns(to.DatabasePath, "outbox"));
        Support.SqliteProbe.Execute(to.DatabasePath, $"ATTACH DATABASE '{from.DatabasePath}' AS source; INSERT INTO outbox ({columns}) SELECT {columns} FROM source.outbox; UPDATE outbox SET status = 'Pending', processed_at = NULL;");
    }

    /// <summary>What the mirror holds, minus the delivering workspace of identical imported changes (the first to arrive keeps it).</summary>
    private static async Task<List<string>> ContentAsync(SyncHarness h)
    {
        var rows = new List<string>();
        foreach (string table in new[] { "sessions", "session_tasks", "steps", "tool_calls", "artifacts", "session_events" })
        {
            rows.AddRange(await h.PgRowsAsync($"SELECT '{table}', id, version, hlc, document::text FROM {table} ORDER BY id"));
        }

        rows.AddRange(await h.PgRowsAsync("SELECT id, origin FROM sessions ORDER BY id"));
        return rows;
    }
}
