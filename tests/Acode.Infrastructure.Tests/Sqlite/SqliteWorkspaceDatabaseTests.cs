using Acode.Application.Errors;
using Acode.Application.Options;
using Acode.Infrastructure.Migrations;
using Acode.Infrastructure.Sqlite;
using Acode.Infrastructure.Tests.Support;
using Acode.Testing;

namespace Acode.Infrastructure.Tests.Sqlite;

public sealed class SqliteWorkspaceDatabaseTests : IDisposable
{
    private static readonly string[] AllTables = ["artifacts", "blob_search_entries", "blobs", "outbox", "outbox_leases", "pulled_versions", "removed_imports", "row_counts", "schema_version", "search_entry_rows", "session_events", "session_tasks", "sessions", "steps", "tool_calls", "workspace"];

    private readonly TempWorkspace _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    [Trait("AC", "AC-004")]
    [Trait("AC", "AC-011")]
    public void Open_creates_the_agent_folder_the_database_and_the_schema_on_first_access()
    {
        Assert.False(Directory.Exists(_temp.Workspace.AgentDirectory));

        using (SqliteWorkspaceDatabase db = _temp.Open())
        {
            Assert.NotNull(db.WorkspaceId);
        }

        Assert.True(Directory.Exists(_temp.Workspace.AgentDirectory));
        Assert.True(File.Exists(_temp.DatabasePath));
        List<string> tables = SqliteProbe.Rows(_temp.DatabasePath, "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT IN (SELECT name FROM pragma_table_list WHERE type IN ('shadow', 'virtual')) ORDER BY name;")
            .Select(r => (string)r["name"]!).ToList();
        Assert.Equal(AllTables, tables);
        Assert.Equal(ShippedSchema.AllVersions, SqliteProbe.Scalar(_temp.DatabasePath, "SELECT group_concat(version) FROM (SELECT version FROM schema_version ORDER BY rowid);"));
    }

    [Fact]
    [Trait("AC", "AC-004")]
    public void Open_creates_the_workspace_root_when_it_does_not_exist_yet()
    {
        var workspace = new Workspace(Path.Combine(_temp.Root, "not", "yet"));

        using (SqliteWorkspaceDatabase.Open(workspace))
        {
        }

        Assert.Equal(ShippedSchema.Sqlite.Count, SqliteProbe.Count(workspace.DatabasePath, "SELECT count(*) FROM schema_version;"));
    }

    [Fact]
    [Trait("AC", "AC-004")]
    public async Task Open_again_keeps_the_data_and_the_workspace_id()
    {
        string? workspaceId;
        SessionId id;
        using (SqliteWorkspaceDatabase db = _temp.Open())
        {
            workspaceId = db.WorkspaceId;
            id = (await new SqliteRunStateStore(db).CreateSessionAsync("kept")).Id;
        }

        using (SqliteWorkspaceDatabase db = _temp.Open())
        {
            Assert.Equal(workspaceId, db.WorkspaceId);
            Assert.StartsWith("ws_", db.WorkspaceId, StringComparison.Ordinal);
        }

        Assert.Equal("kept", SqliteProbe.Scalar(_temp.DatabasePath, "SELECT title FROM sessions WHERE id = $id;", ("$id", id.Value)));
        Assert.Equal(ShippedSchema.Sqlite.Count, SqliteProbe.Count(_temp.DatabasePath, "SELECT count(*) FROM schema_version;"));
    }

    [Fact]
    [Trait("AC", "AC-002")]
    public void Open_puts_the_database_in_wal_mode_as_seen_from_another_connection()
    {
        using SqliteWorkspaceDatabase db = _temp.Open();

        Assert.Equal("wal", SqliteProbe.Scalar(_temp.DatabasePath, "PRAGMA journal_mode;"));
        Assert.Equal("wal", SqliteCli.Run(_temp.DatabasePath, "PRAGMA journal_mode;"));
    }

    [Fact]
    [Trait("AC", "AC-002")]
    public void Open_turns_wal_back_on_when_the_file_was_switched_to_a_rollback_journal()
    {
        using (_temp.Open())
        {
        }

        Assert.Equal("delete", SqliteCli.Run(_temp.DatabasePath, "PRAGMA journal_mode = DELETE;"));

        using SqliteWorkspaceDatabase db = _temp.Open();

        Assert.Equal("wal", SqliteProbe.Scalar(_temp.DatabasePath, "PRAGMA journal_mode;"));
    }

    [Fact]
    [Trait("AC", "AC-003")]
    public void Every_table_is_strict()
    {
        using SqliteWorkspaceDatabase db = _temp.Open();

        List<Dictionary<string, object?>> tables = SqliteProbe.Rows(_temp.DatabasePath,
            "SELECT name, strict FROM pragma_table_list WHERE schema = 'main' AND type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name;");

        Assert.Equal(AllTables, tables.Select(t => (string)t["name"]!));
        Assert.All(tables, t => Assert.True((long)t["strict"]! == 1, $"table {t["name"]} is not STRICT"));
    }

