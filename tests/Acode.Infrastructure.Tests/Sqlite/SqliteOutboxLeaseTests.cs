using Acode.Application.Options;
using Acode.Application.Outbox;
using Acode.Application.Serialization;
using Acode.Domain.Time;
using Acode.Infrastructure.Sqlite;
using Acode.Infrastructure.Tests.Support;
using Acode.Infrastructure.Tests.Sync;
using Microsoft.Extensions.Time.Testing;

namespace Acode.Infrastructure.Tests.Sqlite;

/// <summary>
/// Outbox leases (spec §6, §7; schema 1.2.0): a claim writes rows of <c>outbox_leases</c> and leaves the outbox rows
/// alone; acknowledging, failing, releasing or requeueing a record takes its lease row away.
/// </summary>
public sealed class SqliteOutboxLeaseTests : IDisposable
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(60);

    private readonly TempWorkspace _temp = new();
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private readonly SqliteWorkspaceDatabase _db;
    private readonly SqliteRunStateStore _store;
    private readonly SqliteOutbox _outbox;

    public SqliteOutboxLeaseTests()
    {
        _db = SqliteWorkspaceDatabase.Open(_temp.Workspace, new SqliteOptions(), time: _clock);
        _store = new SqliteRunStateStore(_db, new HybridClock(_clock));
        _outbox = new SqliteOutbox(_db);
    }

    public void Dispose()
    {
        _db.Dispose();
        _temp.Dispose();
    }

    [Fact]
    [Trait("AC", "AC-042")]
    public async Task ClaimAsync_writes_one_lease_row_per_record_and_leaves_the_outbox_rows_untouched()
    {
        await SaveSessionsAsync(3);
        List<Dictionary<string, object?>> before = OutboxRows();

        IReadOnlyList<OutboxRecord> claimed = await _outbox.ClaimAsync("worker-a", 1000, Lease);

        Assert.Equal(before.Count, claimed.Count);
        Assert.Equal(before, OutboxRows());
        string until = UtcTimestamp.Format(_clock.GetUtcNow() + Lease);
        Assert.Equal(claimed.Select(r => $"{r.Id}|worker-a|{until}"), LeaseRows().Select(l => $"{l["outbox_id"]}|{l["owner"]}|{l["lease_until"]}"));
        Assert.All(claimed, r => Assert.Equal(("worker-a", _clock.GetUtcNow() + Lease), (r.LeaseOwner, r.LeaseUntil)));
        Assert.All(await _outbox.ReadAsync(OutboxStatus.Pending, 1000), r => Assert.Equal(("worker-a", _clock.GetUtcNow() + Lease), (r.LeaseOwner, r.LeaseUntil)));
    }

    [Fact]
    public async Task The_backlog_counts_the_pending_records_and_those_another_owner_holds_leased_in_one_snapshot()
    {
        await SaveSessionsAsync(3);
        long pending = (await _outbox.GetStatisticsAsync()).Pending;
        IReadOnlyList<OutboxRecord> claimed = await _outbox.ClaimAsync("worker-a", 2, Lease);

        Assert.Equal((pending, 2L, (DateTimeOffset?)(_clock.GetUtcNow() + Lease)), await LeasesAsync("worker-b"));
        Assert.Equal((pending, 0L, (DateTimeOffset?)null), await LeasesAsync("worker-a")); // its own leases are not another's

        // The other owner delivers what it held: the backlog read after it counts neither those records nor their leases.
        await _outbox.AcknowledgeAsync("worker-a", claimed.Select(r => r.Id).ToList());
        Assert.Equal((pending - 2, 0L, (DateTimeOffset?)null), await LeasesAsync("worker-b"));

        // An expired lease holds nothing back.
        await _outbox.ClaimAsync("worker-a", 1, Lease);
        _clock.Advance(Lease + TimeSpan.FromSeconds(1));
        Assert.Equal((pending - 2, 0L, (DateTimeOffset?)null), await LeasesAsync("worker-b"));
    }

    /// <summary>The backlog as another owner sees it, checking that its statistics are those of the same moment.</summary>
    private async Task<(long Pending, long LeasedElsewhere, DateTimeOffset? LeasedUntil)> LeasesAsync(string owner)
    {
        OutboxBacklog backlog = await _outbox.GetBacklogAsync(owner);
        Assert.Equal(await _outbox.GetStatisticsAsync(), backlog.Statistics);
        return (backlog.Pending, backlog.LeasedElsewhere, backlog.LeasedUntil);
    }

    [Fact]
    public async Task AcknowledgeAsync_marks_the_records_processed_and_empties_the_lease_table()
    {
        await SaveSessionsAsync(3);
        IReadOnlyList<OutboxRecord> claimed = await _outbox.ClaimAsync("worker-a", 1000, Lease);

        int acknowledged = await _outbox.AcknowledgeAsync("worker-a", claimed.Select(r => r.Id).ToList());

        Assert.Equal(claimed.Count, acknowledged);
        Assert.Empty(LeaseRows());
        IReadOnlyList<OutboxRecord> processed = await _outbox.ReadAsync(OutboxStatus.Processed, 1000);
        Assert.Equal(claimed.Select(r => r.Id), processed.Select(r => r.Id));
        Assert.All(processed, r => Assert.Equal((null, null, _clock.GetUtcNow()), (r.LeaseOwner, r.LeaseUntil, r.ProcessedAt)));
    }

    [Fact]
    public async Task Only_the_owner_can_acknowledge_release_or_fail_a_leased_record()
    {
        await SaveSessionsAsync(1);
        IReadOnlyList<OutboxRecord> claimed = await _outbox.ClaimAsync("worker-a", 1000, Lease);
        List<long> ids = claimed.Select(r => r.Id).ToList();

        Assert.Equal(0, await _outbox.AcknowledgeAsync("worker-b", ids));
        Assert.Equal(0, await _outbox.ReleaseAsync("worker-b", ids));
        await _outbox.RecordFailureAsync("worker-b", ids[0], "not mine", _clock.GetUtcNow().AddHours(1), deadLetter: true);

        Assert.Equal(ids.Count, LeaseRows().Count(l => (string)l["owner"]! == "worker-a"));
        Assert.All(await _outbox.ReadAsync(OutboxStatus.Pending, 1000), r => Assert.Equal((0, null), (r.Attempts, r.LastError)));
        Assert.Equal(ids.Count, await _outbox.AcknowledgeAsync("worker-a", ids));
    }

    [Fact]
    [Trait("AC", "AC-039")]
    public async Task ReleaseAsync_and_RecordFailureAsync_drop_the_lease_so_the_record_is_claimable_when_due()
    {
        await SaveSessionsAsync(2);
        IReadOnlyList<OutboxRecord> claimed = await _outbox.ClaimAsync("worker-a", 1000, Lease);
        OutboxRecord released = claimed[0];
        OutboxRecord failed = claimed.First(r => r.EntityId != released.EntityId);

        Assert.Equal(1, await _outbox.ReleaseAsync("worker-a", [released.Id]));
        await _outbox.RecordFailureAsync("worker-a", failed.Id, "refused", _clock.GetUtcNow().AddSeconds(5), deadLetter: false);

        Assert.DoesNotContain(LeaseRows(), l => (long)l["outbox_id"]! == released.Id || (long)l["outbox_id"]! == failed.Id);

        // While worker-a holds the rest of those sessions, another owner claims none of their records.
        Assert.Empty(await _outbox.ClaimAsync("worker-b", 1000, Lease));
        List<long> rest = claimed.Select(r => r.Id).Except([released.Id, failed.Id]).ToList();
        Assert.Equal(rest.Count, await _outbox.ReleaseAsync("worker-a", rest));
        Assert.Equal(claimed.Select(r => r.Id).Except([failed.Id]), (await _outbox.ClaimAsync("worker-b", 1000, Lease)).Select(r => r.Id));
        _clock.Advance(TimeSpan.FromSeconds(5));
        OutboxRecord retried = Assert.Single(await _outbox.ClaimAsync("worker-b", 1000, Lease));
        Assert.Equal((failed.Id, 1, "refused"), (retried.Id, retried.Attempts, retried.LastError));
    }

    [Fact]
    [Trait("AC", "AC-008")]
    public async Task Two_processes_claiming_at_once_never_get_the_same_record()
    {
        await SaveSessionsAsync(40);
        long pending = (await _outbox.GetStatisticsAsync()).Pending;
        using SqliteWorkspaceDatabase other = SqliteWorkspaceDatabase.Open(_temp.Workspace, new SqliteOptions(), time: _clock);
        var otherOutbox = new SqliteOutbox(other);
        using var start = new ManualResetEventSlim();

        Task<List<long>> a = Task.Run(() => ClaimUntilEmpty(_outbox, "worker-a", start, pending));
        Task<List<long>> b = Task.Run(() => ClaimUntilEmpty(otherOutbox, "worker-b", start, pending));
        start.Set();
        List<long>[] claimed = await Task.WhenAll(a, b);

        Assert.NotEmpty(claimed[0]);
        Assert.NotEmpty(claimed[1]);
        Assert.Empty(claimed[0].Intersect(claimed[1]));
        Assert.Equal(pending, claimed[0].Count + claimed[1].Count);
        Assert.Equal(pending, LeaseRows().Count);
        Assert.Equal(claimed[0].Order(), LeaseRows().Where(l => (string)l["owner"]! == "worker-a").Select(l => (long)l["outbox_id"]!).Order());
    }

    [Fact]
    [Trait("AC", "AC-042")]
    public async Task An_expired_lease_is_claimed_again_by_another_owner_and_its_row_replaced()
    {
        await SaveSessionsAsync(2);
        IReadOnlyList<OutboxRecord> crashed = await _outbox.ClaimAsync("crashed", 1000, Lease);

        Assert.Empty(await _outbox.ClaimAsync("worker-b", 1000, Lease));
        _clock.Advance(Lease + TimeSpan.FromTicks(1));
        IReadOnlyList<OutboxRecord> taken = await _outbox.ClaimAsync("worker-b", 1000, Lease);

        Assert.Equal(crashed.Select(r => r.Id), taken.Select(r => r.Id));
        List<Dictionary<string, object?>> leases = LeaseRows();
        Assert.Equal(crashed.Count, leases.Count);
        string now = UtcTimestamp.Format(_clock.GetUtcNow());
        Assert.All(leases, l => Assert.Equal(("worker-b", UtcTimestamp.Format(_clock.GetUtcNow() + Lease), now, now), ((string)l["owner"]!, (string)l["lease_until"]!, (string)l["created_at"]!, (string)l["updated_at"]!)));
        Assert.Equal(0, await _outbox.AcknowledgeAsync("crashed", crashed.Select(r => r.Id).ToList()));
        Assert.Equal(taken.Count, await _outbox.AcknowledgeAsync("worker-b", taken.Select(r => r.Id).ToList()));
        Assert.Empty(LeaseRows());
    }

    [Fact]
    public async Task An_owner_whose_lease_expired_may_still_acknowledge_while_nobody_took_the_records_over()
    {
        await SaveSessionsAsync(1);
        IReadOnlyList<OutboxRecord> claimed = await _outbox.ClaimAsync("slow", 1000, Lease);
        _clock.Advance(Lease * 3);

        Assert.Equal(claimed.Count, await _outbox.AcknowledgeAsync("slow", claimed.Select(r => r.Id).ToList()));
        Assert.Empty(await _outbox.ClaimAsync("worker-b", 1000, Lease));
        Assert.Empty(LeaseRows());
    }

    [Fact]
    [Trait("AC", "AC-038")]
    public async Task A_newer_record_of_an_entity_waits_while_an_older_one_is_leased_or_waiting_for_its_retry()
    {
        await SaveSessionsAsync(1);
        Session session = await _store.CreateSessionAsync("v1");
        for (int i = 2; i <= 3; i++)
        {
            _clock.Advance(TimeSpan.FromMilliseconds(1));
            session.Rename($"v{i}");
            await _store.SaveAsync(session);
        }

        OutboxRecord oldest = (await _outbox.ReadAsync(OutboxStatus.Pending, 1000)).First(r => r.EntityId == session.Id.Value);
        await _outbox.ClaimAsync("worker-a", 1000, Lease);
        await _outbox.ReleaseAsync("worker-a", (await _outbox.ReadAsync(OutboxStatus.Pending, 1000)).Where(r => r.Id != oldest.Id).Select(r => r.Id).ToList());
        IReadOnlyList<OutboxRecord> others = await _outbox.ClaimAsync("worker-b", 1000, Lease);
        Assert.NotEmpty(others);
        Assert.DoesNotContain(others, r => r.EntityId == session.Id.Value);

        await _outbox.RecordFailureAsync("worker-a", oldest.Id, "refused", _clock.GetUtcNow().AddSeconds(5), deadLetter: false);
        Assert.DoesNotContain(LeaseRows(), l => (long)l["outbox_id"]! == oldest.Id);
        Assert.DoesNotContain(await _outbox.ClaimAsync("worker-b", 1000, Lease), r => r.EntityId == session.Id.Value);

        _clock.Advance(TimeSpan.FromSeconds(5));
        IReadOnlyList<OutboxRecord> inOrder = await _outbox.ClaimAsync("worker-b", 1000, Lease);
        Assert.All(inOrder, r => Assert.Equal(session.Id.Value, r.EntityId));
        Assert.Equal(3, inOrder.Count);
        Assert.Equal(oldest.Id, inOrder[0].Id);
        Assert.True(inOrder[0].Id < inOrder[1].Id && inOrder[1].Id < inOrder[2].Id);
        Assert.Equal(["v1", "v2", "v3"], inOrder.Select(r => ((SessionDocument)EntityJson.Deserialize(r.Payload)).Title));
    }

    [Fact]
    [Trait("AC", "AC-038")]
    public async Task The_records_of_a_session_wait_while_another_owner_holds_a_lease_in_it_so_no_child_goes_before_its_parent()
    {
        // A sync killed after claiming a session's step (its lease still live): a second sync must not deliver the step's
        // tool calls without it, or PostgreSQL holds a tool call whose step it lacks (the trial of Session 27, #1).
        await SaveSessionsAsync(2);
        List<OutboxRecord> all = [.. await _outbox.ReadAsync(OutboxStatus.Pending, 1000)];
        string first = all[0].SessionId;
        OutboxRecord step = all.First(r => r.SessionId == first && r.EntityType == EntityType.Step);
        await _outbox.ClaimAsync("worker-a", 1000, Lease);
        await _outbox.ReleaseAsync("worker-a", all.Where(r => r.Id != step.Id).Select(r => r.Id).ToList());

        IReadOnlyList<OutboxRecord> others = await _outbox.ClaimAsync("worker-b", 1000, Lease);

        Assert.NotEmpty(others);
        Assert.All(others, r => Assert.NotEqual(first, r.SessionId));
        Assert.Equal(all.Count(r => r.SessionId != first), others.Count);

        // The owner's own batch in flight holds nothing of its back: that batch is applied first.
        await _outbox.ReleaseAsync("worker-b", others.Select(r => r.Id).ToList());
        IReadOnlyList<OutboxRecord> own = await _outbox.ClaimAsync("worker-a", 1000, Lease);
        Assert.Contains(own, r => r.SessionId == first && r.EntityType == EntityType.ToolCall);
        await _outbox.ReleaseAsync("worker-a", own.Select(r => r.Id).ToList());

        // Once the lease expires, the session's records go in id order, the step before its tool calls.
        _clock.Advance(Lease + TimeSpan.FromSeconds(1));
        IReadOnlyList<OutboxRecord> after = await _outbox.ClaimAsync("worker-b", 1000, Lease);
        Assert.Equal(all.Select(r => r.Id), after.Select(r => r.Id));
    }

    [Fact]
    [Trait("AC", "AC-041")]
    public async Task Requeueing_clears_the_leases_left_on_dead_lettered_and_processed_records()
    {
        await SaveSessionsAsync(1);
        IReadOnlyList<OutboxRecord> records = await _outbox.ClaimAsync("worker-a", 1000, Lease);
        long dead = records[0].Id;
        long delivered = records[1].Id;
        await _outbox.RecordFailureAsync("worker-a", dead, "refused", _clock.GetUtcNow(), deadLetter: true);
        Assert.Equal(1, await _outbox.AcknowledgeAsync("worker-a", [delivered]));

        // Leases a crashed process of an older version could have left behind: they must not block the requeued records.
        string until = UtcTimestamp.Format(_clock.GetUtcNow().AddHours(1));
        foreach (long id in new[] { dead, delivered })
        {
            SqliteProbe.Execute(_temp.DatabasePath, "INSERT INTO outbox_leases VALUES ($id, 'ghost', $until, $until, $until);", ("$id", id), ("$until", until));
        }

        Assert.Equal(1, await _outbox.RequeueFailedAsync(dead));
        Assert.DoesNotContain(LeaseRows(), l => (long)l["outbox_id"]! == dead);
        Assert.Contains(LeaseRows(), l => (long)l["outbox_id"]! == delivered);
        Assert.Equal(1, await _outbox.RequeueProcessedAsync());
        List<long> stillLeased = records.Select(r => r.Id).Except([dead, delivered]).ToList();
        Assert.Equal(stillLeased, LeaseRows().Select(l => (long)l["outbox_id"]!));

        // worker-a still holds the rest of that session, so another owner waits for it; then all go, in id order.
        Assert.Empty(await _outbox.ClaimAsync("worker-b", 1000, Lease));
        Assert.Equal(stillLeased.Count, await _outbox.ReleaseAsync("worker-a", stillLeased));
        Assert.Equal(records.Select(r => r.Id), (await _outbox.ClaimAsync("worker-b", 1000, Lease)).Select(r => r.Id));
    }

    [Fact]
    public async Task PruneProcessedAsync_removes_old_delivered_records_and_keeps_leased_ones()
    {
        await SaveSessionsAsync(2);
        IReadOnlyList<OutboxRecord> records = await _outbox.ClaimAsync("worker-a", 1000, Lease);
        List<long> delivered = records.Take(3).Select(r => r.Id).ToList();
        Assert.Equal(3, await _outbox.AcknowledgeAsync("worker-a", delivered));
        _clock.Advance(TimeSpan.FromDays(8));

        Assert.Equal(3, await _outbox.PruneProcessedAsync(TimeSpan.FromDays(7)));

        Assert.Equal(records.Count - 3, SqliteProbe.Count(_temp.DatabasePath, "SELECT count(*) FROM outbox;"));
        Assert.Equal(records.Skip(3).Select(r => r.Id), LeaseRows().Select(l => (long)l["outbox_id"]!));
    }

    /// <summary>Claims small batches until nothing is left (or more than <paramref name="pending"/> came back: double claims).</summary>
    private static async Task<List<long>> ClaimUntilEmpty(SqliteOutbox outbox, string owner, ManualResetEventSlim start, long pending)
    {
        start.Wait();
        var ids = new List<long>();
        while (ids.Count <= pending)
        {
            IReadOnlyList<OutboxRecord> batch = await outbox.ClaimAsync(owner, 3, Lease);
            if (batch.Count == 0)
            {
                break;
            }

            ids.AddRange(batch.Select(r => r.Id));

            // Lets the other claimer in between, so that both take part whatever the scheduler does.
            await Task.Delay(1);
        }

        return ids;
    }

    /// <summary>Saves small sessions: the session, a task, a step, two tool calls and their events, each its own record.</summary>
    private async Task SaveSessionsAsync(int count)
    {
        for (int i = 0; i < count; i++)
        {
            Session session = Session.Create($"session {i}");
            Step step = session.AddTask("task").AddStep("step");
            step.AddToolCall("read_file", """{"path":"a"}""").Succeed("content");
            step.AddToolCall("shell", """{"cmd":"true"}""");
            session.AppendEvent("note", """{"n":1}""");
            await _store.SaveAsync(session);
        }
    }

    private List<Dictionary<string, object?>> OutboxRows() => SqliteProbe.Rows(_temp.DatabasePath, "SELECT * FROM outbox ORDER BY id;");

    private List<Dictionary<string, object?>> LeaseRows() => SqliteProbe.Rows(_temp.DatabasePath, "SELECT * FROM outbox_leases ORDER BY outbox_id;");
}
