using Acode.Application.Options;
using Acode.Application.Outbox;
using Acode.Application.Sync;
using Acode.Infrastructure.Migrations;
using Acode.Infrastructure.Postgres;
using Acode.Infrastructure.Sqlite;
using Acode.Infrastructure.Sync;
using Acode.Infrastructure.Tests.Support;
using Acode.Testing;

namespace Acode.Infrastructure.Tests.Migrations.Sqlite;

/// <summary>
/// Schema 1.8.0: outbox records carry the stamp of the version they were based on (<c>base_hlc</c>); records written
/// before it have none and are delivered and judged as before (docs/architecture.md, "Conflicts").
/// </summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class OutboxBaseStampMigrationTests(PostgresFixture fixture) : IDisposable
{
    private readonly TempWorkspace _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    [Trait("AC", "AC-012")]
    public async Task Pending_and_processed_records_of_1_7_0_move_to_1_8_0_without_a_base_stamp_and_still_deliver()
    {
        Session delivered = TestSessions.Rich();
        Session pending = NewSession("pending at 1.7.0");
        using (SqliteWorkspaceDatabase old = Open(Before180()))
        {
            await OldSchemaSessions.SaveAllAsync(old, [delivered, pending]);
        }

        Assert.DoesNotContain("base_hlc", SqliteProbe.Columns(_temp.DatabasePath, "outbox"));
        SqliteProbe.Execute(_temp.DatabasePath, "UPDATE outbox SET status = 'Processed', processed_at = created_at WHERE session_id = $id;", ("$id", delivered.Id.Value));
        long records = SqliteProbe.Count(_temp.DatabasePath, "SELECT count(*) FROM outbox;");

        using SqliteWorkspaceDatabase migrated = Open(null);
        Assert.Equal(ShippedSchema.Latest, migrated.GetMigrationStatus().CurrentText);
        Assert.True(migrated.Check().IsHealthy);
        Assert.Equal(records, SqliteProbe.Count(_temp.DatabasePath, "SELECT count(*) FROM outbox WHERE base_hlc IS NULL;"));

        string connectionString = await fixture.CreateDatabaseAsync();
        using var sync = new OutboxSyncService(migrated, PostgresConnectionSettings.Parse(connectionString, "test"), new SyncOptions());
        SyncRunResult first = await sync.SyncAsync();
        Assert.Equal((0L, 0L), (first.Conflicts, first.Remaining));
        Assert.True(first.Applied > 0);
        Assert.True(await new SqliteOutbox(migrated).RequeueProcessedAsync() > 0);
        SyncRunResult second = await sync.SyncAsync();
        Assert.Equal((0L, 0L), (second.Conflicts, second.Remaining));

        // New saves name their base's stamp and continue the versions the old records delivered.
        var store = new SqliteRunStateStore(migrated);
        foreach (SessionId id in new[] { delivered.Id, pending.Id })
        {
            Session loaded = (await store.GetSessionAsync(id))!;
            loaded.Rename("renamed after the upgrade");
            await store.SaveAsync(loaded);
        }

        Assert.Equal(2L, SqliteProbe.Count(_temp.DatabasePath, "SELECT count(*) FROM outbox WHERE base_hlc IS NOT NULL;"));
        SyncRunResult third = await sync.SyncAsync();
        Assert.Equal((2L, 0L), (third.Applied, third.Conflicts));
        Assert.Equal(0L, await PgCountAsync(connectionString, "SELECT count(*) FROM sync_conflicts"));
        Assert.Equal(2L, await PgCountAsync(connectionString, "SELECT count(*) FROM sessions WHERE title = 'renamed after the upgrade'"));
    }

    private static Session NewSession(string title)
    {
        Session session = Session.Create(title, null, TimeProvider.System);
        session.AddTask("task").AddStep("step");
        session.AppendEvent("note");
        return session;
    }

    private static List<Migration> Before180() => [.. MigrationCatalog.For(MigrationCatalog.Sqlite).Where(m => m.Version < new Version(1, 8, 0))];

    private static async Task<long> PgCountAsync(string connectionString, string sql)
    {
        await using var connection = new Npgsql.NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private SqliteWorkspaceDatabase Open(IReadOnlyList<Migration>? migrations)
        => SqliteWorkspaceDatabase.Open(_temp.Workspace, new SqliteOptions(), migrations: migrations);
}
