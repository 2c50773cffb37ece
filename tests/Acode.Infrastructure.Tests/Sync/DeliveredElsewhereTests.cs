using Acode.Application.Sync;
using Acode.Infrastructure.Sync;
using Acode.Infrastructure.Tests.Support;
using Acode.Testing;
using Npgsql;

namespace Acode.Infrastructure.Tests.Sync;

/// <summary>
/// The records a target PostgreSQL lacks although they were delivered after it first saw this workspace (delivered to
/// another database meanwhile) are found wherever they stand among the delivered records, and put back in the queue.
/// </summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class DeliveredElsewhereTests(PostgresFixture fixture)
{
    [Fact]
    public async Task Records_missing_from_the_target_behind_newer_ones_it_holds_are_requeued()
    {
        // Trial AQ 2: a 'db sync --watch' started before the detour delivered 1 056 newer records to the team's database;
        // the check read the newest thousand, found them all there, and stopped.
        using SyncHarness h = await SyncHarness.CreateAsync(fixture);
        Session session = await h.Store.CreateSessionAsync("many records");
        for (int i = 0; i < 1_300; i++)
        {
            session.AddTask($"task {i}");
        }

        await h.Store.SaveAsync(session);
        SyncRunResult delivered = await h.Sync.SyncAsync();
        List<string> oldest = [.. SqliteProbe.Rows(h.DatabasePath, "SELECT idempotency_key FROM outbox ORDER BY id LIMIT 200").Select(r => (string)r["idempotency_key"]!)];
        await using (NpgsqlConnection connection = new(h.ConnectionString))
        {
            await connection.OpenAsync();
            await using var delete = new NpgsqlCommand("DELETE FROM sync_applied WHERE idempotency_key = ANY ($1)", connection) { Parameters = { new() { Value = oldest.ToArray() } } };
            Assert.Equal(200, await delete.ExecuteNonQueryAsync());
        }

        using var dataSource = NpgsqlDataSource.Create(h.ConnectionString);
        int requeued = await DeliveredElsewhere.RequeueAsync(h.Database, dataSource, DateTimeOffset.UnixEpoch, DateTimeOffset.UtcNow, CancellationToken.None);

        Assert.True(delivered.Delivered > 1_300, $"delivered {delivered.Delivered}");
        Assert.Equal(200, requeued);
        Assert.Equal(200, SqliteProbe.Count(h.DatabasePath, "SELECT count(*) FROM outbox WHERE status = 'Pending'"));
        Assert.Equal(0, await DeliveredElsewhere.RequeueAsync(h.Database, dataSource, DateTimeOffset.UnixEpoch, DateTimeOffset.UtcNow, CancellationToken.None));
    }
}
