using Acode.Application.Errors;
using Acode.Application.Outbox;
using Acode.Application.Sync;
using Acode.Infrastructure.Sync;
using Acode.Infrastructure.Tests.Support;
using Acode.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Acode.Infrastructure.Tests.Sync;

[Collection(PostgresFixture.CollectionName)]
public sealed class OutboxSyncServiceTests(PostgresFixture fixture)
{
    [Fact]
    [Trait("AC", "AC-036")]
    [Trait("AC", "AC-038")]
    [Trait("AC", "AC-045")]
    public async Task SyncAsync_delivers_every_record_exactly_once_and_mirrors_the_local_rows()
    {
        using SyncHarness h = await SyncHarness.CreateAsync(fixture);
        Session session = TestSessions.Rich();
        await h.Store.SaveAsync(session);
        session.Rename("Renamed once");
        session.TransitionTo(SessionState.Paused);
        await h.Store.SaveAsync(session);
        long records = (await h.Outbox.GetStatisticsAsync()).Pending;

        SyncRunResult result = await h.Sync.SyncAsync();

        Assert.False(result.Paused, result.PauseReason);
        Assert.Equal(records, result.Delivered);
        Assert.Equal(0, result.Remaining);
        Assert.Equal(records, await h.PgCountAsync("SELECT count(*) FROM sync_applied"));
        Assert.Equal($"Renamed once|Paused|{session.Version}", string.Join("|", await h.PgRowsAsync("SELECT title, state, version FROM sessions")));
        Assert.Equal(session.Tasks.Count, await h.PgCountAsync("SELECT count(*) FROM session_tasks"));
        Assert.Equal(4, await h.PgCountAsync("SELECT count(*) FROM tool_calls"));
        Assert.Equal(session.LastEventSequence, await h.PgCountAsync("SELECT count(*) FROM session_events"));
        OutboxStatistics after = await h.Outbox.GetStatisticsAsync();
        Assert.Equal(records, after.Processed);
        Assert.NotNull(h.Database.GetSyncState().LastSuccessfulSync);
    }

    [Fact]
    [Trait("AC", "AC-038")]
    public async Task Records_of_one_entity_are_claimed_oldest_first_and_never_overtake_a_pending_older_one()
    {
        using SyncHarness h = await SyncHarness.CreateAsync(fixture);
        Session session = await h.Store.CreateSessionAsync("ordered");
        for (int i = 0; i < 5; i++)
        {
            session.Rename($"title {i}");
            await h.Store.SaveAsync(session);
        }

        IReadOnlyList<OutboxRecord> first = await h.Outbox.ClaimAsync("other-process", 1, TimeSpan.FromMinutes(5));
        IReadOnlyList<OutboxRecord> rest = await h.Outbox.ClaimAsync("me", 100, TimeSpan.FromMinutes(5));

        Assert.Single(first);
        Assert.DoesNotContain(rest, r => r.EntityId == session.Id.Value);
        Assert.Equal(first[0].Id, (await h.Outbox.ReadAsync(OutboxStatus.Pending, 1))[0].Id);
    }

