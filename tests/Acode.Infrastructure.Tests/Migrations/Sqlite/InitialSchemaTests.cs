using System.Text.RegularExpressions;
using Acode.Infrastructure.Sqlite;
using Acode.Infrastructure.Tests.Support;
using Microsoft.Data.Sqlite;

namespace Acode.Infrastructure.Tests.Migrations.Sqlite;

/// <summary>The tables of spec §4 as the latest schema has them, looked at through an independent connection after real saves.</summary>
public sealed partial class InitialSchemaTests : IDisposable
{
    private const int SqliteConstraint = SQLitePCL.raw.SQLITE_CONSTRAINT;

    private readonly TempWorkspace _temp = new();
    private readonly SqliteWorkspaceDatabase _db;
    private readonly SqliteRunStateStore _store;

    public InitialSchemaTests()
    {
        _db = _temp.Open();
        _store = new SqliteRunStateStore(_db);
    }

    public void Dispose()
    {
        _db.Dispose();
        _temp.Dispose();
    }

    [Fact]
    [Trait("AC", "AC-015")]
    public async Task Sessions_table_has_its_columns_and_holds_saved_sessions()
    {
        AssertColumns("sessions", "id TEXT", "title TEXT", "goal TEXT", "state TEXT", "version INTEGER", "created_at TEXT", "updated_at TEXT");
        Session session = TestSessions.Rich("the title");
        await _store.SaveAsync(session);

        Dictionary<string, object?> row = Assert.Single(SqliteProbe.Rows(_temp.DatabasePath, "SELECT * FROM sessions;"));

        Assert.Equal(session.Id.Value, row["id"]);
        Assert.Equal("the title", row["title"]);
        Assert.Equal("Make the build green", row["goal"]);
        Assert.Equal("Executing", row["state"]);
        Assert.Equal(1L, row["version"]);
    }

    [Fact]
    [Trait("AC", "AC-016")]
    public async Task Session_events_table_has_its_columns_and_holds_the_event_log()
    {
        AssertColumns("session_events", "id TEXT", "session_id TEXT", "sequence INTEGER", "type TEXT", "payload TEXT", "version INTEGER", "created_at TEXT", "updated_at TEXT");
        AssertCascadesFrom("session_events", ("session_id", "sessions"));
        Session session = TestSessions.Rich();
        await _store.SaveAsync(session);

        List<Dictionary<string, object?>> rows = SqliteProbe.Rows(_temp.DatabasePath, "SELECT session_id, sequence, type FROM session_events ORDER BY sequence;");

        Assert.Equal(Enumerable.Range(1, (int)session.LastEventSequence).Select(i => (long)i), rows.Select(r => (long)r["sequence"]!));
        Assert.All(rows, r => Assert.Equal(session.Id.Value, r["session_id"]));
        Assert.Equal("session.created", rows[0]["type"]);
        Assert.Throws<SqliteException>(() => InsertWithForeignKeys(
            $"INSERT INTO session_events VALUES ('evt_x', '{session.Id.Value}', 1, 'dup', '{{}}', 1, 'a', 'a');"));
    }

    [Fact]
    [Trait("AC", "AC-017")]
    public async Task Session_tasks_table_has_its_columns_and_holds_tasks()
    {
        AssertColumns("session_tasks", "id TEXT", "session_id TEXT", "ordinal INTEGER", "title TEXT", "description TEXT", "state TEXT", "started_at TEXT", "completed_at TEXT", "version INTEGER", "created_at TEXT", "updated_at TEXT");
        AssertCascadesFrom("session_tasks", ("session_id", "sessions"));
        Session session = TestSessions.Rich();
        await _store.SaveAsync(session);

        List<Dictionary<string, object?>> rows = SqliteProbe.Rows(_temp.DatabasePath, "SELECT id, ordinal, title, state FROM session_tasks ORDER BY ordinal;");

        Assert.Equal(session.Tasks.Select(t => t.Id.Value), rows.Select(r => r["id"]));
        Assert.Equal(["Read the code", "Fix the build"], rows.Select(r => r["title"]));
        Assert.Equal(["Running", "Pending"], rows.Select(r => r["state"]));
    }

