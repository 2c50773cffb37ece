using System.Text.RegularExpressions;
using Acode.Application.Errors;
using Acode.Infrastructure.Migrations;
using Acode.Infrastructure.Sqlite;
using Acode.Infrastructure.Tests.Support;
using Acode.Testing;
using Microsoft.Data.Sqlite;

namespace Acode.Infrastructure.Tests.Migrations;

/// <summary>Schema migrations on real files: journal rows, idempotence, checksums, rollback, refusal of newer schemas.</summary>
public sealed partial class SqliteMigratorTests : IDisposable
{
    private static readonly Migration Initial = MigrationCatalog.For(MigrationCatalog.Sqlite)[0];

    private readonly TempWorkspace _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    [Trait("AC", "AC-009")]
    public void Schema_version_records_version_name_checksum_and_applied_at()
    {
        DateTimeOffset before = DateTimeOffset.UtcNow.AddSeconds(-1);
        using (_temp.Open())
        {
        }

        DateTimeOffset after = DateTimeOffset.UtcNow.AddSeconds(1);

        Assert.Equal(["version TEXT", "name TEXT", "checksum TEXT", "applied_at TEXT"],
            SqliteProbe.Rows(_temp.DatabasePath, "SELECT name || ' ' || type AS c FROM pragma_table_info('schema_version') ORDER BY cid;").Select(r => r["c"]));
        List<Dictionary<string, object?>> rows = [.. SqliteProbe.Rows(_temp.DatabasePath, "SELECT * FROM schema_version;").OrderBy(r => Version.Parse((string)r["version"]!))]; // 1.10.0 after 1.9.0, not as text
        Assert.Equal(ShippedSchema.Sqlite.Select(m => (object?)m.VersionText), rows.Select(r => r["version"]));
        Dictionary<string, object?> row = rows[0];
        Assert.Equal("1.0.0", row["version"]);
        Assert.Equal("InitialSchema", row["name"]);
        Assert.Equal(Initial.Checksum, row["checksum"]);
        Assert.Matches(Sha256Hex(), (string)row["checksum"]!);
        Assert.InRange(Acode.Application.Serialization.UtcTimestamp.Parse((string)row["applied_at"]!), before, after);
    }

    [Fact]
    [Trait("AC", "AC-011")]
    [Trait("AC", "AC-012")]
    public void Migrate_twice_is_a_no_op()
    {
        using SqliteConnection connection = OpenEmptyDatabase();
        var migrator = new SqliteMigrator([Initial, AddNotes()]);

        IReadOnlyList<Migration> first = migrator.Migrate(connection);
        List<Dictionary<string, object?>> journal = SqliteProbe.Rows(connection, "SELECT * FROM schema_version ORDER BY version;");
        string schema = (string)SqliteProbe.Scalar(connection, "SELECT group_concat(sql, ';') FROM sqlite_schema;")!;
        IReadOnlyList<Migration> second = migrator.Migrate(connection);

        Assert.Equal(["V1_0_0_InitialSchema", "V1_1_0_AddNotes"], first.Select(m => m.Id));
        Assert.Empty(second);
        Assert.Equal(journal, SqliteProbe.Rows(connection, "SELECT * FROM schema_version ORDER BY version;"));
        Assert.Equal(schema, SqliteProbe.Scalar(connection, "SELECT group_concat(sql, ';') FROM sqlite_schema;"));
        Assert.Equal(1, SqliteProbe.Count(_temp.DatabasePath, "SELECT count(*) FROM workspace;"));
    }

    [Fact]
    [Trait("AC", "AC-012")]
    public async Task Open_twice_applies_nothing_the_second_time()
    {
        using (_temp.Open())
        {
        }

        string applied = (string)SqliteProbe.Scalar(_temp.DatabasePath, "SELECT group_concat(applied_at) FROM (SELECT applied_at FROM schema_version ORDER BY version);")!;
        using (SqliteWorkspaceDatabase again = _temp.Open())
        {
            Assert.Empty(await again.MigrateAsync());
        }

        Assert.Equal(applied, SqliteProbe.Scalar(_temp.DatabasePath, "SELECT group_concat(applied_at) FROM (SELECT applied_at FROM schema_version ORDER BY version);"));
        Assert.Equal(ShippedSchema.Sqlite.Count, SqliteProbe.Count(_temp.DatabasePath, "SELECT count(*) FROM schema_version;"));
    }

    [Fact]
    [Trait("AC", "AC-012")]
    public void Open_refuses_a_database_whose_applied_migration_was_edited()
    {
        using (_temp.Open(migrations: [Initial, AddNotes()]))
        {
        }

        Migration edited = AddNotes("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT) STRICT;");
        var error = Assert.Throws<AcodeDbException>(() => _temp.Open(migrations: [Initial, edited]));

        Assert.Equal(AcodeErrorCode.MigrationFailed, error.ErrorCode);
        Assert.Equal("ACODE-DB-003", error.Code);
        Assert.Contains("V1_1_0_AddNotes", error.Message, StringComparison.Ordinal);
        Assert.Contains("changed after it was applied", error.Message, StringComparison.Ordinal);
        Assert.Equal(["id"], SqliteProbe.Columns(_temp.DatabasePath, "notes"));
    }

