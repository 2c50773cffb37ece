using Acode.Application.Errors;
using Acode.Application.Sync;
using Acode.Infrastructure.Tests.Support;
using Acode.Testing;

namespace Acode.Infrastructure.Tests.Sync;

/// <summary>
/// A long-lived sync (<c>db sync --watch</c>, a host's worker) checks PostgreSQL's schema again on every run once another
/// acode migrated it: a newer schema is ACODE-DB-004 with nothing sent; a schema dropped meanwhile is created again
/// (and warned about) before the run sends anything.
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