    [Fact]
    [Trait("AC", "AC-018")]
    public async Task Steps_table_has_its_columns_and_holds_steps()
    {
        AssertColumns("steps", "id TEXT", "session_id TEXT", "task_id TEXT", "ordinal INTEGER", "title TEXT", "description TEXT", "state TEXT", "started_at TEXT", "completed_at TEXT", "version INTEGER", "created_at TEXT", "updated_at TEXT");
        AssertCascadesFrom("steps", ("session_id", "sessions"), ("task_id", "session_tasks"));
        Session session = TestSessions.Rich();
        await _store.SaveAsync(session);

        List<Dictionary<string, object?>> rows = SqliteProbe.Rows(_temp.DatabasePath, "SELECT id, task_id, state, started_at, completed_at FROM steps ORDER BY id;");

        Assert.Equal(session.Tasks.SelectMany(t => t.Steps).Select(s => s.Id.Value), rows.Select(r => r["id"]));
        Assert.Equal(session.Tasks[0].Id.Value, rows[0]["task_id"]);
        Assert.Equal(["Completed", "Failed", "Pending"], rows.Select(r => r["state"]));
        Assert.NotNull(rows[0]["completed_at"]);
        Assert.Null(rows[2]["started_at"]);
    }

    [Fact]
    [Trait("AC", "AC-019")]
    public async Task Tool_calls_table_has_its_columns_and_holds_tool_calls()
    {
        AssertColumns("tool_calls", "id TEXT", "session_id TEXT", "step_id TEXT", "tool_name TEXT", "arguments TEXT", "status TEXT", "result TEXT", "error TEXT", "started_at TEXT", "completed_at TEXT", "duration_ticks INTEGER", "version INTEGER", "created_at TEXT", "updated_at TEXT",
            "arguments_blob TEXT", "result_blob TEXT"); // 1.5.0: the blobs holding values above the threshold (docs/storage.md)
        AssertCascadesFrom("tool_calls", ("session_id", "sessions"), ("step_id", "steps"));
        Session session = TestSessions.Rich();
        await _store.SaveAsync(session);

        List<Dictionary<string, object?>> rows = SqliteProbe.Rows(_temp.DatabasePath, "SELECT tool_name, arguments, status, error, duration_ticks FROM tool_calls ORDER BY id;");

        Assert.Equal(["read_file", "run_tests", "shell", "apply_patch"], rows.Select(r => r["tool_name"]));
        Assert.Equal("""{"path":"src/a.cs","lines":[1,2]}""", rows[0]["arguments"]);
        Assert.Equal(["Succeeded", "Succeeded", "Failed", "Pending"], rows.Select(r => r["status"]));
        Assert.Equal("exit code 1", rows[2]["error"]);
        Assert.Equal(TimeSpan.FromMilliseconds(12.3456).Ticks, rows[0]["duration_ticks"]);
        Assert.Null(rows[3]["duration_ticks"]);
    }

    [Fact]
    [Trait("AC", "AC-020")]
    public async Task Artifacts_table_has_its_columns_and_holds_artifacts()
    {
        AssertColumns("artifacts", "id TEXT", "session_id TEXT", "step_id TEXT", "tool_call_id TEXT", "name TEXT", "kind TEXT", "media_type TEXT", "size INTEGER", "content_hash TEXT", "content BLOB", "version INTEGER", "created_at TEXT", "updated_at TEXT",
            "content_blob TEXT"); // 1.5.0
        AssertCascadesFrom("artifacts", ("session_id", "sessions"), ("step_id", "steps"), ("tool_call_id", "tool_calls"));
        Session session = TestSessions.Rich();
        await _store.SaveAsync(session);

        List<Dictionary<string, object?>> rows = SqliteProbe.Rows(_temp.DatabasePath, "SELECT name, kind, size, content_hash, content, tool_call_id FROM artifacts ORDER BY id;");

        Assert.Equal(["fix.patch", "empty.bin", "build.log"], rows.Select(r => r["name"]));
        Assert.Equal(TestSessions.AllBytes, rows[0]["content"]);
        Assert.Equal(256L, rows[0]["size"]);
        Assert.Equal(Artifact.HashOf(TestSessions.AllBytes), rows[0]["content_hash"]);
        Assert.Equal(session.Tasks[0].Steps[0].ToolCalls[0].Id.Value, rows[0]["tool_call_id"]);
        Assert.Null(rows[2]["content"]);
        Assert.Equal(123_456L, rows[2]["size"]);
    }