    [Fact]
    [Trait("AC", "AC-012")]
    public void Checksum_ignores_line_ending_differences_only()
    {
        Migration unix = AddNotes("CREATE TABLE a (x INTEGER) STRICT;\nCREATE TABLE b (y INTEGER) STRICT;\n");
        Migration windows = AddNotes("CREATE TABLE a (x INTEGER) STRICT;\r\nCREATE TABLE b (y INTEGER) STRICT;\r\n");
        Migration edited = AddNotes("CREATE TABLE a (x INTEGER) STRICT;\nCREATE TABLE b (z INTEGER) STRICT;\n");

        Assert.Equal(unix.Checksum, windows.Checksum);
        Assert.NotEqual(unix.Checksum, edited.Checksum);
    }

    [Fact]
    [Trait("AC", "AC-013")]
    public void A_failing_migration_rolls_back_halts_start_up_and_leaves_the_last_good_version()
    {
        var failing = new Migration(new Version(1, 1, 0), "Broken", "CREATE TABLE t (x INTEGER) STRICT; SELECT * FROM no_such_table;");

        var error = Assert.Throws<AcodeDbException>(() => _temp.Open(migrations: [Initial, failing]));

        Assert.Equal(AcodeErrorCode.MigrationFailed, error.ErrorCode);
        Assert.Equal("ACODE-DB-003", error.Code);
        Assert.Contains("V1_1_0_Broken", error.Message, StringComparison.Ordinal);
        Assert.Contains("still at version 1.0.0", error.Message, StringComparison.Ordinal);
        Assert.IsType<SqliteException>(error.InnerException);
        Assert.Equal("1.0.0", SqliteProbe.Scalar(_temp.DatabasePath, "SELECT group_concat(version) FROM schema_version;"));
        Assert.Equal(0, SqliteProbe.Count(_temp.DatabasePath, "SELECT count(*) FROM sqlite_schema WHERE name = 't';"));
        using SqliteWorkspaceDatabase lastGood = _temp.Open(migrations: [Initial]);
        Assert.Equal("1.0.0", lastGood.GetMigrationStatus().CurrentText);
    }

    [Fact]
    [Trait("AC", "AC-013")]
    [Trait("AC", "AC-012")]
    public void Each_migration_commits_on_its_own_so_a_later_failure_keeps_the_earlier_ones()
    {
        var broken = new Migration(new Version(1, 2, 0), "Broken", "CREATE TABLE t (x INTEGER) STRICT; INSERT INTO t VALUES ('not an integer');");

        Assert.Throws<AcodeDbException>(() => _temp.Open(migrations: [Initial, AddNotes(), broken]));

        Assert.Equal("1.0.0,1.1.0", SqliteProbe.Scalar(_temp.DatabasePath, "SELECT group_concat(version) FROM (SELECT version FROM schema_version ORDER BY version);"));
        Assert.Equal(1, SqliteProbe.Count(_temp.DatabasePath, "SELECT count(*) FROM sqlite_schema WHERE name = 'notes';"));
        Assert.Equal(0, SqliteProbe.Count(_temp.DatabasePath, "SELECT count(*) FROM sqlite_schema WHERE name = 't';"));
    }

    [Fact]
    [Trait("AC", "AC-013")]
    public void Open_refuses_a_database_newer_than_the_program_and_leaves_the_file_unchanged()
    {
        using (_temp.Open())
        {
        }

        SqliteProbe.Execute(_temp.DatabasePath, "INSERT INTO schema_version VALUES ('9.0.0', 'FromTheFuture', 'abc', '2030-01-01T00:00:00.0000000Z');");
        Assert.False(File.Exists(_temp.WalPath), "precondition: the probe's close checkpointed the WAL");
        string before = _temp.HashDatabaseFile();

        var error = Assert.Throws<AcodeDbException>(() => _temp.Open());

        Assert.Equal(AcodeErrorCode.SchemaTooNew, error.ErrorCode);
        Assert.Equal("ACODE-DB-004", error.Code);
        Assert.Contains("9.0.0", error.Message, StringComparison.Ordinal);
        Assert.Contains($"latest {ShippedSchema.Latest}", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, _temp.HashDatabaseFile());
        Assert.Equal(ShippedSchema.Sqlite.Count + 1, SqliteProbe.Count(_temp.DatabasePath, "SELECT count(*) FROM schema_version;"));
    }

    [Fact]
    [Trait("AC", "AC-011")]
    public async Task Several_processes_opening_a_fresh_workspace_at_once_apply_each_migration_once()
    {
        Task[] openers = Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            using SqliteWorkspaceDatabase db = _temp.Open();
            Assert.NotNull(db.WorkspaceId);
        })).ToArray();
        await Task.WhenAll(openers).WaitAsync(TimeSpan.FromSeconds(120));

        Assert.Equal(ShippedSchema.Sqlite.Count, SqliteProbe.Count(_temp.DatabasePath, "SELECT count(*) FROM schema_version;"));
        Assert.Equal(1, SqliteProbe.Count(_temp.DatabasePath, "SELECT count(*) FROM workspace;"));
        Assert.Equal("wal", SqliteProbe.Scalar(_temp.DatabasePath, "PRAGMA journal_mode;"));
    }

    [GeneratedRegex("^[0-9a-f]{64}$")]
    private static partial Regex Sha256Hex();

    private static Migration AddNotes(string script = "CREATE TABLE notes (id INTEGER PRIMARY KEY) STRICT;")
        => new(new Version(1, 1, 0), "AddNotes", script);

    private SqliteConnection OpenEmptyDatabase()
    {
        Directory.CreateDirectory(_temp.Workspace.AgentDirectory);
        var connection = new SqliteConnection($"Data Source={_temp.DatabasePath};Pooling=False");
        connection.Open();
        return connection;
    }
}
