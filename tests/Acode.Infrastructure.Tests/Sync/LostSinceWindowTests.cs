using Acode.Application.Sync;
using Acode.Infrastructure.Migrations;
using Acode.Testing;
using Npgsql;

namespace Acode.Infrastructure.Tests.Sync;

/// <summary>
/// Where the window of changes lost since ends (<c>LostSinceReader</c>): a conflict is recorded by another workspace's
/// sync batch that may begin before a read and commit after it, and it must be reported once, by that read or the next,
/// never fall between two windows. Batches are held open with real locks of a second connection.
/// </summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class LostSinceWindowTests(PostgresFixture fixture)
{
    [Fact]
    public async Task A_conflict_of_a_batch_that_began_before_a_read_and_committed_after_it_is_reported_once()
    {
        (SyncHarness b, SyncHarness d) = await LosingChangeAsync();
        using (b)
        using (d)
        {
            await using var holder = new NpgsqlConnection(b.ConnectionString);
            await holder.OpenAsync();
            NpgsqlTransaction held = await holder.BeginTransactionAsync();
            await Execute(holder, held, "LOCK TABLE sync_applied IN SHARE MODE;");

            // d's batch begins and waits for the table; b's idle run (a watch's poll) reads meanwhile.
            Task<SyncRunResult> winning = Task.Run(() => d.Sync.SyncAsync());
            await WaitForAsync(holder, held, "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE c.relname = 'sync_applied' AND NOT l.granted AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())", () => winning.IsCompleted);
            Task<SyncRunResult> reading = Task.Run(() => b.Sync.SyncAsync());
            await WaitForAsync(holder, held, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted", () => reading.IsCompleted);
            await held.RollbackAsync();

            SyncRunResult won = await winning;
            SyncRunResult first = await reading;
            SyncRunResult second = await b.Sync.SyncAsync();

            Assert.Equal((1, 0), (won.Conflicts, won.ConflictsLost));
            Assert.False(first.Paused || second.Paused, first.PauseReason ?? second.PauseReason);
            Assert.True(
                first.ConflictsLostSince + second.ConflictsLostSince == 1,
                $"reported {first.ConflictsLostSince} by the read made while the batch was in flight and {second.ConflictsLostSince} by the next");
        }
    }

    [Fact]
    public async Task A_read_that_cannot_wait_for_the_batches_in_flight_leaves_its_window_to_the_next_run()
    {
        (SyncHarness b, SyncHarness d) = await LosingChangeAsync();
        using (b)
        using (d)
        {
            SyncRunResult won = await d.Sync.SyncAsync();
            Assert.Equal((1, 0), (won.Conflicts, won.ConflictsLost));
            await b.Store.CreateSessionAsync("delivered by the run whose read gives up");
            await using var holder = new NpgsqlConnection(b.ConnectionString);
            await holder.OpenAsync();
            NpgsqlTransaction held = await holder.BeginTransactionAsync();

            // A batch in flight (the lock every batch holds shared) that outlasts the read's wait.
            await using (var batch = new NpgsqlCommand("SELECT pg_advisory_xact_lock_shared($1);", holder, held))
            {
                batch.Parameters.AddWithValue(PostgresMigrator.AdvisoryLockKey);
                await batch.ExecuteNonQueryAsync();
            }

            SyncRunResult delivering = await b.Sync.SyncAsync();
            await held.RollbackAsync();
            SyncRunResult next = await b.Sync.SyncAsync();

            Assert.False(delivering.Paused, delivering.PauseReason);
            Assert.True(delivering.Delivered > 0);
            Assert.Equal(0, delivering.ConflictsLostSince);
            Assert.Equal(1, next.ConflictsLostSince);
        }
    }

    /// <summary>
    /// Two workspaces share a session; b's rename is delivered, then d's later rename waits in d's outbox: d's sync will
    /// win the conflict against b's version, a change b delivered that then lost.
    /// </summary>
    private async Task<(SyncHarness B, SyncHarness D)> LosingChangeAsync()
    {
        string database = await fixture.CreateDatabaseAsync();
        SyncHarness b = await SyncHarness.CreateAsync(fixture, connectionString: database);
        SyncHarness d = await SyncHarness.CreateAsync(fixture, connectionString: database);
        SessionId id = await ConflictResolutionTests.ShareSessionAsync(b, d);
        Assert.False((await b.Sync.SyncAsync()).Paused);
        Assert.False((await d.Sync.SyncAsync()).Paused);
        await ConflictResolutionTests.RenameAsync(b, id, "renamed in b");
        Assert.Equal(1, (await b.Sync.SyncAsync()).Delivered);
        await Task.Delay(TimeSpan.FromMilliseconds(5)); // d's change is stamped later: it wins
        await ConflictResolutionTests.RenameAsync(d, id, "renamed in d, later");
        return (b, d);
    }

    private static async Task Execute(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Polls until <paramref name="countSql"/> counts a row or <paramref name="done"/> (the awaited run ended without waiting).</summary>
    private static async Task WaitForAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string countSql, Func<bool> done)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!done())
        {
            await using (var command = new NpgsqlCommand(countSql, connection, transaction))
            {
                if (Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture) > 0)
                {
                    return;
                }
            }

            Assert.True(clock.Elapsed < TimeSpan.FromMinutes(2), $"Nothing waited within 2 minutes: {countSql}");
            await Task.Delay(20);
        }
    }
}