    [Fact]
    [Trait("AC", "AC-003")]
    public void Every_table_refuses_a_value_of_the_wrong_type_as_strict_tables_do()
    {
        using SqliteWorkspaceDatabase db = _temp.Open();

        var error = Assert.Throws<InvalidOperationException>(() => SqliteCli.Run(_temp.DatabasePath,
            "INSERT INTO sessions (id, title, state, version, created_at, updated_at) VALUES ('s', 't', 'Created', 'not a number', 'x', 'x');"));
        Assert.Contains("cannot store TEXT value in INTEGER column", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("AC", "AC-014")]
    public void GetMigrationStatus_reports_the_current_and_latest_versions()
    {
        using SqliteWorkspaceDatabase db = _temp.Open();

        MigrationStatus status = db.GetMigrationStatus();

        Assert.Equal(ShippedSchema.Latest, status.CurrentText);
        Assert.Equal(ShippedSchema.Latest, status.LatestText);
        Assert.Empty(status.Pending);
        Assert.Equal(ShippedSchema.Sqlite.Select(m => m.Name), status.Applied.Select(a => a.Name));
        Assert.Equal("InitialSchema", status.Applied[0].Name);
    }

    [Fact]
    [Trait("AC", "AC-014")]
    public async Task GetMigrationStatus_shows_a_pending_migration_until_MigrateAsync_applies_it()
    {
        using (_temp.Open())
        {
        }

        Migration next = ShippedSchema.NextMigration("AddNotes", "CREATE TABLE notes (id INTEGER PRIMARY KEY, created_at TEXT NOT NULL, updated_at TEXT NOT NULL) STRICT;");
        IReadOnlyList<Migration> migrations = [.. MigrationCatalog.For(MigrationCatalog.Sqlite), next];
        using SqliteWorkspaceDatabase db = _temp.Open(migrations: migrations, migrate: false);

        MigrationStatus before = db.GetMigrationStatus();
        IReadOnlyList<Migration> applied = await db.MigrateAsync();
        MigrationStatus after = db.GetMigrationStatus();

        Assert.Equal((ShippedSchema.Latest, next.VersionText), (before.CurrentText, before.LatestText));
        Assert.Equal(next.Id, Assert.Single(before.Pending).Id);
        Assert.Equal(next.Id, Assert.Single(applied).Id);
        Assert.Equal((next.VersionText, next.VersionText), (after.CurrentText, after.LatestText));
        Assert.Empty(after.Pending);
        Assert.Equal(1, SqliteProbe.Count(_temp.DatabasePath, "SELECT count(*) FROM sqlite_schema WHERE name = 'notes';"));
    }

    [Fact]
    public void GetMigrationStatus_of_a_fresh_file_opened_without_migrating_shows_no_current_version()
    {
        using SqliteWorkspaceDatabase db = _temp.Open(migrate: false);

        MigrationStatus status = db.GetMigrationStatus();

        Assert.Null(status.Current);
        Assert.Equal("none", status.CurrentText);
        Assert.Equal(ShippedSchema.Sqlite.Select(m => m.Id), status.Pending.Select(m => m.Id));
        Assert.Equal("V1_0_0_InitialSchema", status.Pending[0].Id);
        Assert.Null(db.WorkspaceId);
    }

    [Fact]
    public async Task Store_refuses_to_write_to_a_database_opened_without_migrating()
    {
        using SqliteWorkspaceDatabase db = _temp.Open(migrate: false);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(async () => await new SqliteRunStateStore(db).CreateSessionAsync("too early"));

        Assert.Contains("acode db migrate", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("AC", "AC-006")]
    public void Open_rejects_an_out_of_range_busy_timeout_with_InvalidConfiguration()
    {
        var error = Assert.Throws<AcodeDbException>(() => _temp.Open(new SqliteOptions { BusyTimeoutSeconds = 0 }));

        Assert.Equal(AcodeErrorCode.InvalidConfiguration, error.ErrorCode);
        Assert.Equal("ACODE-DB-007", error.Code);
        Assert.Contains("busyTimeoutSeconds", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_temp.Workspace.AgentDirectory));
    }

    [Fact]
    public void Open_applies_the_busy_timeout_and_synchronous_settings_to_its_connections()
    {
        using SqliteWorkspaceDatabase db = _temp.Open(new SqliteOptions { BusyTimeoutSeconds = 7, Synchronous = SqliteSynchronous.Normal });

        using Microsoft.Data.Sqlite.SqliteConnection reader = db.Connections.OpenReader();

        Assert.Equal(7000L, SqliteProbe.Scalar(reader, "PRAGMA busy_timeout;"));
        Assert.Equal(1L, SqliteProbe.Scalar(reader, "PRAGMA synchronous;"));
        Assert.Equal(1L, SqliteProbe.Scalar(reader, "PRAGMA foreign_keys;"));
    }

    [Fact]
    public async Task Dispose_releases_the_database_so_the_last_close_checkpoints_and_removes_the_wal()
    {
        SessionId id;
        using (SqliteWorkspaceDatabase db = _temp.Open())
        {
            var store = new SqliteRunStateStore(db);
            id = (await store.CreateSessionAsync("read me")).Id;
            Assert.NotNull(await store.GetSessionAsync(id));
            Assert.True(File.Exists(_temp.WalPath));
        }

        Assert.False(File.Exists(_temp.WalPath), "a connection of the disposed database still holds the file open");
        Assert.False(File.Exists(_temp.ShmPath));
    }
}
