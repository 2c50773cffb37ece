using Acode.Application.Errors;
using Acode.Application.Options;
using Acode.Application.Outbox;
using Acode.Application.Sync;
using Acode.Infrastructure.Migrations;
using Acode.Infrastructure.Postgres;
using Acode.Infrastructure.Sqlite;
using Acode.Infrastructure.Sync;
using Acode.Infrastructure.Tests.Support;
using Acode.Testing;
using Xunit.Abstractions;

namespace Acode.Infrastructure.Tests.Migrations.Sqlite;

/// <summary>
/// Schema 1.11.0: an outbox record stores its version's stamp (<c>hlc</c>) and derives its idempotency key from it (a
/// generated column) instead of storing the key and indexing it a second time.
/// </summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class OutboxDerivedKeyMigrationTests(PostgresFixture fixture, ITestOutputHelper output) : IDisposable
{
    private readonly TempWorkspace _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    [Trait("AC", "AC-012")]
    [Trait("AC", "AC-029")]
    public async Task Records_of_1_10_0_keep_their_ids_keys_statuses_and_leases_and_deliver_under_the_same_keys()
    {
        Session delivered = TestSessions.Rich();
        Session pending = TestSessions.Rich("pending at 1.10.0");
        using (SqliteWorkspaceDatabase old = Open(Before1110()))
        {
            await OldSchemaSessions.SaveAllAsync(old, [delivered, pending]);
        }

        SqliteProbe.Execute(_temp.DatabasePath, "UPDATE outbox SET status = 'Processed', processed_at = created_at WHERE session_id = $id;", ("$id", delivered.Id.Value));
        SqliteProbe.Execute(_temp.DatabasePath, """
            INSERT INTO outbox_leases (outbox_id, owner, lease_until, created_at, updated_at)
            SELECT id, 'a crashed sync', '2000-01-01T00:00:00.0000000Z', created_at, created_at FROM outbox WHERE status = 'Pending' ORDER BY id LIMIT 2;
            """);
        const string Snapshot = "SELECT id, idempotency_key, entity_type, entity_id, status, payload, processed_at FROM outbox ORDER BY id;";
        List<Dictionary<string, object?>> before = SqliteProbe.Rows(_temp.DatabasePath, Snapshot);
        List<Dictionary<string, object?>> leasesBefore = SqliteProbe.Rows(_temp.DatabasePath, "SELECT * FROM outbox_leases ORDER BY outbox_id;");
        long counted = SqliteProbe.Count(_temp.DatabasePath, "SELECT row_count FROM row_counts WHERE name = 'outbox';");

        using SqliteWorkspaceDatabase migrated = Open(null);

        Assert.Equal(ShippedSchema.Latest, migrated.GetMigrationStatus().CurrentText);
        Assert.True(migrated.Check().IsHealthy);
        Assert.Equal(Describe(before), Describe(SqliteProbe.Rows(_temp.DatabasePath, Snapshot)));
        Assert.Equal(Describe(leasesBefore), Describe(SqliteProbe.Rows(_temp.DatabasePath, "SELECT * FROM outbox_leases ORDER BY outbox_id;")));
        Assert.Equal(counted, SqliteProbe.Count(_temp.DatabasePath, "SELECT row_count FROM row_counts WHERE name = 'outbox';"));
        Assert.DoesNotContain("idempotency_key", SqliteProbe.Columns(_temp.DatabasePath, "outbox"));
        Assert.Empty(SqliteProbe.Rows(_temp.DatabasePath, "SELECT name FROM sqlite_schema WHERE tbl_name = 'outbox' AND name LIKE 'sqlite_autoindex%';"));

        // PostgreSQL records what it applied under the keys the records had before the upgrade.
        string connectionString = await fixture.CreateDatabaseAsync();
        using var sync = new OutboxSyncService(migrated, PostgresConnectionSettings.Parse(connectionString, "test"), new SyncOptions());
        Assert.True(await new SqliteOutbox(migrated).RequeueProcessedAsync() > 0);
        SyncRunResult result = await sync.SyncAsync();
        Assert.Equal(((long)before.Count, 0L, 0L), (result.Applied, result.Conflicts, result.Remaining));
        Assert.Equal(before.Select(r => (string)r["idempotency_key"]!).Order(StringComparer.Ordinal),
            (await PostgresSql.RowsAsync(connectionString, "SELECT idempotency_key FROM sync_applied")).Order(StringComparer.Ordinal));

        // A later save appends under a key of the same form, once.
        var store = new SqliteRunStateStore(migrated);
        Session loaded = (await store.GetSessionAsync(pending.Id))!;
        loaded.Rename("renamed after the upgrade");
        await store.SaveAsync(loaded);
        Dictionary<string, object?> record = SqliteProbe.Rows(_temp.DatabasePath, "SELECT idempotency_key, hlc FROM outbox ORDER BY id DESC LIMIT 1;")[0];
        Assert.Equal(IdempotencyKey.For(EntityType.Session, pending.Id.Value, loaded.UpdatedAt), record["idempotency_key"]);
        Assert.Equal(loaded.UpdatedAt.UtcTicks, record["hlc"]);
    }

    [Fact]
    [Trait("AC", "AC-012")]
    public async Task A_stored_key_the_stamp_does_not_reproduce_stops_the_migration_and_changes_nothing()
    {
        using (SqliteWorkspaceDatabase old = Open(Before1110()))
        {
            await OldSchemaSessions.SaveAsync(old, TestSessions.Rich());
        }

        SqliteProbe.Execute(_temp.DatabasePath, "UPDATE outbox SET idempotency_key = 'Session:written-by-hand' WHERE id = (SELECT min(id) FROM outbox);");
        List<Dictionary<string, object?>> before = SqliteProbe.Rows(_temp.DatabasePath, "SELECT * FROM outbox ORDER BY id;");

        AcodeDbException refused = Assert.Throws<AcodeDbException>(() => Open(null).Dispose());

        Assert.Equal(AcodeErrorCode.MigrationFailed, refused.ErrorCode);
        Assert.Contains("derived_key_equals_stored_key", refused.Message, StringComparison.Ordinal);
        Assert.Contains("still at version 1.10.0", refused.Message, StringComparison.Ordinal);
        Assert.Equal(Describe(before), Describe(SqliteProbe.Rows(_temp.DatabasePath, "SELECT * FROM outbox ORDER BY id;")));
    }

    [Fact]
    [Trait("Issue", "upgrade.D3")]
    public async Task The_rebuild_gives_the_old_outboxs_pages_back_so_an_upgraded_workspace_is_not_larger_than_before()
    {
        using (SqliteWorkspaceDatabase old = Open(Before1110()))
        {
            await OldSchemaSessions.SaveAsync(old, TestSessions.Rich());
        }

        // Delivered records as a week of syncing leaves them (kept for outboxRetentionDays).
        SqliteProbe.Execute(_temp.DatabasePath, """
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000)
            INSERT INTO outbox (idempotency_key, entity_type, entity_id, session_id, operation, base_version, version, origin, payload, status, next_attempt_at, created_at, updated_at, processed_at)
            SELECT 'SessionEvent:evt_' || i || ':2026-12-01T00:00:00.0000000Z', 'SessionEvent', 'evt_' || i, 'sess_x', 'Upsert', 0, 1, 'ws_test', '{}', 'Processed',
                   '2026-12-01T00:00:00.0000000Z', '2026-12-01T00:00:00.0000000Z', '2026-12-01T00:00:00.0000000Z', '2026-12-01T00:00:00.0000000Z'
            FROM n;
            """);
        long pagesBefore = SqliteProbe.Count(_temp.DatabasePath, "PRAGMA page_count;");
        Assert.Equal(2, SqliteProbe.Count(_temp.DatabasePath, "PRAGMA auto_vacuum;")); // incremental, as acode creates it

        using SqliteWorkspaceDatabase migrated = Open(null);

        Assert.Equal(ShippedSchema.Latest, migrated.GetMigrationStatus().CurrentText);
        Assert.Equal(0, SqliteProbe.Count(_temp.DatabasePath, "PRAGMA freelist_count;"));
        Assert.True(SqliteProbe.Count(_temp.DatabasePath, "PRAGMA page_count;") <= pagesBefore);
        Assert.True(migrated.Check().IsHealthy);
    }

    [Fact]
    public void The_derived_key_is_the_key_IdempotencyKey_builds_for_any_stamp()
    {
        int seed = Environment.TickCount;
        output.WriteLine($"seed {seed}");
        var random = new Random(seed);
        DateTimeOffset[] edges =
        [
            DateTimeOffset.MinValue, DateTimeOffset.MaxValue, new(1969, 12, 31, 23, 59, 59, TimeSpan.Zero), DateTimeOffset.UnixEpoch,
            new DateTimeOffset(1969, 12, 31, 23, 59, 59, TimeSpan.Zero).AddTicks(9_999_999), new(2026, 12, 1, 22, 25, 54, TimeSpan.Zero),
        ];
        IEnumerable<DateTimeOffset> stamps = edges.Concat(Enumerable.Range(0, 500).Select(_ => new DateTimeOffset(random.NextInt64(0, DateTimeOffset.MaxValue.UtcTicks + 1), TimeSpan.Zero)));

        using SqliteWorkspaceDatabase db = Open(null);
        long id = 0;
        foreach (DateTimeOffset stamp in stamps)
        {
            id++;
            SqliteProbe.Execute(_temp.DatabasePath, """
                INSERT INTO outbox (entity_type, entity_id, hlc, session_id, operation, base_version, version, origin, payload, next_attempt_at, created_at, updated_at)
                VALUES ('ToolCall', $entity_id, $hlc, 'sess_x', 'Upsert', 0, 1, 'ws_test', '{}', '2026-01-01T00:00:00.0000000Z', '2026-01-01T00:00:00.0000000Z', '2026-01-01T00:00:00.0000000Z');
                """, ("$entity_id", $"tc_{id}"), ("$hlc", stamp.UtcTicks));
            Assert.Equal(IdempotencyKey.For(EntityType.ToolCall, $"tc_{id}", stamp),
                SqliteProbe.Scalar(_temp.DatabasePath, "SELECT idempotency_key FROM outbox WHERE entity_id = $entity_id;", ("$entity_id", $"tc_{id}")));
        }
    }

    private static string Describe(List<Dictionary<string, object?>> rows)
        => string.Join("\n", rows.Select(r => string.Join("|", r.Select(c => $"{c.Key}={c.Value}"))));

    private static List<Migration> Before1110() => [.. MigrationCatalog.For(MigrationCatalog.Sqlite).Where(m => m.Version < new Version(1, 11, 0))];

    private SqliteWorkspaceDatabase Open(IReadOnlyList<Migration>? migrations)
        => SqliteWorkspaceDatabase.Open(_temp.Workspace, new SqliteOptions(), migrations: migrations);
}
