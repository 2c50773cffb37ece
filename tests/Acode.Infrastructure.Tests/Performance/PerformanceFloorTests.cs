using Acode.Application.Errors;
using Acode.Application.Queries;
using Acode.Application.Sync;
using Acode.Infrastructure.Sqlite;
using Acode.Infrastructure.Tests.Support;
using Acode.Infrastructure.Tests.Sync;
using Acode.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace Acode.Infrastructure.Tests.Performance;

/// <summary>
/// The spec's performance floors (write &lt; 50 ms, read &lt; 10 ms, sync ≥ 100 records/s, page &lt; 100 ms) are measured by the
/// benchmark (bench/, docs/performance.md), never by timed tests. These tests pin down what makes the floors hold whatever
/// the data size: every statement on the save, read and page paths is an index lookup, and sync sends a constant number of
/// statements per batch rather than one per record. The plans checked are those of the statements the store really ran,
/// captured from SQLite as it ran them (<see cref="SqliteWorkspaceDatabase.TraceStatements"/>), never copies of its SQL.
/// </summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class PerformanceFloorTests(PostgresFixture fixture)
{
    [Fact]
    [Trait("AC", "AC-053")]
    public async Task Every_statement_a_write_executes_finds_its_rows_through_an_index()
    {
        using var workspace = new TempWorkspace();
        using SqliteWorkspaceDatabase database = workspace.Open();
        var store = new SqliteRunStateStore(database);
        var executed = new ExecutedStatements();
        using (database.TraceStatements(executed.Add))
        {
            // Every write path of the store: insert a graph, update each kind of row, append both ways (the held
            // session's event finds its number taken and moves), a conflict, an import over and a delete.
            Session session = TestSessions.Rich();
            await store.SaveAsync(session);
            await store.AppendEventAsync(session.Id, "tool.output", """{"line":1}""");
            session.Rename("renamed");
            SessionTask task = session.Tasks[1];
            task.Start();
            task.Steps[0].Start();
            task.Steps[0].ToolCalls[0].Start();
            session.AppendEvent("note");
            await store.SaveAsync(session);
            Session stale = (await store.GetSessionAsync(session.Id))!;
            session.Rename("again");
            await store.SaveAsync(session);
            stale.Rename("stale");
            await Assert.ThrowsAsync<ConcurrencyConflictException>(() => store.SaveAsync(stale));
            Session newer = Session.Restore(session.Id, "imported", null, SessionState.Planning, 0, session.Version + 1, session.CreatedAt, session.UpdatedAt.AddSeconds(1));
            await store.ImportAsync(newer, []);
            await store.DeleteSessionAsync(session.Id);
        }

        using SqliteConnection connection = SqliteProbe.Open(workspace.DatabasePath);
        IReadOnlyList<string> statements = executed.Distinct();
        Assert.All(statements, sql => AssertNoScan(connection, sql));
        foreach (string table in new[] { "sessions", "session_tasks", "steps", "tool_calls", "artifacts", "session_events", "outbox" })
        {
            Assert.Contains(statements, sql => sql.StartsWith($"INSERT INTO {table} ", StringComparison.Ordinal));
        }

        foreach (string table in new[] { "sessions", "session_tasks", "steps", "tool_calls" })
        {
            Assert.Contains(statements, sql => sql.StartsWith($"UPDATE {table} ", StringComparison.Ordinal));
        }

        Assert.Contains(statements, sql => sql.StartsWith("DELETE FROM sessions ", StringComparison.Ordinal));
        string candidatesPlan = Plan(connection, Assert.Single(statements, sql => sql.StartsWith("SELECT json_group_array(hash) FROM blobs", StringComparison.Ordinal)));
        Assert.All(new[] { "ix_tool_calls_arguments_blob", "ix_tool_calls_result_blob", "ix_artifacts_content_blob" },
            index => Assert.Contains($"USING COVERING INDEX {index} ", candidatesPlan, StringComparison.Ordinal));
        string sweepPlan = Plan(connection, Assert.Single(statements, sql => sql.StartsWith("DELETE FROM blobs", StringComparison.Ordinal)));
        Assert.Contains("LIST SUBQUERY", sweepPlan, StringComparison.Ordinal); // the outbox is read once per sweep, not once per blob
        Assert.Contains(statements, sql => sql.Contains("max(sequence)", StringComparison.Ordinal) && !sql.Contains("FROM sessions", StringComparison.Ordinal));
        Assert.Contains(statements, sql => sql.StartsWith("SELECT version, id FROM sessions WHERE id = ", StringComparison.Ordinal));
    }

    [Fact]
    [Trait("AC", "AC-054")]
    public async Task Every_statement_a_read_executes_reads_only_the_session_s_own_rows_through_indexes()
    {
        using var workspace = new TempWorkspace();
        using SqliteWorkspaceDatabase database = workspace.Open();
        var store = new SqliteRunStateStore(database);
        Session saved = TestSessions.Rich();
        await store.SaveAsync(saved);
        await store.SaveAsync(TestSessions.Rich("another"));
        var executed = new ExecutedStatements();
        using (database.TraceStatements(executed.Add))
        {
            Session loaded = (await store.GetSessionAsync(saved.Id))!;
            await store.ReadEventsAsync(loaded, 1, 100);
        }

        using SqliteConnection connection = SqliteProbe.Open(workspace.DatabasePath);
        IReadOnlyList<string> statements = executed.Distinct();
        Assert.All(statements, sql => AssertNoScan(connection, sql));
        foreach (string table in new[] { "sessions", "session_tasks", "steps", "tool_calls", "artifacts", "session_events" })
        {
            Assert.Contains(statements, sql => sql.Contains($"FROM {table} WHERE ", StringComparison.Ordinal) && sql.Contains(saved.Id.Value, StringComparison.Ordinal));
        }
    }

    [Theory]
    [InlineData(SessionSort.UpdatedDescending)]
    [InlineData(SessionSort.CreatedAscending)]
    [Trait("AC", "AC-056")]
    public async Task A_keyset_page_seeks_through_an_index_at_any_depth(SessionSort sort)
    {
        using var workspace = new TempWorkspace();
        using SqliteWorkspaceDatabase database = workspace.Open();
        var store = new SqliteRunStateStore(database);
        for (int i = 0; i < 30; i++)
        {
            await store.CreateSessionAsync($"s{i}");
        }

        Page<SessionSummary> first = await store.QuerySessionsAsync(SessionFilter.All, sort, new PaginationOptions { Limit = 10 });
        var executed = new ExecutedStatements();
        using (database.TraceStatements(executed.Add))
        {
            await store.QuerySessionsAsync(SessionFilter.All, sort, new PaginationOptions { Limit = 10, Cursor = first.NextCursor });
        }

        string column = sort == SessionSort.UpdatedDescending ? "updated_at" : "created_at";
        using SqliteConnection connection = SqliteProbe.Open(workspace.DatabasePath);
        string page = Assert.Single(executed.Distinct(), sql => sql.Contains("FROM sessions s", StringComparison.Ordinal));
        string plan = Plan(connection, page);

        Assert.NotNull(first.NextCursor);
        Assert.Contains($"SEARCH s USING INDEX ix_sessions_{column[..^3]}", plan, StringComparison.Ordinal);
        Assert.DoesNotContain("USE TEMP B-TREE", plan, StringComparison.Ordinal);
        AssertNoScan(connection, page);
    }

    [Fact]
    [Trait("AC", "AC-055")]
    public async Task A_claim_finds_each_record_s_older_changes_through_its_entity_not_by_walking_the_backlog()
    {
        using var workspace = new TempWorkspace();
        using SqliteWorkspaceDatabase database = workspace.Open();
        var store = new SqliteRunStateStore(database);
        for (int i = 0; i < 5; i++)
        {
            await store.SaveAsync(TestSessions.Rich($"session {i}"));
        }

        var outbox = new SqliteOutbox(database);
        var executed = new ExecutedStatements();
        using (database.TraceStatements(executed.Add))
        {
            await outbox.ClaimAsync("claimer", 20, TimeSpan.FromMinutes(1));
        }

        using SqliteConnection connection = SqliteProbe.Open(workspace.DatabasePath);
        string claim = Assert.Single(executed.Distinct(), sql => sql.StartsWith("SELECT o.id", StringComparison.Ordinal) && sql.Contains("LIMIT", StringComparison.Ordinal));
        string plan = Plan(connection, claim);

        // The pending records before a record are the whole backlog ahead of it; its entity's records are a handful.
        Assert.Contains("SEARCH p USING INDEX ix_outbox_entity (entity_id=?)", plan, StringComparison.Ordinal);
        Assert.DoesNotContain("SEARCH p USING INDEX ix_outbox_status", plan, StringComparison.Ordinal);
        AssertNoScan(connection, claim);
    }

    [Fact]
    [Trait("AC", "AC-055")]
    public async Task Sync_sends_a_constant_number_of_statements_per_batch_not_one_per_record()
    {
        var logs = new FakeLoggerProvider();
        using ILoggerFactory loggerFactory = logs.CreateFactory();
        using SyncHarness h = await SyncHarness.CreateAsync(fixture, options: new SyncOptions { BatchSize = 250 }, loggerFactory: loggerFactory);
        for (int i = 0; i < 10; i++)
        {
            await h.Store.SaveAsync(TestSessions.Rich($"session {i}"));
        }

        long records = (await h.Outbox.GetStatisticsAsync()).Pending;
        await h.Sync.EnsureSchemaAsync(CancellationToken.None);
        int before = CommandsLogged(logs);

        SyncRunResult result = await h.Sync.SyncAsync();

        int commands = CommandsLogged(logs) - before;
        long batches = (records + 249) / 250;
        Assert.Equal(records, result.Delivered);
        // Per batch: the keys, then a lock and an upsert per entity type, conflicts and outcomes when there are any.
        // Per run, not per batch: the workspaces upsert and the (at most hourly) sync_applied prune (docs/postgres.md).
        const int PerRun = 8;
        Assert.InRange(commands, batches, (batches * 16) + PerRun);
        Assert.True((commands - PerRun) * 10 < records, $"{commands} PostgreSQL commands for {records} records");
    }

    private static int CommandsLogged(FakeLoggerProvider logs)
        => logs.Messages().Count(m => m.StartsWith("Command execution completed", StringComparison.Ordinal) || m.StartsWith("Batch execution completed", StringComparison.Ordinal));

    /// <summary>
    /// A full table scan is refused; a scan of the one-row constant or of the ids a statement was given (<c>json_each</c>
    /// of its own parameter, the batched lookups of import) is not a table scan.
    /// </summary>
    private static void AssertNoScan(SqliteConnection connection, string sql)
    {
        string plan = Plan(connection, sql);

        // The blob sweep (docs/storage.md) visits every blob by design, to find those no row names (its row checks go
        // through indexes); only when it finds some, the blobs the retained outbox records name, whatever their status,
        // are read in one pass over the outbox (o: no index holds the names a payload holds), and its json_each (aliased r)
        // reads the three blob names of one outbox record.
        // FTS5 reads its own few-row config table once per connection, when a statement first uses the index, and a write
        // reads the one-row schema cookie (pragma_schema_version) to see whether another process changed the schema.
        bool sweep = sql.StartsWith("DELETE FROM blobs", StringComparison.Ordinal) || sql.StartsWith("SELECT json_group_array(hash) FROM blobs", StringComparison.Ordinal);
        bool ftsConfig = sql is "SELECT k, v FROM 'main'.'search_index_config'" or "SELECT k, v FROM 'main'.'blob_search_index_config'";
        IEnumerable<string> scans = plan.Split('\n').Where(line => line.StartsWith("SCAN ", StringComparison.Ordinal) && !ftsConfig
            && line != "SCAN CONSTANT ROW" && !line.StartsWith("SCAN json_each VIRTUAL TABLE", StringComparison.Ordinal)
            && !line.StartsWith("SCAN pragma_schema_version VIRTUAL TABLE", StringComparison.Ordinal)
            && !(sweep && (line.StartsWith("SCAN blobs", StringComparison.Ordinal) || line == "SCAN o" || line.StartsWith("SCAN r VIRTUAL TABLE", StringComparison.Ordinal))));
        Assert.True(!scans.Any(), $"{Abbreviated(sql)}\nscans:\n{plan}");
    }

    /// <summary>The plan of <paramref name="sql"/> exactly as it was executed (its parameter values are in the text).</summary>
    private static string Plan(SqliteConnection connection, string sql)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN " + sql;
        using SqliteDataReader reader = command.ExecuteReader();
        var lines = new List<string>();
        while (reader.Read())
        {
            lines.Add(reader.GetString(3));
        }

        return string.Join("\n", lines);
    }

    private static string Abbreviated(string sql) => sql.Length <= 400 ? sql : sql[..400] + "…";

    /// <summary>The statements a database's connections executed, as SQLite ran them (thread-safe).</summary>
    private sealed class ExecutedStatements
    {
        private readonly List<string> _statements = [];

        public void Add(string sql)
        {
            lock (_statements)
            {
                _statements.Add(sql.Trim());
            }
        }

        /// <summary>Each distinct data statement once (transaction control has no plan).</summary>
        public IReadOnlyList<string> Distinct()
        {
            lock (_statements)
            {
                return _statements
                    .Where(sql => !sql.StartsWith("BEGIN", StringComparison.OrdinalIgnoreCase) && !sql.StartsWith("COMMIT", StringComparison.OrdinalIgnoreCase)
                        && !sql.StartsWith("ROLLBACK", StringComparison.OrdinalIgnoreCase) && !sql.StartsWith("PRAGMA", StringComparison.OrdinalIgnoreCase))
                    .Distinct(StringComparer.Ordinal)
                    .ToList();
            }
        }
    }
}
