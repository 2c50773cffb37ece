using Acode.Application.Options;
using Acode.Application.Outbox;
using Acode.Application.Serialization;
using Acode.Domain.Time;
using Acode.Infrastructure.Migrations;
using Acode.Infrastructure.Sqlite;
using Acode.Infrastructure.Tests.Support;
using Acode.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;

namespace Acode.Infrastructure.Tests.Migrations.Sqlite;

/// <summary>Schema 1.2.0: the outbox leases leave the outbox rows for <c>outbox_leases</c>.</summary>
public sealed class OutboxLeasesMigrationTests : IDisposable
{
    private const int SqliteConstraint = SQLitePCL.raw.SQLITE_CONSTRAINT;
    private static readonly Migration Initial = MigrationCatalog.For(MigrationCatalog.Sqlite)[0];

    private readonly TempWorkspace _temp = new();
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);

    public void Dispose() => _temp.Dispose();

    [Fact]
    [Trait("AC", "AC-012")]
    [Trait("AC", "AC-042")]
    public async Task Migrating_a_1_0_0_workspace_keeps_its_records_and_moves_its_leases_live_or_expired()
    {
        string before;
        long live1, live2, expired, processed;
        string claimedAt = UtcTimestamp.Format(_clock.GetUtcNow().AddSeconds(-90));
        string liveUntil = UtcTimestamp.Format(_clock.GetUtcNow().AddSeconds(30));
        string expiredUntil = UtcTimestamp.Format(_clock.GetUtcNow().AddSeconds(-30));
        using (SqliteWorkspaceDatabase old = Open([Initial]))
        {
            await OldSchemaSessions.SaveAsync(old, TestSessions.Rich(), new HybridClock(_clock));
            List<long> ids = SqliteProbe.Rows(_temp.DatabasePath, "SELECT id FROM outbox ORDER BY id;").Select(r => (long)r["id"]!).ToList();
            (live1, live2, expired, processed) = (ids[0], ids[1], ids[2], ids[3]);

            // What schema 1.0.0's claim wrote into the outbox rows.
            Lease1_0_0(live1, "old-process", liveUntil, claimedAt);
            Lease1_0_0(live2, "old-process", liveUntil, claimedAt);
            Lease1_0_0(expired, "crashed-process", expiredUntil, claimedAt);
            SqliteProbe.Execute(_temp.DatabasePath, "UPDATE outbox SET status = 'Processed', processed_at = $at WHERE id = $id;", ("$at", claimedAt), ("$id", processed));
            before = Snapshot();
        }

        using SqliteWorkspaceDatabase migrated = Open(null);

        Assert.Equal(Acode.Testing.ShippedSchema.Latest, migrated.GetMigrationStatus().CurrentText);
        Assert.Equal(0L, SqliteProbe.Count(_temp.DatabasePath, "SELECT count(*) FROM outbox WHERE lease_owner IS NOT NULL OR lease_until IS NOT NULL;"));
        Assert.Equal(before, Snapshot());
        Assert.Equal(
            [$"{live1}|old-process|{liveUntil}|{claimedAt}|{claimedAt}", $"{live2}|old-process|{liveUntil}|{claimedAt}|{claimedAt}", $"{expired}|crashed-process|{expiredUntil}|{claimedAt}|{claimedAt}"],
            SqliteProbe.Rows(_temp.DatabasePath, "SELECT outbox_id || '|' || owner || '|' || lease_until || '|' || created_at || '|' || updated_at AS l FROM outbox_leases ORDER BY outbox_id;").Select(r => (string)r["l"]!));

        var outbox = new SqliteOutbox(migrated);
        OutboxRecord leased = (await outbox.ReadAsync(OutboxStatus.Pending, 1000)).Single(r => r.Id == live1);
        Assert.Equal(("old-process", UtcTimestamp.Parse(liveUntil)), (leased.LeaseOwner, leased.LeaseUntil));
        // The live leases hold their session's records back (none goes before its parent); once delivered, the rest goes.
        Assert.Empty(await outbox.ClaimAsync("new-process", 1000, TimeSpan.FromMinutes(1)));
        Assert.Equal(2, await outbox.AcknowledgeAsync("old-process", [live1, live2]));
        IReadOnlyList<OutboxRecord> claimed = await outbox.ClaimAsync("new-process", 1000, TimeSpan.FromMinutes(1));
        Assert.DoesNotContain(claimed, r => r.Id == live1 || r.Id == live2 || r.Id == processed);
        Assert.Contains(claimed, r => r.Id == expired);
        Assert.Equal(0, await outbox.AcknowledgeAsync("crashed-process", [expired]));
    }

    [Fact]
    [Trait("AC", "AC-003")]
    [Trait("AC", "AC-022")]
    public async Task The_lease_table_is_strict_has_its_timestamps_and_cascades_from_the_outbox()
    {
        using SqliteWorkspaceDatabase db = Open(null);
        await new SqliteRunStateStore(db, new HybridClock(_clock)).CreateSessionAsync("two records: the session and its first event");
        OutboxRecord record = Assert.Single(await new SqliteOutbox(db).ClaimAsync("worker", 1, TimeSpan.FromMinutes(1)));

        Assert.Equal(["outbox_id INTEGER", "owner TEXT", "lease_until TEXT", "created_at TEXT", "updated_at TEXT"],
            SqliteProbe.Rows(_temp.DatabasePath, "SELECT name || ' ' || type AS c FROM pragma_table_info('outbox_leases') ORDER BY cid;").Select(r => (string)r["c"]!));
        Assert.Equal(1L, SqliteProbe.Scalar(_temp.DatabasePath, "SELECT strict FROM pragma_table_list WHERE name = 'outbox_leases';"));
        Assert.Equal("outbox|id|CASCADE", SqliteProbe.Scalar(_temp.DatabasePath, "SELECT \"table\" || '|' || \"to\" || '|' || on_delete FROM pragma_foreign_key_list('outbox_leases');"));

        using SqliteConnection connection = SqliteProbe.Open(_temp.DatabasePath);
        SqliteProbe.Execute(connection, "PRAGMA foreign_keys = ON;");
        var orphan = Assert.Throws<SqliteException>(() => SqliteProbe.Execute(connection, "INSERT INTO outbox_leases VALUES (999999, 'w', 'a', 'a', 'a');"));
        Assert.Equal(SqliteConstraint, orphan.SqliteErrorCode);
        Assert.Equal(1, SqliteProbe.Execute(connection, "DELETE FROM outbox WHERE id = $id;", ("$id", record.Id)));
        Assert.Equal(0, SqliteProbe.Count(connection, "SELECT count(*) FROM outbox_leases;"));
    }

    private SqliteWorkspaceDatabase Open(IReadOnlyList<Migration>? migrations)
        => SqliteWorkspaceDatabase.Open(_temp.Workspace, new SqliteOptions(), time: _clock, migrations: migrations);

    private void Lease1_0_0(long id, string owner, string until, string at)
        => SqliteProbe.Execute(_temp.DatabasePath, "UPDATE outbox SET lease_owner = $owner, lease_until = $until, updated_at = $at WHERE id = $id;",
            ("$owner", owner), ("$until", until), ("$at", at), ("$id", id));

    /// <summary>Every outbox column that 1.2.0 keeps, row by row.</summary>
    private string Snapshot() => string.Join("\n", SqliteProbe.Rows(_temp.DatabasePath, """
        SELECT id, idempotency_key, entity_type, entity_id, session_id, operation, base_version, version, origin, payload,
               status, attempts, next_attempt_at, last_error, created_at, updated_at, processed_at
        FROM outbox ORDER BY id;
        """).Select(r => string.Join("|", r.Values)));
}
