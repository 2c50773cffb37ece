using Acode.Application.Serialization;
using Acode.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Acode.Infrastructure.Tests.Sync;

/// <summary>
/// Issue 10, items 5 and 6: late changes to a deleted session, and lost changes that went unaudited. Two workspaces
/// share a session through an export; what each delivers to the real PostgreSQL is checked in both orders of arrival.
/// </summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class DeletedSessionSyncTests(PostgresFixture fixture)
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(-60, true)]
    [InlineData(-60, false)]
    [InlineData(3600, true)]
    [InlineData(3600, false)]
    public async Task A_tool_call_added_while_another_workspace_deletes_the_session_is_never_live_under_the_tombstone_and_is_audited(int bClockOffsetSeconds, bool deletionArrivesFirst)
    {
        var clockA = new FakeTimeProvider(T0);
        var clockB = new FakeTimeProvider(T0 + TimeSpan.FromSeconds(bClockOffsetSeconds));
        string pg = await fixture.CreateDatabaseAsync();
        using SyncHarness a = await SyncHarness.CreateAsync(fixture, clockA, connectionString: pg);
        using SyncHarness b = await SyncHarness.CreateAsync(fixture, clockB, connectionString: pg);
        SessionId id = await ShareSessionWithStepAsync(a, b);

        Session copy = (await b.Store.GetSessionAsync(id))!;
        ToolCall late = copy.Tasks[0].Steps[0].AddToolCall("run_tests", "{}");
        await b.Store.SaveAsync(copy);
        clockA.Advance(TimeSpan.FromSeconds(30));
        Assert.True(await a.Store.DeleteSessionAsync(id));

        SyncHarness first = deletionArrivesFirst ? a : b;
        SyncHarness second = deletionArrivesFirst ? b : a;
        await first.Sync.SyncAsync();
        await second.Sync.SyncAsync();

        string state = await DescribeAsync(a);
        Assert.True(await a.PgScalarAsync("SELECT deleted_at IS NOT NULL FROM sessions WHERE id = $1", id.Value) is true, state);
        foreach (string table in new[] { "session_tasks", "steps", "tool_calls", "artifacts", "session_events" })
        {
            Assert.True(await a.PgCountAsync($"SELECT count(*) FROM {table} WHERE session_id = $1", id.Value) == 0, $"{table} has live rows under the deleted session\n{state}");
        }

        // The only change that lost is B's tool call: the task, step and session B imported were A's, which A deleted knowingly.
        string conflict = Assert.Single(await a.PgRowsAsync("SELECT entity_type, entity_id, incoming_origin, existing_origin, winner FROM sync_conflicts"));
        string expected = deletionArrivesFirst
            ? $"ToolCall|{late.Id}|{b.Database.WorkspaceId}|{a.Database.WorkspaceId}|existing"
            : $"ToolCall|{late.Id}|{a.Database.WorkspaceId}|{b.Database.WorkspaceId}|incoming";
        Assert.True(expected == conflict, state);
        if (deletionArrivesFirst)
        {
            Assert.Equal("ConflictLost", await a.PgScalarAsync("SELECT outcome FROM sync_applied WHERE entity_id = $1 AND origin = $2", late.Id.Value, b.Database.WorkspaceId!));
        }
    }

    [Fact]
    public async Task A_session_edit_newer_than_the_deletion_is_a_recorded_conflict_that_the_deletion_wins_in_both_orders()
    {
        foreach (bool deletionArrivesFirst in new[] { true, false })
        {
            var clockA = new FakeTimeProvider(T0);
            var clockB = new FakeTimeProvider(T0 + TimeSpan.FromHours(1));
            string pg = await fixture.CreateDatabaseAsync();
            using SyncHarness a = await SyncHarness.CreateAsync(fixture, clockA, connectionString: pg);
            using SyncHarness b = await SyncHarness.CreateAsync(fixture, clockB, connectionString: pg);
            SessionId id = await ShareSessionWithStepAsync(a, b);
            await ConflictResolutionTests.RenameAsync(b, id, "renamed an hour later by B's clock");
            Assert.True(await a.Store.DeleteSessionAsync(id));

            await (deletionArrivesFirst ? a : b).Sync.SyncAsync();
            await (deletionArrivesFirst ? b : a).Sync.SyncAsync();

            string state = await DescribeAsync(a);
            Assert.True(await a.PgScalarAsync("SELECT deleted_at IS NOT NULL FROM sessions WHERE id = $1", id.Value) is true, state);
            Assert.True(await a.PgCountAsync("SELECT count(*) FROM sync_conflicts WHERE entity_type = 'Session' AND incoming_payload->>'title' LIKE 'renamed%' OR existing_payload->>'title' LIKE 'renamed%'") == 1, state);
        }
    }

    [Fact]
    public async Task Every_edit_that_loses_to_a_workspace_with_a_fast_clock_is_audited_with_both_versions_and_outcomes_are_per_origin()
    {
        var fastClock = new FakeTimeProvider(T0 + TimeSpan.FromHours(1));
        var clockB = new FakeTimeProvider(T0);
        string pg = await fixture.CreateDatabaseAsync();
        using SyncHarness a = await SyncHarness.CreateAsync(fixture, fastClock, connectionString: pg);
        using SyncHarness b = await SyncHarness.CreateAsync(fixture, clockB, connectionString: pg);
        SessionId id = await ConflictResolutionTests.ShareSessionAsync(b, a);
        await b.Sync.SyncAsync();
        await a.Sync.SyncAsync();
        await ConflictResolutionTests.RenameAsync(a, id, "A");
        await a.Sync.SyncAsync();

        for (int i = 1; i <= 3; i++)
        {
            clockB.Advance(TimeSpan.FromSeconds(1));
            await ConflictResolutionTests.RenameAsync(b, id, $"B{i}");
            await b.Sync.SyncAsync();
        }

        string state = await DescribeAsync(a);
        Assert.Equal("A", await a.PgScalarAsync("SELECT title FROM sessions"));
        List<string> outcomes = await a.PgRowsAsync($"SELECT outcome FROM sync_applied WHERE origin = '{b.Database.WorkspaceId}' AND entity_type = 'Session' ORDER BY idempotency_key");
        Assert.True(outcomes.Skip(1).All(o => o == "ConflictLost") && outcomes.Count == 4, state);
        List<string> audited = await a.PgRowsAsync("SELECT incoming_payload->>'title', existing_payload->>'title', winner FROM sync_conflicts ORDER BY incoming_key");
        Assert.True(audited.SequenceEqual(["B1|A|existing", "B2|A|existing", "B3|A|existing"]), state);

        // The session's v1 was delivered by both workspaces (A imported it): each keeps its own outcome, A's a duplicate
        // of B's whichever id sorts greater.
        string v1 = (string)(await a.PgScalarAsync("SELECT min(idempotency_key) FROM sync_applied WHERE entity_type = 'Session'"))!;
        Assert.Equal("Applied", await a.PgScalarAsync("SELECT outcome FROM sync_applied WHERE idempotency_key = $1 AND origin = $2", v1, b.Database.WorkspaceId!));
        Assert.Equal("Duplicate", await a.PgScalarAsync("SELECT outcome FROM sync_applied WHERE idempotency_key = $1 AND origin = $2", v1, a.Database.WorkspaceId!));
    }

    /// <summary>Creates a session with one task and one step in <paramref name="a"/>, delivers it, and imports it into <paramref name="b"/>.</summary>
    internal static async Task<SessionId> ShareSessionWithStepAsync(SyncHarness a, SyncHarness b)
    {
        Session session = Session.Create("shared", null, a.Clock.TimeProvider);
        session.AddTask("task").AddStep("step");
        await a.Store.SaveAsync(session);
        using var export = new StringWriter();
        await SessionArchive.WriteAsync(export, a.Store, session);
        await foreach (SessionGraphBuilder graph in SessionArchive.ReadAsync(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(export.ToString()))))
        {
            await b.Store.ImportAsync(graph.Session!, graph.Events);
        }

        return session.Id;
    }

    internal static async Task<string> DescribeAsync(SyncHarness h)
        => string.Join("\n", [
            .. await h.PgRowsAsync("SELECT 'session', id, version, origin, deleted_at IS NOT NULL, document->>'title' FROM sessions"),
            .. await h.PgRowsAsync("SELECT 'tool_call', id, session_id, origin FROM tool_calls"),
            .. await h.PgRowsAsync("SELECT 'conflict', entity_type, entity_id, incoming_key, incoming_origin, existing_origin, winner FROM sync_conflicts"),
            .. await h.PgRowsAsync("SELECT 'applied', idempotency_key, origin, outcome FROM sync_applied ORDER BY applied_at, idempotency_key"),
        ]);
}
