using Acode.Application.Errors;
using Acode.Infrastructure.Migrations;
using Acode.Infrastructure.Postgres;
using Acode.Testing;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Acode.Infrastructure.Tests.Postgres;

[Collection(PostgresFixture.CollectionName)]
public sealed class PostgresMigratorTests(PostgresFixture fixture) : IAsyncLifetime
{
    private static readonly string[] MirrorTables = ["artifacts", "session_events", "session_tasks", "sessions", "steps", "tool_calls"];
    private static readonly string[] AllTables = ["artifacts", "blobs", "schema_version", "session_events", "session_tasks", "sessions", "steps", "sync_applied", "sync_conflicts", "sync_maintenance", "tool_calls", "workspaces"];
    private static readonly string[] SyncColumns = ["document", "hlc", "origin", "synced_at"];

    /// <summary>Restricts an <c>information_schema.columns</c> query to tables: the views of 1.4.0 (live_*) repeat the mirror's columns.</summary>
    private const string BaseTables = " AND table_name IN (SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE')";

    private const string Text = "text";
    private const string BigInt = "bigint";
    private const string TimestampTz = "timestamp with time zone";
    private const string Jsonb = "jsonb";

    private static readonly Dictionary<string, Dictionary<string, string>> ExpectedTypes = new()
    {
        ["sessions"] = Columns(("id", Text), ("title", Text), ("goal", Text), ("state", Text), ("version", BigInt), ("created_at", TimestampTz), ("updated_at", TimestampTz), ("deleted_at", TimestampTz), ("deleted_by", Text), ("created_origin", Text)),
        ["session_tasks"] = Columns(("id", Text), ("session_id", Text), ("ordinal", BigInt), ("title", Text), ("description", Text), ("state", Text), ("started_at", TimestampTz), ("completed_at", TimestampTz), ("version", BigInt), ("created_at", TimestampTz), ("updated_at", TimestampTz)),
        ["steps"] = Columns(("id", Text), ("session_id", Text), ("task_id", Text), ("ordinal", BigInt), ("title", Text), ("description", Text), ("state", Text), ("started_at", TimestampTz), ("completed_at", TimestampTz), ("version", BigInt), ("created_at", TimestampTz), ("updated_at", TimestampTz)),
        ["tool_calls"] = Columns(("id", Text), ("session_id", Text), ("step_id", Text), ("tool_name", Text), ("arguments", Jsonb), ("arguments_blob", Text), ("status", Text), ("result", Text), ("result_blob", Text), ("error", Text), ("started_at", TimestampTz), ("completed_at", TimestampTz), ("duration_ticks", BigInt), ("version", BigInt), ("created_at", TimestampTz), ("updated_at", TimestampTz)),
        ["artifacts"] = Columns(("id", Text), ("session_id", Text), ("step_id", Text), ("tool_call_id", Text), ("name", Text), ("kind", Text), ("media_type", Text), ("size", BigInt), ("content_hash", Text), ("content", "bytea"), ("content_blob", Text), ("version", BigInt), ("created_at", TimestampTz), ("updated_at", TimestampTz)),
        ["session_events"] = Columns(("id", Text), ("session_id", Text), ("sequence", BigInt), ("type", Text), ("payload", Jsonb), ("version", BigInt), ("created_at", TimestampTz), ("updated_at", TimestampTz)),
        ["sync_applied"] = Columns(("idempotency_key", Text), ("entity_type", Text), ("entity_id", Text), ("origin", Text), ("outcome", Text), ("applied_at", TimestampTz)),
        ["sync_conflicts"] = Columns(("id", BigInt), ("entity_type", Text), ("entity_id", Text), ("session_id", Text), ("incoming_key", Text), ("incoming_origin", Text), ("incoming_base_version", BigInt), ("incoming_version", BigInt), ("incoming_hlc", BigInt), ("incoming_payload", Jsonb), ("existing_origin", Text), ("existing_version", BigInt), ("existing_hlc", BigInt), ("existing_payload", Jsonb), ("winner", Text), ("detected_at", TimestampTz)),
        ["workspaces"] = Columns(("id", Text), ("name", Text), ("acode_version", Text), ("outbox_retention_days", "integer"), ("first_sync_at", TimestampTz), ("last_sync_at", TimestampTz)),
        ["sync_maintenance"] = Columns(("task", Text), ("last_run_at", TimestampTz), ("last_result", Text)),
        ["blobs"] = Columns(("hash", Text), ("codec", Text), ("raw_length", BigInt), ("content", "bytea"), ("created_at", TimestampTz), ("search_words", "tsvector"), ("search_lossy", "boolean")),
        ["schema_version"] = Columns(("version", Text), ("name", Text), ("checksum", Text), ("applied_at", TimestampTz)),
    };

    private string _connectionString = string.Empty;
    private NpgsqlDataSource _dataSource = null!;