    [Fact]
    [Trait("AC", "AC-021")]
    public async Task Outbox_table_has_its_columns_and_one_record_per_saved_entity()
    {
        AssertColumns("outbox", "id INTEGER", "entity_type TEXT", "entity_id TEXT", "session_id TEXT", "operation TEXT", "base_version INTEGER", "version INTEGER",
            "origin TEXT", "payload TEXT", "status TEXT", "attempts INTEGER", "next_attempt_at TEXT", "last_error TEXT", "lease_owner TEXT", "lease_until TEXT", "created_at TEXT", "updated_at TEXT", "processed_at TEXT",
            "base_hlc INTEGER", "hlc INTEGER", "pruned_before INTEGER", "pruned_states TEXT"); // pruned_*: 1.17.0
        // The idempotency key (AC-029) is a generated column since 1.11.0: derived from entity_type, entity_id and hlc when
        // read (VIRTUAL, hidden 2), never stored; ix_outbox_entity (entity_id, hlc) keeps it unique.
        Assert.Equal(2L, SqliteProbe.Scalar(_temp.DatabasePath, "SELECT hidden FROM pragma_table_xinfo('outbox') WHERE name = 'idempotency_key' AND type = 'TEXT';"));
        Assert.Equal(1L, SqliteProbe.Scalar(_temp.DatabasePath, "SELECT \"unique\" FROM pragma_index_list('outbox') WHERE name = 'ix_outbox_entity';"));
        Assert.Empty(SqliteProbe.Rows(_temp.DatabasePath, "SELECT * FROM pragma_foreign_key_list('outbox');"));
        Session session = TestSessions.Rich();
        int changes = session.PendingChanges.Count;
        await _store.SaveAsync(session);

        Assert.Equal(changes, SqliteProbe.Count(_temp.DatabasePath, "SELECT count(*) FROM outbox WHERE origin = $origin AND session_id = $session;",
            ("$origin", _db.WorkspaceId), ("$session", session.Id.Value)));

        // Retired in 1.2.0 (leases live in outbox_leases): kept, never written.
        Assert.Equal(0, SqliteProbe.Count(_temp.DatabasePath, "SELECT count(*) FROM outbox WHERE lease_owner IS NOT NULL OR lease_until IS NOT NULL;"));
    }

    [Theory]
    [Trait("AC", "AC-015")]
    [Trait("AC", "AC-019")]
    [InlineData("session_tasks", "INSERT INTO session_tasks VALUES ('task_x', 'sess_missing', 1, 't', NULL, 'Pending', NULL, NULL, 1, 'a', 'a');")]
    [InlineData("tool_calls", "INSERT INTO tool_calls VALUES ('tc_x', 'sess_missing', 'step_missing', 'tool', '{}', 'Pending', NULL, NULL, NULL, NULL, NULL, 1, 'a', 'a', NULL, NULL);")]
    [InlineData("artifacts", "INSERT INTO artifacts VALUES ('art_x', 'sess_missing', NULL, NULL, 'n', 'File', 'text/plain', 0, 'h', NULL, 1, 'a', 'a', NULL);")]
    [InlineData("session_events", "INSERT INTO session_events VALUES ('evt_x', 'sess_missing', 1, 't', '{}', 1, 'a', 'a');")]
    public void Foreign_keys_refuse_a_child_of_an_unknown_session(string table, string insert)
    {
        var error = Assert.Throws<SqliteException>(() => InsertWithForeignKeys(insert));

        Assert.Equal(SqliteConstraint, error.SqliteErrorCode);
        Assert.Contains("FOREIGN KEY", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, SqliteProbe.Count(_temp.DatabasePath, $"SELECT count(*) FROM {table};"));
    }

