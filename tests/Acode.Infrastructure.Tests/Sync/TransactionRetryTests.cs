using Acode.Application.Sync;
using Acode.Domain.Entities;
using Acode.Infrastructure.Tests.Support;
using Acode.Testing;

namespace Acode.Infrastructure.Tests.Sync;

/// <summary>
/// A batch PostgreSQL refuses with a serialization failure or a deadlock (SQLSTATE class 40, another applier's fault, not
/// the records') is claimed again by the same run, also when it was the last batch: a run never ends with such records
/// left pending for the next run.
/// </summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class TransactionRetryTests(PostgresFixture fixture)
{
    // Raises 40001 on the first session row PostgreSQL is asked to insert, once: a sequence is not rolled back with the
    // failed transaction, so the batch's second delivery passes.
    private const string RefuseOnceSql = """
        CREATE SEQUENCE acode_test_once;
        CREATE FUNCTION acode_test_refuse_once() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF nextval('acode_test_once') = 1 THEN
                RAISE EXCEPTION 'injected serialization failure' USING ERRCODE = '40001';
            END IF;
            RETURN NEW;
        END $$;
        CREATE TRIGGER acode_test_refuse_once BEFORE INSERT ON sessions FOR EACH ROW EXECUTE FUNCTION acode_test_refuse_once();
        """;

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public async Task A_batch_refused_with_a_serialization_failure_is_delivered_in_the_same_run(int sessions)
    {
        using SyncHarness h = await SyncHarness.CreateAsync(fixture, options: new SyncOptions { BatchSize = 500 });
        await h.Sync.EnsureSchemaAsync(CancellationToken.None);
        await h.PgScalarAsync(RefuseOnceSql);
        for (int i = 0; i < sessions; i++)
        {
            await h.Store.CreateSessionAsync($"session {i}");
        }

        SyncRunResult result = await h.Sync.SyncAsync();

        Assert.Equal(0, result.Remaining);
        Assert.Equal(0, result.Retried + result.DeadLettered);
        Assert.Equal((long)sessions, await h.PgScalarAsync("SELECT count(*) FROM sessions"));
        Assert.True((long)(await h.PgScalarAsync("SELECT last_value FROM acode_test_once"))! >= 2, "the injected failure never fired");
    }

    [Fact]
    public async Task A_batch_refused_every_time_ends_the_run_pending_without_costing_an_attempt()
    {
        using SyncHarness h = await SyncHarness.CreateAsync(fixture);
        await h.Sync.EnsureSchemaAsync(CancellationToken.None);
        await h.PgScalarAsync(RefuseOnceSql.Replace("nextval('acode_test_once') = 1", "nextval('acode_test_once') > 0", StringComparison.Ordinal));
        await h.Store.CreateSessionAsync("refused");

        SyncRunResult result = await h.Sync.SyncAsync();

        Assert.True(result.Remaining > 0);
        Assert.Equal(0, result.Retried + result.DeadLettered);
        Assert.Equal(0L, await h.PgScalarAsync("SELECT count(*) FROM sessions"));
        Assert.Equal(0L, SqliteProbe.Count(h.DatabasePath, "SELECT count(*) FROM outbox WHERE attempts > 0"));
    }
}