    [Fact]
    [Trait("AC", "AC-046")]
    [Trait("AC", "AC-047")]
    public async Task A_redelivered_batch_is_recognised_as_duplicates_marked_processed_and_changes_nothing()
    {
        var logs = new FakeLoggerProvider();
        using ILoggerFactory loggerFactory = logs.CreateFactory();
        using SyncHarness h = await SyncHarness.CreateAsync(fixture, loggerFactory: loggerFactory);
        await h.Store.SaveAsync(TestSessions.Rich());
        SyncRunResult first = await h.Sync.SyncAsync();
        List<string> before = await h.MirrorSnapshotAsync();
        List<string> syncedAt = await h.PgRowsAsync("SELECT id, synced_at FROM tool_calls ORDER BY id");

        // As if the process had crashed after PostgreSQL committed but before SQLite recorded it.
        SqliteProbe.Execute(h.DatabasePath, "UPDATE outbox SET status = 'Pending', processed_at = NULL;");
        SyncRunResult again = await h.Sync.SyncAsync();

        Assert.Equal(first.Delivered, again.Duplicates);
        Assert.Equal(0, again.Applied);
        Assert.Equal(0, (await h.Outbox.GetStatisticsAsync()).Pending);
        Assert.Equal(before, await h.MirrorSnapshotAsync());
        Assert.Equal(syncedAt, await h.PgRowsAsync("SELECT id, synced_at FROM tool_calls ORDER BY id"));
        string someKey = (await h.Outbox.ReadAsync(OutboxStatus.Processed, 1))[0].IdempotencyKey;
        Assert.Contains(logs.Messages(), m => m.StartsWith($"Applied {someKey}", StringComparison.Ordinal));
        Assert.Contains(logs.Messages(), m => m.StartsWith($"Duplicate {someKey}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_run_log_line_accounts_for_every_record_handled_superseded_and_stale_ones_included()
    {
        var logs = new FakeLoggerProvider();
        using ILoggerFactory loggerFactory = logs.CreateFactory();
        using SyncHarness h = await SyncHarness.CreateAsync(fixture, loggerFactory: loggerFactory);
        Session session = await h.Store.CreateSessionAsync("first");
        session.Rename("second");
        await h.Store.SaveAsync(session);

        SyncRunResult result = await h.Sync.SyncAsync();

        Assert.Equal(1, result.Superseded);
        string line = Assert.Single(logs.Messages(), m => m.StartsWith("Sync handled", StringComparison.Ordinal));
        Assert.StartsWith(
            $"Sync handled {result.Delivered} record(s): {result.Applied} applied, 0 duplicate(s), 1 superseded in their batch, 0 not applied (PostgreSQL already newer or their session deleted), 0 conflict(s) (0 lost), 0 to retry, 0 dead-lettered",
            line,
            StringComparison.Ordinal);
        Assert.Equal(result.Delivered, result.Applied + 1);
    }

    [Fact]
    public async Task Tool_output_with_NUL_characters_is_delivered_not_a_poison_record()
    {
        using SyncHarness h = await SyncHarness.CreateAsync(fixture);
        Session session = Session.Create("nul");
        ToolCall call = session.AddTask("t").AddStep("s").AddToolCall("shell", """{"text":"a\u0000b"}""");
        call.Succeed("out\0put");
        session.AppendEvent("note", """{"raw":"x\u0000y"}""");
        await h.Store.SaveAsync(session);

        SyncRunResult result = await h.Sync.SyncAsync();

        Assert.Equal(0, result.Retried + result.DeadLettered);
        Assert.Equal("out\uFFFDput", await h.PgScalarAsync("SELECT result FROM tool_calls"));
        Assert.Equal("a\uFFFDb", await h.PgScalarAsync("SELECT arguments->>'text' FROM tool_calls"));
        Assert.Equal("out\0put", (await h.Store.GetSessionAsync(session.Id))!.Tasks[0].Steps[0].ToolCalls[0].Result);
    }

    [Fact]
    [Trait("AC", "AC-039")]
    [Trait("AC", "AC-040")]
    [Trait("AC", "AC-041")]
    public async Task A_poison_record_backs_off_5_10_20_seconds_to_the_cap_and_is_dead_lettered_after_10_attempts_while_the_rest_is_delivered()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 1, 15, 10, 0, 0, TimeSpan.Zero));
        using SyncHarness h = await SyncHarness.CreateAsync(fixture, clock, new SyncOptions { MaxBackoffSeconds = 600 });
        Session good = await h.Store.CreateSessionAsync("good");
        InsertPoison(h);

        var delays = new List<TimeSpan>();
        SyncRunResult first = await h.Sync.SyncAsync();
        Assert.Equal(1, first.Retried);
        Assert.Equal(2, await h.PgCountAsync("SELECT count(*) FROM sync_applied"));
        for (int attempt = 1; attempt < 10; attempt++)
        {
            OutboxRecord poison = Poison(h);
            Assert.Equal(attempt, poison.Attempts);
            Assert.Contains("SQLSTATE", poison.LastError, StringComparison.Ordinal);
            TimeSpan delay = poison.NextAttemptAt!.Value - clock.GetUtcNow();
            delays.Add(delay);

            clock.Advance(delay - TimeSpan.FromSeconds(1));
            Assert.Equal(0, (await h.Sync.SyncAsync()).Retried + (await h.Sync.SyncAsync()).DeadLettered);
            clock.Advance(TimeSpan.FromSeconds(1));
            SyncRunResult run = await h.Sync.SyncAsync();
            Assert.Equal(attempt == 9 ? 1 : 0, run.DeadLettered);
        }

        Assert.Equal(new[] { 5, 10, 20, 40, 80, 160, 320, 600, 600 }.Select(s => TimeSpan.FromSeconds(s)), delays);
        OutboxRecord dead = (await h.Outbox.ReadAsync(OutboxStatus.Failed, 10)).Single();
        Assert.Equal(10, dead.Attempts);
        Assert.Equal(1, (await h.Outbox.GetStatisticsAsync()).Failed);
        Assert.Equal("good", await h.PgScalarAsync("SELECT title FROM sessions WHERE id = $1", good.Id.Value));

        Assert.Equal(1, await h.Outbox.RequeueFailedAsync(null));
        OutboxRecord requeued = Poison(h);
        Assert.Equal(OutboxStatus.Pending, requeued.Status);
        Assert.Equal(0, requeued.Attempts);
    }

