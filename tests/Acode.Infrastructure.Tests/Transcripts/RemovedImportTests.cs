using Acode.Application.Options;
using Acode.Application.Transcripts;
using Acode.Infrastructure.Migrations;
using Acode.Infrastructure.PostgresStore;
using Acode.Infrastructure.Retention;
using Acode.Infrastructure.Sqlite;
using Acode.Infrastructure.Tests.Support;
using Acode.Infrastructure.Transcripts;
using Acode.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Acode.Infrastructure.Tests.Transcripts;

/// <summary>
/// A session imported from a transcript and removed since (retention, a host's <c>DeleteSessionAsync</c>, on SQLite and
/// on the PostgreSQL store) is not brought back by importing the transcript again (docs/import.md); schema 1.9.0 moves a
/// 1.8.0 workspace with imported sessions forward.
/// </summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class RemovedImportTests(PostgresFixture fixture) : IDisposable
{
    private const string SessionKey = "55555555-5555-4555-8555-555555555555";

    private static readonly string[] Turn =
    [
        """{"type":"user","uuid":"u1","parentUuid":null,"cwd":"/w","version":"2.0.30","timestamp":"2025-11-30T11:00:00Z","message":{"role":"user","content":"run the tests"}}""",
        """{"type":"assistant","uuid":"a1","parentUuid":"u1","cwd":"/w","version":"2.0.30","timestamp":"2025-11-30T11:00:02Z","message":{"id":"m1","role":"assistant","model":"m","content":[{"type":"text","text":"All green."}],"stop_reason":"end_turn"}}""",
    ];

    private readonly TempWorkspace _workspace = new();

    private string Transcript
    {
        get
        {
            string path = Path.Combine(_workspace.Root, "projects", "-w", SessionKey + ".jsonl");
            if (!File.Exists(path))
            {
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                File.WriteAllLines(path, Turn);
            }

            return path;
        }
    }

    [Fact]
    public async Task A_session_retention_removed_is_skipped_by_the_next_import_and_include_removed_takes_it_back()
    {
        using SqliteWorkspaceDatabase database = _workspace.Open();
        var store = new SqliteRunStateStore(database);
        var log = new SqliteRemovedImportLog(database);
        var importer = new ClaudeCodeTranscriptImporter(store, log);
        string id = (await importer.ImportFileAsync(Transcript)).SessionId!;
        var retention = new RetentionWorker(
            () => new SessionPruner(store, database, syncConfigured: false), new PersistenceOptions { Retention = new RetentionOptions { OlderThanDays = 1 } },
            TimeProvider.System, NullLogger<RetentionWorker>.Instance);
        Assert.Equal([id], (await retention.RunOnceAsync())!.Removed);

        TranscriptImportReport again = await importer.ImportFileAsync(Transcript);

        Assert.Equal("retention", again.RemovedEarlier?.Reason);
        Assert.Equal(id, again.SessionId);
        Assert.Equal(new Application.ImportResult(0, 0, 0), again.Rows);
        Assert.Null(await store.GetSessionAsync(SessionId.Parse(id)));

        TranscriptImportReport included = await new ClaudeCodeTranscriptImporter(store, log) { IncludeRemoved = true }.ImportFileAsync(Transcript);
        Assert.Null(included.RemovedEarlier);
        Assert.True(included.Rows.Inserted > 0);
        Assert.NotNull(await store.GetSessionAsync(SessionId.Parse(id)));
        Assert.Null(await log.FindAsync(SessionId.Parse(id)));
        Assert.Null((await importer.ImportFileAsync(Transcript)).RemovedEarlier);
    }

    [Fact]
    public async Task A_host_s_DeleteSessionAsync_is_remembered_whatever_the_session_holds()
    {
        using SqliteWorkspaceDatabase database = _workspace.Open();
        var store = new SqliteRunStateStore(database);
        var log = new SqliteRemovedImportLog(database);
        string id = (await new ClaudeCodeTranscriptImporter(store, log).ImportFileAsync(Transcript)).SessionId!;
        Session own = await store.CreateSessionAsync("the agent's own session");

        Assert.True(await store.DeleteSessionAsync(SessionId.Parse(id)));
        Assert.True(await store.DeleteSessionAsync(own.Id));

        Assert.Equal("DeleteSessionAsync", (await log.FindAsync(SessionId.Parse(id)))?.Reason);
        // Every removal is remembered, as PostgreSQL keeps a tombstone of every deleted session: only a transcript's
        // import looks an id up, so a session that never came from one is never skipped.
        Assert.Equal("DeleteSessionAsync", (await log.FindAsync(own.Id))?.Reason);
        Assert.False(await store.DeleteSessionAsync(SessionId.Parse(id))); // gone already: nothing more
        Assert.Equal(2L, SqliteProbe.Count(_workspace.DatabasePath, "SELECT count(*) FROM removed_imports;"));
        // An importer given no log imports as it always did.
        Assert.True((await new ClaudeCodeTranscriptImporter(store).ImportFileAsync(Transcript)).Rows.Inserted > 0);
        Assert.Null(await log.FindAsync(SessionId.Parse(id))); // it exists again
    }

    [Fact]
    [Trait("AC", "AC-012")]
    public async Task A_1_8_0_workspace_with_imported_sessions_moves_to_1_9_0_and_remembers_their_removal()
    {
        string id = "";
        string own = "";
        using (SqliteWorkspaceDatabase old = _workspace.Open(migrations: [.. ShippedSchema.Sqlite.Where(m => m.Version < new Version(1, 9, 0))]))
        {
            await OldSchemaSessions.WriteAsync(old, async latest =>
            {
                id = (await new ClaudeCodeTranscriptImporter(new SqliteRunStateStore(latest, blobThresholdBytes: int.MaxValue)).ImportFileAsync(Transcript)).SessionId!;
                own = (await new SqliteRunStateStore(latest).CreateSessionAsync("not imported")).Id.Value;
            });
        }

        Assert.Equal(0L, SqliteProbe.Count(_workspace.DatabasePath, "SELECT count(*) FROM sqlite_schema WHERE name = 'removed_imports';"));
        using SqliteWorkspaceDatabase migrated = _workspace.Open();
        Assert.Equal(ShippedSchema.Latest, migrated.GetMigrationStatus().CurrentText);
        Assert.True(migrated.Check().IsHealthy);
        var store = new SqliteRunStateStore(migrated);
        var importer = new ClaudeCodeTranscriptImporter(store, new SqliteRemovedImportLog(migrated));
        Assert.Null((await importer.ImportFileAsync(Transcript)).RemovedEarlier);

        PruneReport pruned = await new SessionPruner(store, migrated, syncConfigured: false).PruneAsync(new PruneRequest { Before = DateTimeOffset.UtcNow.AddDays(1) });

        Assert.Equal(2, pruned.Removed.Count);
        Assert.Equal("db prune", (await importer.ImportFileAsync(Transcript)).RemovedEarlier?.Reason);
        Assert.Equal(new[] { id, own }.Order(StringComparer.Ordinal), SqliteProbe.Rows(_workspace.DatabasePath, "SELECT session_id FROM removed_imports ORDER BY session_id;").Select(r => (string)r["session_id"]!));
        Assert.True(migrated.Check().IsHealthy);
    }

    [Fact]
    public async Task A_removal_made_before_1_9_0_is_found_through_the_deletion_record_the_outbox_still_holds_by_its_index()
    {
        using SqliteWorkspaceDatabase database = _workspace.Open();
        var store = new SqliteRunStateStore(database);
        var log = new SqliteRemovedImportLog(database);
        var importer = new ClaudeCodeTranscriptImporter(store, log);
        string id = (await importer.ImportFileAsync(Transcript)).SessionId!;
        Assert.True(await store.DeleteSessionAsync(SessionId.Parse(id)));
        // What a workspace whose session was deleted before 1.9.0 holds after the upgrade: the deletion's outbox record,
        // older than migration 1.9.0, and no removed_imports row (1.9.0 could not tell which deleted sessions had been imported).
        Assert.Equal(1, SqliteProbe.Execute(_workspace.DatabasePath, "DELETE FROM removed_imports;"));
        Assert.Null(await log.FindAsync(SessionId.Parse(id))); // deleted after 1.9.0 without a row: not an imported session
        Assert.Equal(1, SqliteProbe.Execute(_workspace.DatabasePath, BeforeUpgradeSql, ("$id", id)));
        string deletedAt = (string)SqliteProbe.Scalar(_workspace.DatabasePath, "SELECT created_at FROM outbox WHERE entity_id = $id AND operation = 'Delete';", ("$id", id))!;

        RemovedImport? found = await log.FindAsync(SessionId.Parse(id));
        TranscriptImportReport again = await importer.ImportFileAsync(Transcript);

        Assert.Equal(new RemovedImport(id, Application.Serialization.UtcTimestamp.Parse(deletedAt), SqliteRemovedImportLog.OutboxDeletionReason), found);
        Assert.Equal(SqliteRemovedImportLog.OutboxDeletionReason, again.RemovedEarlier?.Reason);
        Assert.Equal(new Application.ImportResult(0, 0, 0), again.Rows);
        Assert.Null(await store.GetSessionAsync(SessionId.Parse(id)));
        // One indexed lookup: the entity's records through ix_outbox_entity, not a scan of the outbox.
        string plan = string.Join("\n", SqliteProbe.Rows(_workspace.DatabasePath, "EXPLAIN QUERY PLAN " + SqliteRemovedImportLog.FindInOutboxSql, ("$id", id)).Select(r => (string)r["detail"]!));
        Assert.Contains("USING INDEX ix_outbox_entity", plan, StringComparison.Ordinal);
        Assert.DoesNotContain("SCAN outbox", plan, StringComparison.Ordinal);

        // A session that exists again (taken back on request) is not reported, whatever the outbox holds.
        Assert.True((await new ClaudeCodeTranscriptImporter(store, log) { IncludeRemoved = true }.ImportFileAsync(Transcript)).Rows.Inserted > 0);
        Assert.Null(await log.FindAsync(SessionId.Parse(id)));
        Assert.Null((await importer.ImportFileAsync(Transcript)).RemovedEarlier);
    }

    [Fact]
    public async Task On_the_PostgreSQL_store_a_deleted_imported_session_is_not_imported_again()
    {
        string connectionString = await fixture.CreateDatabaseAsync();
        await using NpgsqlDataSource dataSource = NpgsqlDataSource.Create(connectionString);
        await new PostgresMigrator().MigrateAsync(dataSource);
        var store = new PostgresRunStateStore(dataSource, "pg_test");
        var importer = new ClaudeCodeTranscriptImporter(store, new PostgresRemovedImportLog(dataSource, "postgresql://test"));
        string id = (await importer.ImportFileAsync(Transcript)).SessionId!;
        Assert.Null((await importer.ImportFileAsync(Transcript)).RemovedEarlier);
        Assert.True(await store.DeleteSessionAsync(SessionId.Parse(id)));

        TranscriptImportReport again = await importer.ImportFileAsync(Transcript);

        Assert.Equal(PostgresRemovedImportLog.TombstoneReason, again.RemovedEarlier?.Reason);
        Assert.Equal(new Application.ImportResult(0, 0, 0), again.Rows);
        Assert.Null(await store.GetSessionAsync(SessionId.Parse(id)));
        await using NpgsqlCommand children = dataSource.CreateCommand("SELECT count(*) FROM session_tasks WHERE session_id = $1;");
        children.Parameters.AddWithValue(id);
        Assert.Equal(0L, (long)(await children.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task A_session_whose_transcript_gave_no_import_source_stays_removed_on_SQLite_and_on_PostgreSQL()
    {
        // No cwd, version or gitBranch: the import stores no import.source event; the removal must be remembered all the same.
        string path = Path.Combine(_workspace.Root, "bare", "66666666-6666-4666-8666-666666666666.jsonl");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, """{"type":"user","uuid":"u1","sessionId":"s","timestamp":"2026-11-20T10:00:00Z","message":{"role":"user","content":"prompt"}}""" + "\n");

        using SqliteWorkspaceDatabase database = _workspace.Open();
        var sqlite = new SqliteRunStateStore(database);
        var sqliteImporter = new ClaudeCodeTranscriptImporter(sqlite, new SqliteRemovedImportLog(database));
        string id = (await sqliteImporter.ImportFileAsync(path)).SessionId!;
        Assert.Null(await new SqliteImportSourceReader(database).GetLatestAsync(SessionId.Parse(id)));
        Assert.True(await sqlite.DeleteSessionAsync(SessionId.Parse(id)));

        TranscriptImportReport again = await sqliteImporter.ImportFileAsync(path);

        Assert.Equal("DeleteSessionAsync", again.RemovedEarlier?.Reason);
        Assert.Null(await sqlite.GetSessionAsync(SessionId.Parse(id)));

        string connectionString = await fixture.CreateDatabaseAsync();
        await using NpgsqlDataSource dataSource = NpgsqlDataSource.Create(connectionString);
        await new PostgresMigrator().MigrateAsync(dataSource);
        var postgres = new PostgresRunStateStore(dataSource, "pg_test");
        var postgresImporter = new ClaudeCodeTranscriptImporter(postgres, new PostgresRemovedImportLog(dataSource, "postgresql://test"));
        Assert.Equal(id, (await postgresImporter.ImportFileAsync(path)).SessionId);
        Assert.True(await postgres.DeleteSessionAsync(SessionId.Parse(id)));

        TranscriptImportReport onPostgres = await postgresImporter.ImportFileAsync(path);

        Assert.Equal(PostgresRemovedImportLog.TombstoneReason, onPostgres.RemovedEarlier?.Reason);
        Assert.Null(await postgres.GetSessionAsync(SessionId.Parse(id)));
    }

    /// <summary>Dates a session's deletion record a day before this workspace's migration 1.9.0: a deletion by an older acode.</summary>
    internal const string BeforeUpgradeSql = """
        UPDATE outbox SET created_at = strftime('%Y-%m-%dT%H:%M:%S.0000000Z', (SELECT applied_at FROM schema_version WHERE version = '1.9.0'), '-1 day')
        WHERE entity_id = $id AND operation = 'Delete';
        """;

    public void Dispose() => _workspace.Dispose();
}
