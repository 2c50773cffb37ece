using Acode.Application.Outbox;
using Acode.Application.Sync;
using Acode.Infrastructure.Sqlite;
using Acode.Testing;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace Acode.Infrastructure.Tests.Sync;

/// <summary>
/// Issue 10.4: batches are bounded by bytes as well as by count (a larger record goes alone), and a failure that
/// repeats on a server that otherwise answers counts attempts instead of pausing the sync as an outage. Real PostgreSQL.
/// </summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class BatchBoundTests(PostgresFixture fixture)
{
    private const int Bound = 1024 * 1024;

    [Fact]
    public async Task Batches_end_at_the_byte_bound_and_a_record_larger_than_the_bound_goes_alone()
    {
        using SyncHarness h = await SyncHarness.CreateAsync(fixture, options: new SyncOptions { MaxBatchBytes = Bound });
        Session session = Session.Create("large results");
        Step step = session.AddTask("t").AddStep("s");
        for (int i = 0; i < 6; i++)
        {
            step.AddToolCall("cat", "{}").Succeed(new string((char)('a' + i), 300 * 1024));
        }

        step.AddToolCall("cat", "{}").Succeed(new string('z', 3 * Bound)); // larger than the bound
        step.AddToolCall("cat", "{}").Succeed("small");
        // Inline, as with blobs off (docs/storage.md): the records themselves must be large for this bound to matter.
        await new SqliteRunStateStore(h.Database, h.Clock, blobThresholdBytes: int.MaxValue).SaveAsync(session);

        // The claim itself: the first records up to the bound, never a record beyond it.
        IReadOnlyList<OutboxRecord> claimed = await h.Outbox.ClaimAsync("probe", 500, Bound, TimeSpan.FromSeconds(1));
        Assert.InRange(claimed.Count, 2, 10);
        Assert.InRange(claimed.Sum(r => (long)System.Text.Encoding.UTF8.GetByteCount(r.Payload)), 1, Bound);
        await h.Outbox.ReleaseAsync("probe", claimed.Select(r => r.Id).ToList());

        SyncRunResult result = await h.Sync.SyncAsync();

        Assert.False(result.Paused, result.PauseReason);
        Assert.Equal(0, result.Retried + result.DeadLettered + result.Remaining);

        // One PostgreSQL transaction per batch: its xmin on the rows it wrote.
        List<string> batches = await h.PgRowsAsync("""
            SELECT count(*), sum(octet_length(document::text)) FROM tool_calls GROUP BY xmin::text ORDER BY min(id);
            """);
        Assert.True(batches.Count >= 4, string.Join("; ", batches));
        Assert.Contains("1|" + (await h.PgScalarAsync("SELECT octet_length(document::text) FROM tool_calls WHERE length(result) = $1", 3 * Bound)), batches);
        foreach (string batch in batches.Where(b => !b.StartsWith("1|", StringComparison.Ordinal)))
        {
            Assert.InRange(long.Parse(batch.Split('|')[1], System.Globalization.CultureInfo.InvariantCulture), 1, Bound);
        }

        Assert.Equal(8, await h.PgCountAsync("SELECT count(*) FROM tool_calls"));
    }

    [Fact]
    public async Task A_record_that_breaks_the_connection_every_time_on_a_server_that_answers_counts_attempts_and_is_dead_lettered_not_an_outage()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 1, 15, 10, 0, 0, TimeSpan.Zero));
        using SyncHarness h = await SyncHarness.CreateAsync(fixture, clock, new SyncOptions { MaxAttempts = 3 });
        await h.Sync.EnsureSchemaAsync(CancellationToken.None);

        // A server-side failure that drops the connection whenever this one record is written, and only then.
        await using (var connection = new NpgsqlConnection(h.ConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("""
                CREATE FUNCTION drop_connection() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF NEW.tool_name = 'breaks-the-connection' THEN PERFORM pg_terminate_backend(pg_backend_pid()); END IF;
                    RETURN NEW;
                END $$;
                CREATE TRIGGER drop_connection BEFORE INSERT OR UPDATE ON tool_calls FOR EACH ROW EXECUTE FUNCTION drop_connection();
                """, connection);
            await command.ExecuteNonQueryAsync();
        }

        Session session = Session.Create("one bad record");
        Step step = session.AddTask("t").AddStep("s");
        step.AddToolCall("fine", "{}");
        step.AddToolCall("breaks-the-connection", "{}");
        step.AddToolCall("also fine", "{}");
        await h.Store.SaveAsync(session);

        SyncRunResult first = await h.Sync.SyncAsync();

        Assert.False(first.Paused, first.PauseReason);
        Assert.Equal(1, first.Retried);
        Assert.Equal(0, first.Remaining - 1);
        Assert.Equal(2, await h.PgCountAsync("SELECT count(*) FROM tool_calls"));
        OutboxRecord bad = Assert.Single(await h.Outbox.ReadAsync(OutboxStatus.Pending, 10));
        Assert.Equal(1, bad.Attempts);
        Assert.Contains("closed the connection while applying this record, alone, although the server answers", bad.LastError, StringComparison.Ordinal);
        Assert.Null(h.Database.GetSyncState().LastError);

        SyncRunResult last = first;
        for (int run = 0; run < 5 && last.DeadLettered == 0; run++)
        {
            clock.Advance(TimeSpan.FromHours(2));
            last = await h.Sync.SyncAsync();
            Assert.False(last.Paused, last.PauseReason);
        }

        Assert.Equal(1, last.DeadLettered);
        Assert.Equal(3, Assert.Single(await h.Outbox.ReadAsync(OutboxStatus.Failed, 10)).Attempts);
    }
}