    [Fact]
    public async Task The_later_versions_of_an_entity_whose_record_failed_in_a_batch_retried_record_by_record_wait_for_it()
    {
        // trial Z: after a batch cancelled by statement_timeout, a record that failed alone waited for its retry while
        // its entity's later versions in the batch were applied, out of order: audited as conflicts with this
        // workspace's own changes, and the user told their changes lost.
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 1, 15, 10, 0, 0, TimeSpan.Zero));
        using SyncHarness h = await SyncHarness.CreateAsync(fixture, clock);
        Session good = await h.Store.CreateSessionAsync("good");
        InsertPoison(h);
        SqliteProbe.Execute(h.DatabasePath, """
            INSERT INTO outbox (hlc, entity_type, entity_id, session_id, operation, base_version, version, origin, payload, next_attempt_at, created_at, updated_at)
            VALUES ($hlc, 'ToolCall', 'tc_poison', 'sess_x', 'Upsert', 1, 2, 'ws_test', $payload, '2000-01-01T00:00:00.0000000Z', '2026-01-15T10:00:00.0000000Z', '2026-01-15T10:00:00.0000000Z');
            """,
            ("$hlc", Application.Serialization.UtcTimestamp.Parse("2026-01-15T10:00:00.0000002Z").UtcTicks),
            ("$payload", """{"entity":"ToolCall","sessionId":"sess_x","stepId":"step_x","toolName":"t","arguments":"{}","status":"Pending","schema":1,"id":"tc_poison","version":2,"createdAt":"2026-01-15T10:00:00.0000001Z","updatedAt":"2026-01-15T10:00:00.0000002Z"}"""));

        // A record of another entity that PostgreSQL refuses makes the batch fail, so that it is retried record by record.
        SqliteProbe.Execute(h.DatabasePath, """
            INSERT INTO outbox (hlc, entity_type, entity_id, session_id, operation, base_version, version, origin, payload, next_attempt_at, created_at, updated_at)
            VALUES ($hlc, 'ToolCall', 'tc_other', 'sess_x', 'Upsert', 0, 1, 'ws_test', $payload, '2000-01-01T00:00:00.0000000Z', '2026-01-15T10:00:00.0000000Z', '2026-01-15T10:00:00.0000000Z');
            """,
            ("$hlc", Application.Serialization.UtcTimestamp.Parse("2026-01-15T10:00:00.0000003Z").UtcTicks),
            ("$payload", """{"entity":"ToolCall","sessionId":"sess_x","stepId":"step_x","toolName":"t","arguments":"not json","status":"Pending","schema":1,"id":"tc_other","version":1,"createdAt":"2026-01-15T10:00:00.0000003Z","updatedAt":"2026-01-15T10:00:00.0000003Z"}"""));

        SyncRunResult first = await h.Sync.SyncAsync();

        Assert.Equal(2, first.Retried);
        Assert.Equal("good", await h.PgScalarAsync("SELECT title FROM sessions WHERE id = $1", good.Id.Value));
        Assert.Equal(0L, await h.PgCountAsync("SELECT count(*) FROM tool_calls WHERE id = 'tc_poison'"));
        OutboxRecord later = (await h.Outbox.ReadAsync(OutboxStatus.Pending, 100)).Single(r => r.EntityId == "tc_poison" && r.Version == 2);
        Assert.Equal(0, later.Attempts); // given back untouched, not failed

        // Still waiting while the failed version waits for its retry, whatever runs meanwhile.
        await h.Sync.SyncAsync();
        Assert.Equal(0L, await h.PgCountAsync("SELECT count(*) FROM tool_calls WHERE id = 'tc_poison'"));
        Assert.Equal(0L, await h.PgCountAsync("SELECT count(*) FROM sync_conflicts"));
    }

    [Fact]
    [Trait("AC", "AC-042")]
    public async Task Records_leased_by_a_crashed_process_return_to_the_queue_when_the_lease_expires()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using SyncHarness h = await SyncHarness.CreateAsync(fixture, clock);
        await h.Store.SaveAsync(TestSessions.Rich());
        long records = (await h.Outbox.GetStatisticsAsync()).Pending;
        IReadOnlyList<OutboxRecord> stolen = await h.Outbox.ClaimAsync("crashed-process", 1000, h.Sync.Options.Lease);
        Assert.Equal(records, stolen.Count);

        SyncRunResult whileLeased = await h.Sync.SyncAsync();
        clock.Advance(h.Sync.Options.Lease + TimeSpan.FromSeconds(1));
        SyncRunResult afterExpiry = await h.Sync.SyncAsync();

        Assert.Equal(0, whileLeased.Delivered);
        Assert.Equal(records, afterExpiry.Delivered);
        Assert.Equal(records, await h.PgCountAsync("SELECT count(*) FROM sync_applied"));
        Assert.Equal(0, await h.Outbox.AcknowledgeAsync("crashed-process", stolen.Select(r => r.Id).ToList()));
    }

    [Fact]
    [Trait("AC", "AC-025")]
    public async Task An_unreachable_server_pauses_the_sync_without_burning_attempts_and_it_resumes_when_the_server_is_back()
    {
        using SyncHarness h = await SyncHarness.CreateAsync(fixture);
        await h.Sync.SyncAsync();
        await fixture.Server.StopAsync();
        try
        {
            Session session = await h.Store.CreateSessionAsync("written while PostgreSQL is down");
            session.AddTask("still works");
            await h.Store.SaveAsync(session);

            SyncRunResult down = await h.Sync.SyncAsync();

            Assert.True(down.Paused);
            Assert.Contains("ACODE-DB-006", down.PauseReason, StringComparison.Ordinal);
            Assert.DoesNotContain(fixture.Server.Password, down.PauseReason, StringComparison.Ordinal);
            Assert.Equal(AcodeErrorCode.PostgresUnavailable, down.PauseCode);
            Assert.Equal($"ACODE-DB-006: {down.PauseDetail}", down.PauseReason);
            Assert.Equal(0, SqliteProbe.Count(h.DatabasePath, "SELECT (SELECT count(*) FROM outbox WHERE attempts > 0) + (SELECT count(*) FROM outbox_leases)"));
            Assert.Contains("ACODE-DB-006", h.Database.GetSyncState().LastError, StringComparison.Ordinal);
            Assert.False((await h.Sync.GetStatusAsync()).Reachable);
        }
        finally
        {
            await fixture.Server.StartAsync();
        }

        SyncRunResult back = await h.Sync.SyncAsync();

        Assert.False(back.Paused, back.PauseReason);
        Assert.Null(back.PauseCode);
        Assert.Null(back.PauseDetail);
        Assert.Equal(0, back.Remaining);
        Assert.Equal(1, await h.PgCountAsync("SELECT count(*) FROM session_tasks"));
        Assert.Null(h.Database.GetSyncState().LastError);
    }

    [Fact]
    [Trait("Issue", "trial15.5")]
    public async Task A_run_with_nothing_to_deliver_is_a_successful_sync_stamped_at_most_once_a_minute_while_nothing_else_changes()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using SyncHarness h = await SyncHarness.CreateAsync(fixture, time);
        await h.Sync.SyncAsync();
        DateTimeOffset first = h.Database.GetSyncState().LastSuccessfulSync!.Value;

        time.Advance(TimeSpan.FromSeconds(20));
        Assert.False((await h.Sync.SyncAsync()).Paused);
        Assert.Equal(first, h.Database.GetSyncState().LastSuccessfulSync); // an idle poll within the minute writes nothing

        time.Advance(TimeSpan.FromSeconds(41));
        await h.Sync.SyncAsync();
        DateTimeOffset second = h.Database.GetSyncState().LastSuccessfulSync!.Value;
        Assert.Equal(time.GetUtcNow(), second);

        // An error to clear is written at once, whatever the minute says.
        await h.Database.RecordSyncErrorAsync(time.GetUtcNow(), "ACODE-DB-006: earlier", CancellationToken.None);
        time.Advance(TimeSpan.FromSeconds(1));
        await h.Sync.SyncAsync();
        Assert.Null(h.Database.GetSyncState().LastError);
        Assert.Equal(time.GetUtcNow(), h.Database.GetSyncState().LastSuccessfulSync);
    }

    [Fact]
    [Trait("Issue", "trial29.1")]
    public async Task A_new_process_with_nothing_to_deliver_stamps_its_sync_even_within_the_minute_of_the_last_one()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using SyncHarness h = await SyncHarness.CreateAsync(fixture, time);
        await h.Store.CreateSessionAsync("delivered by the first run");
        Assert.True((await h.Sync.SyncAsync()).Applied > 0);
        DateTimeOffset first = h.Database.GetSyncState().LastSuccessfulSync!.Value;

        // A second 'acode db sync' a few seconds later: a process of its own, nothing left to deliver.
        time.Advance(TimeSpan.FromSeconds(5));
        using (var again = new OutboxSyncService(h.Database, h.Target, new SyncOptions(), h.Clock))
        {
            SyncRunResult idle = await again.SyncAsync();
            Assert.Equal(0, idle.Applied);
            Assert.False(idle.Paused, idle.PauseReason);
        }

        DateTimeOffset second = h.Database.GetSyncState().LastSuccessfulSync!.Value;
        Assert.True(second > first, $"last successful sync {second:O} is still the first run's {first:O}");
        Assert.Equal(time.GetUtcNow(), second);
    }

    [Fact]
    public async Task A_server_that_comes_back_with_an_empty_database_gets_its_schema_recreated()
    {
        using SyncHarness h = await SyncHarness.CreateAsync(fixture);
        await h.Store.CreateSessionAsync("before");
        await h.Sync.SyncAsync();
        await h.PgScalarAsync("DROP SCHEMA public CASCADE; CREATE SCHEMA public;");

        await h.Store.CreateSessionAsync("after");
        SyncRunResult result = await h.Sync.SyncAsync();

        Assert.False(result.Paused, result.PauseReason);
        Assert.Equal(0, result.Retried);
        Assert.Equal("after", await h.PgScalarAsync("SELECT title FROM sessions"));

        // The run that found it says so (what 'acode db sync' prints, and '--watch' once); the next run does not repeat it.
        Assert.NotNull(result.TargetWarning);
        Assert.Contains("had no acode schema although this workspace delivered changes before", result.TargetWarning.Message, StringComparison.Ordinal);
        Assert.Contains("acode db sync retry --processed", result.TargetWarning.Hint, StringComparison.Ordinal);
        await h.Store.CreateSessionAsync("later");
        Assert.Null((await h.Sync.SyncAsync()).TargetWarning);
    }

    [Fact]
    public async Task A_deleted_session_becomes_a_tombstone_and_its_children_leave_the_mirror()
    {
        using SyncHarness h = await SyncHarness.CreateAsync(fixture);
        Session session = TestSessions.Rich();
        await h.Store.SaveAsync(session);
        await h.Sync.SyncAsync();

        await h.Store.DeleteSessionAsync(session.Id);
        await h.Sync.SyncAsync();

        Assert.Equal(1, await h.PgCountAsync("SELECT count(*) FROM sessions WHERE deleted_at IS NOT NULL"));
        Assert.Equal(0, await h.PgCountAsync("SELECT (SELECT count(*) FROM tool_calls) + (SELECT count(*) FROM session_events) + (SELECT count(*) FROM steps)"));
    }

    [Fact]
    [Trait("AC", "AC-034")]
    public async Task Delivered_records_are_pruned_after_the_retention_and_pending_ones_never()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using SyncHarness h = await SyncHarness.CreateAsync(fixture, clock);
        await h.Store.CreateSessionAsync("old");
        await h.Sync.SyncAsync();
        long delivered = (await h.Outbox.GetStatisticsAsync()).Processed;

        clock.Advance(TimeSpan.FromDays(8));
        await h.Store.CreateSessionAsync("new, not yet delivered");
        await fixture.Server.StopAsync();
        try
        {
            await h.Sync.SyncAsync();
        }
        finally
        {
            await fixture.Server.StartAsync();
        }

        Assert.Equal(delivered, (await h.Outbox.GetStatisticsAsync()).Processed);
        await h.Sync.SyncAsync();

        Assert.Equal(0, SqliteProbe.Count(h.DatabasePath, "SELECT count(*) FROM outbox WHERE processed_at < $cutoff", ("$cutoff", Application.Serialization.UtcTimestamp.Format(clock.GetUtcNow().AddDays(-7)))));
        Assert.Equal(2, SqliteProbe.Count(h.DatabasePath, "SELECT count(*) FROM outbox"));
        Assert.Equal(2, await h.PgCountAsync("SELECT count(*) FROM sessions"));
    }

    [Fact]
    [Trait("AC", "AC-037")]
    public async Task A_save_wakes_the_sync_worker_without_waiting_for_it()
    {
        using SyncHarness h = await SyncHarness.CreateAsync(fixture, options: new SyncOptions { PollIntervalSeconds = 3600 });
        var loop = new SyncLoop(h.Sync, h.Signal, h.Sync.Options, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        using var stop = new CancellationTokenSource();
        Task running = loop.RunAsync(null, stop.Token);
        await WaitUntilAsync(async () => await h.PgCountAsync("SELECT count(*) FROM information_schema.tables WHERE table_name = 'sessions'") == 1);

        Session session = await h.Store.CreateSessionAsync("woken");

        Assert.Equal(1, SqliteProbe.Count(h.DatabasePath, "SELECT count(*) FROM sessions"));
        await WaitUntilAsync(async () => await h.PgCountAsync("SELECT count(*) FROM sessions WHERE id = $1", session.Id.Value) == 1);
        await stop.CancelAsync();
        await running;
    }

    [Fact]
    public async Task A_run_stopped_between_batches_gives_back_the_batch_it_claimed_ahead_and_the_next_run_delivers_the_rest_once()
    {
        using SyncHarness h = await SyncHarness.CreateAsync(fixture, options: new SyncOptions { BatchSize = 2 });
        for (int i = 0; i < 5; i++)
        {
            await h.Store.CreateSessionAsync($"session {i}");
        }

        long pending = (await h.Outbox.GetStatisticsAsync()).Pending;
        using var stop = new CancellationTokenSource();

        // Stopped at the first progress report: batch 1 is acknowledged, batch 2 applied, batch 3 claimed ahead.
        SyncRunResult first = await h.Sync.SyncAsync(new InlineProgress(_ => stop.Cancel()), stop.Token);

        Assert.InRange(first.Delivered, 1, pending - 1);
        Assert.Equal(0, SqliteProbe.Count(h.DatabasePath, "SELECT count(*) FROM outbox_leases"));
        Assert.Equal(first.Delivered, SqliteProbe.Count(h.DatabasePath, "SELECT count(*) FROM outbox WHERE status = 'Processed'"));
        Assert.Equal(first.Delivered, await h.PgCountAsync("SELECT count(*) FROM sync_applied"));

        SyncRunResult second = await h.Sync.SyncAsync();

        Assert.Equal(0, second.Duplicates);
        Assert.Equal(pending, first.Delivered + second.Delivered);
        Assert.Equal(0, second.Remaining);
        Assert.Equal(5, await h.PgCountAsync("SELECT count(*) FROM sessions"));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task One_run_delivers_an_entitys_later_versions_left_after_the_batch_that_holds_its_earlier_one(int batchSize)
    {
        // The claim of the next batch runs while this one is leased, and holds an entity's later records back while an
        // earlier one is leased: when those are all that is left, the run must claim again once this batch is delivered.
        using SyncHarness h = await SyncHarness.CreateAsync(fixture, options: new SyncOptions { BatchSize = batchSize });
        Session session = await h.Store.CreateSessionAsync("version 1");
        for (int version = 2; version <= 4; version++)
        {
            session.Rename($"version {version}");
            await h.Store.SaveAsync(session);
        }

        long pending = (await h.Outbox.GetStatisticsAsync()).Pending;

        SyncRunResult run = await h.Sync.SyncAsync();

        Assert.True(run.Remaining == 0, $"{run.Remaining} of {pending} record(s) left pending by one run: {run}");
        Assert.Equal(pending, run.Delivered);
        Assert.Equal("version 4", await h.PgScalarAsync("SELECT title FROM sessions WHERE id = $1", session.Id.Value));
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        for (int i = 0; i < 300; i++)
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(100);
        }

        Assert.Fail("The condition did not become true within 30 s.");
    }

    private static OutboxRecord Poison(SyncHarness h)
        => h.Outbox.ReadAsync(OutboxStatus.Pending, 100).Result.Concat(h.Outbox.ReadAsync(OutboxStatus.Failed, 100).Result).Single(r => r.EntityId == "tc_poison");

    /// <summary>A record PostgreSQL refuses every time: its tool-call arguments are not JSON.</summary>
    private static void InsertPoison(SyncHarness h)
        => SqliteProbe.Execute(h.DatabasePath, """
            INSERT INTO outbox (hlc, entity_type, entity_id, session_id, operation, base_version, version, origin, payload, next_attempt_at, created_at, updated_at)
            VALUES ($hlc, 'ToolCall', 'tc_poison', 'sess_x', 'Upsert', 0, 1, 'ws_test', $payload, '2000-01-01T00:00:00.0000000Z', '2026-01-15T10:00:00.0000000Z', '2026-01-15T10:00:00.0000000Z');
            """,
            ("$hlc", Application.Serialization.UtcTimestamp.Parse("2026-01-15T10:00:00.0000001Z").UtcTicks),
            ("$payload", """{"entity":"ToolCall","sessionId":"sess_x","stepId":"step_x","toolName":"t","arguments":"not json","status":"Pending","schema":1,"id":"tc_poison","version":1,"createdAt":"2026-01-15T10:00:00.0000001Z","updatedAt":"2026-01-15T10:00:00.0000001Z"}"""));

    /// <summary>Reports on the caller's thread, at once (<see cref="Progress{T}"/> posts to the pool).</summary>
    private sealed class InlineProgress(Action<SyncProgress> report) : IProgress<SyncProgress>
    {
        public void Report(SyncProgress value) => report(value);
    }
}