    public async Task InitializeAsync()
    {
        _connectionString = await fixture.CreateDatabaseAsync();
        _dataSource = PostgresDataSourceFactory.Create(PostgresConnectionSettings.Parse(_connectionString, "test"));
    }

    public async Task DisposeAsync() => await _dataSource.DisposeAsync();

    [Fact]
    [Trait("Issue", "msgfix13.1")]
    public async Task A_migration_the_server_refuses_for_a_missing_privilege_is_ACODE_DB_006_rolled_back_and_names_the_fix()
    {
        // The privilege check passes (USAGE and CREATE on the schema), but the migration alters a table another role owns
        // (in a schema of its own: a table beside acode's empty schema would make it no acode database).
        string role = $"acode_mig_{Guid.NewGuid():N}"[..20];
        const string password = "Pw-refused-1";
        await PostgresSql.ExecuteAsync(_connectionString, $"""
            CREATE SCHEMA admin_owned;
            CREATE TABLE admin_owned.owned_by_admin (x bigint);
            CREATE ROLE "{role}" LOGIN PASSWORD '{password}';
            GRANT USAGE, CREATE ON SCHEMA public TO "{role}";
            GRANT USAGE ON SCHEMA admin_owned TO "{role}";
            """);
        Migration[] migrations = [new(new Version(1, 0, 0), "AlterForeign", "CREATE TABLE mine (x bigint);\nALTER TABLE admin_owned.owned_by_admin ADD COLUMN y bigint;")];
        await using NpgsqlDataSource asRole = PostgresDataSourceFactory.Create(PostgresConnectionSettings.Parse(PostgresSql.As(_connectionString, role, password), "test"));

        AcodeDbException refused = await Assert.ThrowsAsync<AcodeDbException>(() => new PostgresMigrator(migrations).MigrateAsync(asRole));

        Assert.Equal(AcodeErrorCode.PostgresUnavailable, refused.ErrorCode);
        Assert.Contains("refused what acode needs to apply migration V1_0_0_AlterForeign: ", refused.Message, StringComparison.Ordinal);
        Assert.Contains("The migration was rolled back; the database is still at version none (empty database). To fix it: ", refused.Message, StringComparison.Ordinal);
        Assert.Contains($"role \"{role}\" does not own table owned_by_admin", refused.Message, StringComparison.Ordinal);
        Assert.Contains($"OWNER TO \"{role}\";", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(password, refused.Message + refused.Hint, StringComparison.Ordinal);
        Assert.Equal(0, await PostgresSql.CountAsync(_connectionString, "SELECT count(*) FROM pg_tables WHERE tablename IN ('mine', 'schema_version')"));
    }

    [Fact]
    [Trait("Issue", "msgfix13.1")]
    public async Task A_role_without_CREATE_gets_ACODE_DB_006_before_the_first_migration_and_the_applicable_status_says_so()
    {
        string role = $"acode_mig_{Guid.NewGuid():N}"[..20];
        const string password = "Pw-refused-2";
        await PostgresSql.ExecuteAsync(_connectionString, $"""
            REVOKE CREATE ON SCHEMA public FROM PUBLIC;
            CREATE ROLE "{role}" LOGIN PASSWORD '{password}';
            """);
        await using NpgsqlDataSource asRole = PostgresDataSourceFactory.Create(PostgresConnectionSettings.Parse(PostgresSql.As(_connectionString, role, password), "test"));
        var migrator = new PostgresMigrator();

        MigrationStatus status = await migrator.GetStatusAsync(asRole); // what is pending, as before
        AcodeDbException checkedFirst = await Assert.ThrowsAsync<AcodeDbException>(() => migrator.GetApplicableStatusAsync(asRole));
        AcodeDbException migrating = await Assert.ThrowsAsync<AcodeDbException>(() => migrator.MigrateAsync(asRole));

        Assert.NotEmpty(status.Pending);
        foreach (AcodeDbException refused in new[] { checkedFirst, migrating })
        {
            Assert.Equal(AcodeErrorCode.PostgresUnavailable, refused.ErrorCode);
            Assert.Contains($"role \"{role}\" lacks CREATE on schema public", refused.Message, StringComparison.Ordinal);
            Assert.Contains($"GRANT USAGE, CREATE ON SCHEMA \"public\" TO \"{role}\";", refused.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    [Trait("Issue", "trialAT.2")]
    public async Task A_writer_role_that_does_not_own_acodes_objects_is_told_before_a_pending_migration_that_alters_them()
    {
        // The team's tables were created by their owner; acode's everyday role may read and write them, with CREATE on the
        // schema, but a migration that alters a function or a table needs its owner: the dry run's check must say so, not
        // pass it and let the migration fail on each object in turn (trial AT 2).
        IReadOnlyList<Migration> all = ShippedSchema.Postgres;
        await new PostgresMigrator([.. all.Take(all.Count - 1)]).MigrateAsync(_dataSource);
        string role = $"acode_wr_{Guid.NewGuid():N}"[..20];
        const string password = "Pw-writer-3";
        await PostgresSql.ExecuteAsync(_connectionString, $"""
            CREATE ROLE "{role}" LOGIN PASSWORD '{password}';
            GRANT USAGE, CREATE ON SCHEMA public TO "{role}";
            GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO "{role}";
            GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO "{role}";
            """);
        await using NpgsqlDataSource asRole = PostgresDataSourceFactory.Create(PostgresConnectionSettings.Parse(PostgresSql.As(_connectionString, role, password), "test"));
        var migrator = new PostgresMigrator();

        Assert.Single((await migrator.GetStatusAsync(asRole)).Pending); // the writer's everyday check passes
        AcodeDbException checkedFirst = await Assert.ThrowsAsync<AcodeDbException>(() => migrator.GetApplicableStatusAsync(asRole));
        AcodeDbException migrating = await Assert.ThrowsAsync<AcodeDbException>(() => migrator.MigrateAsync(asRole));

        foreach (AcodeDbException refused in new[] { checkedFirst, migrating })
        {
            Assert.Equal(AcodeErrorCode.PostgresUnavailable, refused.ErrorCode);
            Assert.Contains($"role \"{role}\" lacks the ownership of function acode_argument_words, ", refused.Message, StringComparison.Ordinal);
            Assert.Contains("function acode_json_text", refused.Message, StringComparison.Ordinal);
            Assert.Contains("Run 'acode db migrate' once as the role that owns acode's tables and functions", refused.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(password, refused.Message + refused.Hint, StringComparison.Ordinal);
        }

        Assert.Equal(all[^2].VersionText, (await migrator.GetStatusAsync(_dataSource)).CurrentText);
        Assert.Single(await new PostgresMigrator().MigrateAsync(_dataSource)); // the owner applies it
        Assert.Empty((await migrator.GetApplicableStatusAsync(asRole)).Pending); // and the writer goes on
    }

    [Fact]
    [Trait("AC", "AC-010")]
    public void The_same_migration_versions_exist_for_SQLite_and_PostgreSQL()
    {
        IReadOnlyList<Migration> sqlite = MigrationCatalog.For(MigrationCatalog.Sqlite);
        IReadOnlyList<Migration> postgres = MigrationCatalog.For(MigrationCatalog.Postgres);

        Assert.NotEmpty(postgres);
        Assert.Equal(sqlite.Select(m => m.Id), postgres.Select(m => m.Id));
        Assert.Equal(new SqliteMigrator().Latest, new PostgresMigrator().Latest);
    }

    [Fact]
    [Trait("AC", "AC-026")]
    [Trait("AC", "AC-011")]
    public async Task MigrateAsync_creates_the_mirror_and_sync_tables_and_records_the_version()
    {
        IReadOnlyList<Migration> applied = await new PostgresMigrator().MigrateAsync(_dataSource);

        Assert.Equal(MigrationCatalog.For(MigrationCatalog.Postgres).Select(m => m.Id), applied.Select(m => m.Id));
        Assert.Equal(AllTables, await Strings("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name;"));
        Assert.Equal(ShippedSchema.Postgres.Select(m => $"{m.VersionText}|{m.Name}|{m.Checksum}"),
            await Strings("SELECT version || '|' || name || '|' || checksum FROM schema_version ORDER BY string_to_array(version, '.')::int[];"));
        Assert.Equal("1.0.0|InitialSchema", (await Strings("SELECT version || '|' || name FROM schema_version ORDER BY version;"))[0]);
        Assert.Equal(ShippedSchema.Sqlite.Select(m => m.Id), ShippedSchema.Postgres.Select(m => m.Id));
    }

    [Fact]
    [Trait("AC", "AC-026")]
    public async Task Every_column_has_the_expected_PostgreSQL_type()
    {
        await new PostgresMigrator().MigrateAsync(_dataSource);

        foreach ((string table, Dictionary<string, string> columns) in ExpectedTypes)
        {
            var expected = new Dictionary<string, string>(columns, StringComparer.Ordinal);
            Dictionary<string, string> actual = (await Strings($"SELECT column_name || '=' || data_type FROM information_schema.columns WHERE table_schema = 'public' AND table_name = '{table}';"))
                .Select(s => s.Split('=')).ToDictionary(p => p[0], p => p[1]);
            if (MirrorTables.Contains(table))
            {
                expected["hlc"] = BigInt;
                expected["origin"] = Text;
                expected["document"] = Jsonb;
                expected["synced_at"] = TimestampTz;
            }

            Assert.Equal(expected.OrderBy(p => p.Key), actual.OrderBy(p => p.Key));
        }
    }

    [Fact]
    [Trait("AC", "AC-026")]
    public async Task The_mirror_tables_have_the_SQLite_columns_plus_the_sync_columns()
    {
        await new PostgresMigrator().MigrateAsync(_dataSource);
        using var sqlite = new SqliteConnection("Data Source=:memory:");
        sqlite.Open();
        new SqliteMigrator().Migrate(sqlite);

        foreach (string table in MirrorTables)
        {
            var expected = new SortedSet<string>(SqliteColumns(sqlite, table), StringComparer.Ordinal);
            expected.UnionWith(SyncColumns);
            if (table == "sessions")
            {
                expected.Add("deleted_at"); // the tombstone of a deleted session
                expected.Add("deleted_by"); // the workspace that deleted it first (1.19.0)
                expected.Add("created_origin"); // the workspace the session was first delivered from (1.4.0)
            }

            List<string> actual = await Strings($"SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = '{table}' ORDER BY column_name COLLATE \"C\";");
            Assert.Equal(expected, actual);
        }
    }

    [Fact]
    [Trait("AC", "AC-026")]
    public async Task The_mirror_has_no_foreign_keys_and_the_sync_columns_are_required()
    {
        await new PostgresMigrator().MigrateAsync(_dataSource);

        Assert.Empty(await Strings("SELECT constraint_name FROM information_schema.table_constraints WHERE table_schema = 'public' AND constraint_type = 'FOREIGN KEY';"));
        Assert.Empty(await Strings("SELECT table_name || '.' || column_name FROM information_schema.columns WHERE table_schema = 'public' AND column_name IN ('hlc', 'origin', 'document', 'synced_at') AND is_nullable = 'YES'" + BaseTables + ";"));
        Assert.Equal(MirrorTables.Length, (await Strings("SELECT table_name FROM information_schema.columns WHERE table_schema = 'public' AND column_name = 'hlc'" + BaseTables + ";")).Count);
    }

    [Fact]
    [Trait("AC", "AC-058")]
    public async Task An_unreachable_server_is_ACODE_DB_006_not_a_migration_failure()
    {
        var dead = new NpgsqlConnectionStringBuilder(_connectionString) { Port = PostgresErrorMapperTests.FreePort(), Timeout = 2 };
        await using NpgsqlDataSource source = PostgresDataSourceFactory.Create(PostgresConnectionSettings.Parse(dead.ConnectionString, "test"));

        AcodeDbException ex = await Assert.ThrowsAsync<AcodeDbException>(() => new PostgresMigrator().MigrateAsync(source));

        Assert.Equal(AcodeErrorCode.PostgresUnavailable, ex.ErrorCode);
        Assert.DoesNotContain(fixture.Server.Password, ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_reader_of_an_unreachable_server_is_told_that_nothing_was_read_not_that_a_sync_resumes()
    {
        var dead = new NpgsqlConnectionStringBuilder(_connectionString) { Port = PostgresErrorMapperTests.FreePort(), Timeout = 2 };
        await using NpgsqlDataSource source = PostgresDataSourceFactory.Create(PostgresConnectionSettings.Parse(dead.ConnectionString, "test"));

        AcodeDbException read = await Assert.ThrowsAsync<AcodeDbException>(() => new PostgresMigrator().GetReadStatusAsync(source));
        AcodeDbException status = await Assert.ThrowsAsync<AcodeDbException>(() => new PostgresMigrator().GetStatusAsync(source));

        Assert.Equal(AcodeErrorCode.PostgresUnavailable, read.ErrorCode);
        Assert.Equal(status.Message, read.Message);
        Assert.StartsWith("Nothing was read or changed. Try again once PostgreSQL answers", read.Hint, StringComparison.Ordinal);
        Assert.DoesNotContain("sync resumes", read.Hint, StringComparison.Ordinal);
        Assert.Contains("sync resumes by itself", status.Hint, StringComparison.Ordinal); // the sync's own status keeps the sync's advice
    }

    private static Dictionary<string, string> Columns(params (string Name, string Type)[] columns)
        => columns.ToDictionary(c => c.Name, c => c.Type, StringComparer.Ordinal);

    private static List<string> SqliteColumns(SqliteConnection connection, string table)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "SELECT name FROM pragma_table_info($table);";
        command.Parameters.AddWithValue("$table", table);
        using SqliteDataReader reader = command.ExecuteReader();
        var names = new List<string>();
        while (reader.Read())
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }

    private async Task<List<string>> Strings(string sql)
    {
        await using NpgsqlConnection connection = await _dataSource.OpenConnectionAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using NpgsqlDataReader reader = await command.ExecuteReaderAsync();
        var values = new List<string>();
        while (await reader.ReadAsync())
        {
            values.Add(reader.GetString(0));
        }

        return values;
    }
}