    [Fact]
    [Trait("AC", "AC-019")]
    public async Task Foreign_keys_are_enforced_on_the_stores_own_writer_connection()
    {
        var error = await Assert.ThrowsAsync<SqliteException>(() => _db.WriteAsync((transaction, commands) => commands.Get(
            "INSERT INTO tool_calls VALUES ('tc_x', 'sess_missing', 'step_missing', 'tool', '{}', 'Pending', NULL, NULL, NULL, NULL, NULL, 1, 'a', 'a', NULL, NULL);",
            transaction).ExecuteNonQuery(), CancellationToken.None));

        Assert.Equal(SqliteConstraint, error.SqliteErrorCode);
        Assert.Equal(0, SqliteProbe.Count(_temp.DatabasePath, "SELECT count(*) FROM tool_calls;"));
    }

    [Fact]
    [Trait("AC", "AC-015")]
    public async Task Deleting_a_session_row_cascades_to_all_its_children()
    {
        Session kept = TestSessions.Rich("kept");
        Session deleted = TestSessions.Rich("deleted");
        await _store.SaveAllAsync([kept, deleted]);

        using (SqliteConnection connection = SqliteProbe.Open(_temp.DatabasePath))
        {
            SqliteProbe.Execute(connection, "PRAGMA foreign_keys = ON;");
            Assert.Equal(1, SqliteProbe.Execute(connection, "DELETE FROM sessions WHERE id = $id;", ("$id", deleted.Id.Value)));
        }

        foreach (string table in new[] { "session_tasks", "steps", "tool_calls", "artifacts", "session_events" })
        {
            Assert.Equal(0, SqliteProbe.Count(_temp.DatabasePath, $"SELECT count(*) FROM {table} WHERE session_id = $id;", ("$id", deleted.Id.Value)));
            Assert.True(SqliteProbe.Count(_temp.DatabasePath, $"SELECT count(*) FROM {table} WHERE session_id = $id;", ("$id", kept.Id.Value)) > 0, table);
        }
    }

    [Fact]
    [Trait("AC", "AC-022")]
    public async Task Every_table_has_created_at_and_updated_at_in_the_fixed_width_utc_format()
    {
        Session session = TestSessions.Rich();
        await _store.SaveAsync(session);
        var outbox = new SqliteOutbox(_db);
        await outbox.AcknowledgeAsync("sync", [.. (await outbox.ClaimAsync("sync", 1000, TimeSpan.FromMinutes(1))).Select(r => r.Id)]);
        Assert.NotEmpty(await _store.AdoptRemoteAsync(session.Id, [session])); // delivered, then listed as a pull converging on PostgreSQL lists it (1.16.0)
        await _store.SaveAsync(TestSessions.Rich("to delete"));
        Session toDelete = TestSessions.Rich("deleted");
        toDelete.AppendEvent("import.source", """{"agent":"codex"}"""); // an imported session: its removal is remembered (1.9.0)
        await _store.SaveAsync(toDelete);
        await _store.DeleteSessionAsync(toDelete.Id);
        Assert.NotEmpty(await new SqliteOutbox(_db).ClaimAsync("lease-holder", 2, TimeSpan.FromMinutes(1)));

        // The rule: every table of records has them; blobs (1.5.0) does not. A blob row is a value, not a record: it is
        // named by the SHA-256 of its content, written once and never updated (the same content is the same row, whoever
        // wrote it when), and deleted when no row names it any more; the rows that name it carry their own timestamps.
        // blob_search_entries (1.6.0) is part of that value: the integer key of a blob's full-text index entry, written
        // and deleted with the blob.
        Assert.NotEqual(0, SqliteProbe.Count(_temp.DatabasePath, "SELECT count(*) FROM blobs;")); // the 1 MB log of each session
        Assert.Equal(["codec", "content", "hash", "raw_length"], SqliteProbe.Columns(_temp.DatabasePath, "blobs").Order(StringComparer.Ordinal));
        List<string> tables = SqliteProbe.Rows(_temp.DatabasePath,
            "SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name NOT IN ('schema_version', 'blobs', 'blob_search_entries');")
            .Select(r => (string)r["name"]!).ToList();
        Assert.Equal(13, tables.Count); // 1.3.0 added search_entries (its FTS5 shadow tables are type shadow), 1.9.0 removed_imports, 1.16.0 pulled_versions
        foreach (string table in tables)
        {
            List<string> columns = SqliteProbe.Columns(_temp.DatabasePath, table);
            Assert.Contains("created_at", columns);
            Assert.Contains("updated_at", columns);
            List<Dictionary<string, object?>> rows = SqliteProbe.Rows(_temp.DatabasePath, $"SELECT created_at, updated_at FROM {table};");
            Assert.NotEmpty(rows);
            foreach (Dictionary<string, object?> row in rows)
            {
                Assert.Matches(TimestampFormat(), (string)row["created_at"]!);
                Assert.Matches(TimestampFormat(), (string)row["updated_at"]!);
                Assert.True(string.CompareOrdinal((string)row["created_at"]!, (string)row["updated_at"]!) <= 0, $"{table}: created_at after updated_at");
            }
        }

        Assert.Equal(session.UpdatedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", System.Globalization.CultureInfo.InvariantCulture),
            SqliteProbe.Scalar(_temp.DatabasePath, "SELECT updated_at FROM sessions WHERE id = $id;", ("$id", session.Id.Value)));
    }

