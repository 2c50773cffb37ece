using Acode.Application.Errors;
using Acode.Application.Sync;
using Acode.Infrastructure.Migrations;
using Acode.Infrastructure.Tests.Support;
using Acode.Testing;
using Npgsql;

namespace Acode.Infrastructure.Tests.Sync;

/// <summary>
/// A long-lived sync (<c>db sync --watch</c>, a host's worker) checks PostgreSQL's schema again on every run once another
/// acode migrated it: a newer schema is ACODE-DB-004 with nothing sent; a schema dropped meanwhile is created again
/// (and warned about) before the run sends anything. A batch takes the migrations' lock shared and reads the versions
/// again, so a migration that begins after the run's check is waited for and refused too.
/// </summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class SyncAfterNewerSchemaTests(PostgresFixture fixture)
{
    [Fact]
    [Trait("AC", "AC-013")]
    public async Task A_run_after_a_newer_acode_migrated_PostgreSQL_sends_nothing_and_says_ACODE_DB_004()
    {
        using SyncHarness h = await SyncHarness.CreateAsync(fixture);
        Session session = await h.Store.CreateSessionAsync("delivered before the upgrade");
        Assert.False((await h.Sync.SyncAsync()).Paused);
        await h.PgScalarAsync("INSERT INTO schema_version VALUES ('9.0.0', 'FromTheFuture', 'abc', now());");
        session.Rename("not sent into the newer schema");
        await h.Store.SaveAsync(session);

        var error = await Assert.ThrowsAsync<AcodeDbException>(() => h.Sync.SyncAsync());

        Assert.Equal(AcodeErrorCode.SchemaTooNew, error.ErrorCode);
        Assert.Contains("9.0.0", error.Message, StringComparison.Ordinal);
        Assert.Equal("delivered before the upgrade", await h.PgScalarAsync("SELECT title FROM sessions;"));
        Assert.Equal(1, (await h.Outbox.GetStatisticsAsync()).Pending);
    }

    [Fact]
    [Trait("AC", "AC-013")]
    public async Task A_batch_waits_for_a_migration_in_progress_and_then_sends_nothing_into_the_newer_schema()
    {
        using SyncHarness h = await SyncHarness.CreateAsync(fixture);
        Session session = await h.Store.CreateSessionAsync("delivered before the upgrade");
        Assert.False((await h.Sync.SyncAsync()).Paused);
        session.Rename("not sent into the newer schema");
        await h.Store.SaveAsync(session);

        // A newer acode migrating: it holds the migrations' lock from before it reads the journal until its last migration.
        await using var migrating = new NpgsqlConnection(h.ConnectionString);
        await migrating.OpenAsync();
        await using (var take = new NpgsqlCommand("SELECT pg_advisory_lock($1);", migrating))
        {
            take.Parameters.AddWithValue(PostgresMigrator.AdvisoryLockKey);
            await take.ExecuteScalarAsync();
        }

        // The run checked the schema (unchanged) before this migration wrote its journal row; its batch must wait for it.
        Task<SyncRunResult> run = h.Sync.SyncAsync();
        DateTime deadline = DateTime.UtcNow.AddSeconds(60);
        while (await h.PgCountAsync("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND mode = 'ShareLock' AND NOT granted;") == 0)
        {
            Assert.False(run.IsCompleted, "the batch was sent while a migration held the lock");
            Assert.True(DateTime.UtcNow < deadline, "the batch never waited for the migration's lock");
            await Task.Delay(20);
        }

        await using (var migrate = new NpgsqlCommand("INSERT INTO schema_version VALUES ('9.0.0', 'FromTheFuture', 'abc', now());", migrating))
        {
            await migrate.ExecuteNonQueryAsync();
        }

        await using (var done = new NpgsqlCommand("SELECT pg_advisory_unlock($1);", migrating))
        {
            done.Parameters.AddWithValue(PostgresMigrator.AdvisoryLockKey);
            await done.ExecuteScalarAsync();
        }

        var error = await Assert.ThrowsAsync<AcodeDbException>(() => run);

        Assert.Equal(AcodeErrorCode.SchemaTooNew, error.ErrorCode);
        Assert.Contains("9.0.0", error.Message, StringComparison.Ordinal);
        Assert.Equal("delivered before the upgrade", await h.PgScalarAsync("SELECT title FROM sessions;"));
        Assert.Equal(1, (await h.Outbox.GetStatisticsAsync()).Pending);
    }

    [Fact]
    public async Task A_run_after_the_schema_was_dropped_creates_it_again_and_warns_before_sending()
    {
        using SyncHarness h = await SyncHarness.CreateAsync(fixture);
        Session session = await h.Store.CreateSessionAsync("first");
        Assert.False((await h.Sync.SyncAsync()).Paused);
        await h.PgScalarAsync("DROP SCHEMA public CASCADE; CREATE SCHEMA public;");
        session.Rename("second");
        await h.Store.SaveAsync(session);

        SyncRunResult result = await h.Sync.SyncAsync();

        Assert.False(result.Paused, result.PauseReason);
        Assert.NotNull(result.TargetWarning);
        Assert.Equal("second", await h.PgScalarAsync("SELECT title FROM sessions;"));
    }
}