    [Fact]
    public void Indexes_exist_for_the_query_paths()
    {
        List<string> indexes = SqliteProbe.Rows(_temp.DatabasePath, "SELECT name FROM sqlite_schema WHERE type = 'index' AND name LIKE 'ix\\_%' ESCAPE '\\';")
            .Select(r => (string)r["name"]!).ToList();

        Assert.Superset(new HashSet<string>(["ix_sessions_updated", "ix_sessions_created", "ix_session_tasks_session", "ix_steps_session", "ix_tool_calls_session", "ix_artifacts_session", "ix_outbox_status", "ix_outbox_entity",
            "ix_tool_calls_arguments_blob", "ix_tool_calls_result_blob", "ix_artifacts_content_blob"]), indexes.ToHashSet());
        Assert.Contains("INDEX ix_sessions_updated", SqliteCli.Run(_temp.DatabasePath, "EXPLAIN QUERY PLAN SELECT id FROM sessions ORDER BY updated_at DESC, id DESC LIMIT 50;"), StringComparison.Ordinal);
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{7}Z$")]
    private static partial Regex TimestampFormat();

    private void AssertColumns(string table, params string[] expected)
    {
        List<string> actual = SqliteProbe.Rows(_temp.DatabasePath, "SELECT name || ' ' || type AS c FROM pragma_table_info($table) ORDER BY cid;", ("$table", table))
            .Select(r => (string)r["c"]!).ToList();
        Assert.Equal(expected, actual);
    }

    private void AssertCascadesFrom(string table, params (string Column, string Parent)[] expected)
    {
        var actual = SqliteProbe.Rows(_temp.DatabasePath, "SELECT \"from\" AS col, \"table\" AS parent, on_delete FROM pragma_foreign_key_list($table) ORDER BY col;", ("$table", table))
            .Select(r => ((string)r["col"]!, (string)r["parent"]!, (string)r["on_delete"]!)).ToList();
        Assert.Equal(expected.OrderBy(e => e.Column, StringComparer.Ordinal).Select(e => (e.Column, e.Parent, "CASCADE")), actual);
    }

    private int InsertWithForeignKeys(string sql)
    {
        using SqliteConnection connection = SqliteProbe.Open(_temp.DatabasePath);
        SqliteProbe.Execute(connection, "PRAGMA foreign_keys = ON;");
        return SqliteProbe.Execute(connection, sql);
    }
}
