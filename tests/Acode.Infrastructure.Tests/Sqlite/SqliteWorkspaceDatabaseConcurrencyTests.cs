using System.Diagnostics;
using Acode.Application.Errors;
using Acode.Application.Options;
using Acode.Application.Queries;
using Acode.Infrastructure.Migrations;
using Acode.Infrastructure.Sqlite;
using Acode.Infrastructure.Tests.Support;
using Acode.Testing;
using Microsoft.Data.Sqlite;

namespace Acode.Infrastructure.Tests.Sqlite;

/// <summary>
/// SQLite's concurrency rules as the store uses them: one writer at a time with a bounded wait, readers that
/// never wait for it. Timings are only upper bounds far above the expected values (a loaded CI machine).
/// </summary>
public sealed class SqliteWorkspaceDatabaseConcurrencyTests : IDisposable
{
    private const int SqliteReadOnly = SQLitePCL.raw.SQLITE_READONLY;

    private readonly TempWorkspace _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    [Trait("AC", "AC-006")]
    public async Task SaveAsync_fails_with_Busy_within_the_timeout_while_another_connection_holds_the_write_lock()
    {
        using SqliteWorkspaceDatabase db = _temp.Open(new SqliteOptions { BusyTimeoutSeconds = 1 });
        var store = new SqliteRunStateStore(db);
        Session session = TestSessions.Rich();
        using SqliteConnection blocker = SqliteProbe.Open(_temp.DatabasePath);
        SqliteProbe.Execute(blocker, "BEGIN IMMEDIATE;");

        var clock = Stopwatch.StartNew();
        Task save = store.SaveAsync(session);
        Task finished = await Task.WhenAny(save, Task.Delay(TimeSpan.FromSeconds(60)));
        clock.Stop();

        Assert.Same(save, finished);
        var error = await Assert.ThrowsAsync<AcodeDbException>(() => save);
        Assert.Equal(AcodeErrorCode.Busy, error.ErrorCode);
        Assert.Equal("ACODE-DB-005", error.Code);
        Assert.True(error.IsTransient);
        Assert.IsType<SqliteException>(error.InnerException);
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(0.9), $"gave up after {clock.Elapsed} instead of waiting the 1 s timeout");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"took {clock.Elapsed}");
        Assert.True(session.IsNew);

        SqliteProbe.Execute(blocker, "ROLLBACK;");
        await store.SaveAsync(session);
        Assert.Equal(1, SqliteProbe.Count(_temp.DatabasePath, "SELECT count(*) FROM sessions;"));
    }

    [Fact]
    public async Task Disposing_while_a_save_runs_lets_it_finish_and_refuses_the_saves_after_it_as_disposed()
    {
        // Trial AL 6: the writer was closed under the save in flight (NullReferenceException from Microsoft.Data.Sqlite),
        // and a later save threw ObjectDisposedException naming SemaphoreSlim.
        SqliteWorkspaceDatabase db = _temp.Open(new SqliteOptions { BusyTimeoutSeconds = 300 });
        var store = new SqliteRunStateStore(db);
        Session first = TestSessions.Rich();
        Session second = TestSessions.Rich();
        using SqliteConnection blocker = SqliteProbe.Open(_temp.DatabasePath);
        SqliteProbe.Execute(blocker, "BEGIN IMMEDIATE;");

        // The save is in flight once it holds the writer: its Session is marked saving before that, and a Dispose
        // between the two rightly refuses it (CI, 2026-12-07: the test disposed in that window and the save threw).
        Task inFlight = Task.Run(() => store.SaveAsync(first));
        while (!db.IsWriting && !inFlight.IsCompleted)
        {
            await Task.Delay(10);
        }

        Task waiting = Task.Run(() => store.SaveAsync(second));
        Task disposing = Task.Run(db.Dispose);
        await Task.Delay(300);
        bool disposedUnderTheSave = disposing.IsCompleted;
        SqliteProbe.Execute(blocker, "ROLLBACK;");

        // Bounded waits: with the writer closed under it, the save in flight never ended.
        await inFlight.WaitAsync(TimeSpan.FromSeconds(120));
        await disposing.WaitAsync(TimeSpan.FromSeconds(120));
        ObjectDisposedException refused = await Assert.ThrowsAsync<ObjectDisposedException>(() => waiting.WaitAsync(TimeSpan.FromSeconds(120)));
        Assert.False(disposedUnderTheSave, "Dispose closed the writer while a save was in flight");
        Assert.Contains(nameof(SqliteWorkspaceDatabase), refused.ObjectName, StringComparison.Ordinal);
        Assert.Equal(1, SqliteProbe.Count(_temp.DatabasePath, "SELECT count(*) FROM sessions;"));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => store.SaveAsync(TestSessions.Rich()));
        db.Dispose(); // a second Dispose is harmless
    }

    [Fact]
    [Trait("AC", "AC-006")]
    public async Task A_second_save_of_a_Session_object_another_call_is_still_saving_is_refused_clearly_and_the_first_save_completes()
    {
        using SqliteWorkspaceDatabase db = _temp.Open(new SqliteOptions { BusyTimeoutSeconds = 300 });
        var store = new SqliteRunStateStore(db);
        Session session = await store.CreateSessionAsync("shared by two threads");
        session.AddTask("added once");
        using SqliteConnection blocker = SqliteProbe.Open(_temp.DatabasePath);
        SqliteProbe.Execute(blocker, "BEGIN IMMEDIATE;");

        // The first save waits for the write lock the blocker holds; the second is made while it waits.
        Task first = Task.Run(() => store.SaveAsync(session));
        while (!session.SaveInProgress && !first.IsCompleted)
        {
            await Task.Delay(10);
        }

        InvalidOperationException refused = await Assert.ThrowsAsync<InvalidOperationException>(() => store.SaveAsync(session));
        SqliteProbe.Execute(blocker, "ROLLBACK;");
        await first;

        Assert.Contains($"Session {session.Id}: this Session object is being saved by another call. A Session is not thread-safe: save it from one thread at a time", refused.Message, StringComparison.Ordinal);
        Assert.Empty(session.PendingChanges);
        Assert.Equal(1, SqliteProbe.Count(_temp.DatabasePath, "SELECT count(*) FROM session_tasks;"));
        session.AddTask("added after");
        await store.SaveAsync(session); // the object is free again
        Assert.Equal(2, SqliteProbe.Count(_temp.DatabasePath, "SELECT count(*) FROM session_tasks;"));
    }

    [Fact]
    [Trait("AC", "AC-006")]
    public void Open_fails_with_Busy_when_a_pending_migration_cannot_take_the_write_lock()
    {
        using (_temp.Open())
        {
        }

        Migration next = ShippedSchema.NextMigration("AddNotes", "CREATE TABLE notes (id INTEGER PRIMARY KEY) STRICT;");
        using SqliteConnection blocker = SqliteProbe.Open(_temp.DatabasePath);
        SqliteProbe.Execute(blocker, "BEGIN IMMEDIATE;");
        var clock = Stopwatch.StartNew();

        var error = Assert.Throws<AcodeDbException>(() => _temp.Open(new SqliteOptions { BusyTimeoutSeconds = 1 }, [.. MigrationCatalog.For(MigrationCatalog.Sqlite), next]));

        Assert.Equal(AcodeErrorCode.Busy, error.ErrorCode);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"took {clock.Elapsed}");
        SqliteProbe.Execute(blocker, "ROLLBACK;");
        Assert.Equal(ShippedSchema.AllVersions, SqliteProbe.Scalar(_temp.DatabasePath, "SELECT group_concat(version) FROM (SELECT version FROM schema_version ORDER BY rowid);"));
    }

    [Fact]
    [Trait("AC", "AC-006")]
    public async Task SaveAsync_waits_for_a_lock_released_within_the_timeout_and_succeeds()
    {
        using SqliteWorkspaceDatabase db = _temp.Open(new SqliteOptions { BusyTimeoutSeconds = 30 });
        var store = new SqliteRunStateStore(db);
        using SqliteConnection blocker = SqliteProbe.Open(_temp.DatabasePath);
        SqliteProbe.Execute(blocker, "BEGIN IMMEDIATE;");

        Task save = Task.Run(() => store.SaveAsync(TestSessions.Rich()));
        await Task.Delay(300);
        Assert.False(save.IsCompleted, "the save did not wait for the write lock");
        SqliteProbe.Execute(blocker, "COMMIT;");
        await save.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(1, SqliteProbe.Count(_temp.DatabasePath, "SELECT count(*) FROM sessions;"));
    }

    [Fact]
    [Trait("AC", "AC-007")]
    public async Task Reads_do_not_wait_for_an_open_write_transaction_and_do_not_see_its_rows()
    {
        using SqliteWorkspaceDatabase db = _temp.Open(new SqliteOptions { BusyTimeoutSeconds = 30 });
        var store = new SqliteRunStateStore(db);
        Session committed = await store.CreateSessionAsync("committed");
        using SqliteConnection writer = SqliteProbe.Open(_temp.DatabasePath);
        SqliteProbe.Execute(writer, "BEGIN IMMEDIATE;");
        string uncommittedId = SessionId.New().Value;
        SqliteProbe.Execute(writer, "INSERT INTO sessions (id, title, state, version, created_at, updated_at) VALUES ($id, 'uncommitted', 'Created', 1, '2030-01-01T00:00:00.0000000Z', '2030-01-01T00:00:00.0000000Z');", ("$id", uncommittedId));
        SqliteProbe.Execute(writer, "UPDATE sessions SET title = 'changed, uncommitted' WHERE id = $id;", ("$id", committed.Id.Value));

        var clock = Stopwatch.StartNew();
        Session? loaded = await store.GetSessionAsync(committed.Id);
        Session? missing = await store.GetSessionAsync(SessionId.Parse(uncommittedId));
        Page<SessionSummary> page = await store.QuerySessionsAsync(SessionFilter.All, SessionSort.UpdatedDescending, PaginationOptions.FirstPage);
        clock.Stop();

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"reads took {clock.Elapsed}: they waited for the writer (busy timeout 30 s)");
        Assert.Equal("committed", loaded!.Title);
        Assert.Null(missing);
        Assert.Equal([committed.Id], page.Items.Select(s => s.Id));
        Assert.Equal("committed", SqliteCli.Run(_temp.DatabasePath, "SELECT group_concat(title) FROM sessions;"));

        SqliteProbe.Execute(writer, "COMMIT;");
        Assert.NotNull(await store.GetSessionAsync(SessionId.Parse(uncommittedId)));
    }

    [Fact]
    [Trait("AC", "AC-007")]
    public void Reader_connections_are_query_only()
    {
        using SqliteWorkspaceDatabase db = _temp.Open();
        using SqliteConnection reader = db.Connections.OpenReader();

        Assert.Equal(1L, SqliteProbe.Scalar(reader, "PRAGMA query_only;"));
        var error = Assert.Throws<SqliteException>(() => SqliteProbe.Execute(reader,
            "INSERT INTO sessions (id, title, state, version, created_at, updated_at) VALUES ('sess_x', 't', 'Created', 1, 'a', 'a');"));
        Assert.Equal(SqliteReadOnly, error.SqliteErrorCode);
        Assert.Equal(0, SqliteProbe.Count(_temp.DatabasePath, "SELECT count(*) FROM sessions;"));
    }

    [Fact]
    [Trait("AC", "AC-007")]
    public async Task A_read_transaction_sees_one_consistent_snapshot_while_writes_commit()
    {
        using SqliteWorkspaceDatabase db = _temp.Open();
        var store = new SqliteRunStateStore(db);
        await store.CreateSessionAsync("before");

        int[] counts = db.Read((connection, transaction) =>
        {
            int first = CountSessions(connection, transaction);
            SqliteProbe.Execute(_temp.DatabasePath, "INSERT INTO sessions (id, title, state, version, created_at, updated_at) VALUES ('sess_during', 'during', 'Created', 1, 'a', 'a');");
            int second = CountSessions(connection, transaction);
            return new[] { first, second };
        }, CancellationToken.None);

        Assert.Equal([1, 1], counts);
        Assert.Equal(2, SqliteProbe.Count(_temp.DatabasePath, "SELECT count(*) FROM sessions;"));
    }

    [Fact]
    [Trait("AC", "AC-007")]
    public async Task Readers_on_several_threads_keep_working_while_a_writer_saves()
    {
        using SqliteWorkspaceDatabase db = _temp.Open();
        var store = new SqliteRunStateStore(db);
        Session session = await store.CreateSessionAsync("busy");
        using var stop = new CancellationTokenSource();

        Task writer = Task.Run(async () =>
        {
            Step step = session.AddTask("loop").AddStep("step");
            for (int i = 0; i < 100; i++)
            {
                step.AddToolCall("tick", $$"""{"i":{{i}}}""");
                await store.SaveAsync(session);
            }
        });
        Task<int>[] readers = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            int reads = 0;
            int lastSeen = 0;
            while (!writer.IsCompleted || reads == 0)
            {
                Session loaded = (await store.GetSessionAsync(session.Id))!;
                int calls = loaded.Tasks.SelectMany(t => t.Steps).Sum(s => s.ToolCalls.Count);
                Assert.True(calls >= lastSeen, "a later read saw fewer tool calls than an earlier one");
                lastSeen = calls;
                reads++;
            }

            return reads;
        })).ToArray();

        await writer.WaitAsync(TimeSpan.FromSeconds(120));
        int[] reads = await Task.WhenAll(readers).WaitAsync(TimeSpan.FromSeconds(120));

        Assert.All(reads, r => Assert.True(r > 0));
        Assert.Equal(100, SqliteProbe.Count(_temp.DatabasePath, "SELECT count(*) FROM tool_calls;"));
    }

    [Fact]
    [Trait("AC", "AC-008")]
    public async Task Concurrent_saves_from_many_threads_all_succeed()
    {
        using SqliteWorkspaceDatabase db = _temp.Open();
        var store = new SqliteRunStateStore(db);

        Task[] workers = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            for (int i = 0; i < 20; i++)
            {
                Session session = await store.CreateSessionAsync($"worker {w} session {i}");
                session.AddTask("task").AddStep("step").AddToolCall("tool", "{}");
                await store.SaveAsync(session);
            }
        })).ToArray();
        await Task.WhenAll(workers).WaitAsync(TimeSpan.FromSeconds(120));

        Assert.Equal(160, SqliteProbe.Count(_temp.DatabasePath, "SELECT count(*) FROM sessions;"));
        Assert.Equal(160, SqliteProbe.Count(_temp.DatabasePath, "SELECT count(*) FROM tool_calls;"));
        Assert.Equal(160 * 5, SqliteProbe.Count(_temp.DatabasePath, "SELECT count(*) FROM outbox;"));
        Assert.Equal(160 * 5, SqliteProbe.Count(_temp.DatabasePath, "SELECT count(DISTINCT idempotency_key) FROM outbox;"));
    }

    [Fact]
    [Trait("AC", "AC-008")]
    public async Task Two_databases_on_one_file_write_at_once_and_both_succeed()
    {
        using SqliteWorkspaceDatabase first = _temp.Open();
        using SqliteWorkspaceDatabase second = _temp.Open();
        var stores = new[] { new SqliteRunStateStore(first), new SqliteRunStateStore(second) };

        Task[] writers = stores.Select((store, n) => Task.Run(async () =>
        {
            for (int i = 0; i < 40; i++)
            {
                await store.SaveAsync(TestSessions.Rich($"writer {n} session {i}"));
            }
        })).ToArray();
        await Task.WhenAll(writers).WaitAsync(TimeSpan.FromSeconds(180));

        Assert.Equal(40, SqliteProbe.Count(_temp.DatabasePath, "SELECT count(*) FROM sessions WHERE title LIKE 'writer 0 %';"));
        Assert.Equal(40, SqliteProbe.Count(_temp.DatabasePath, "SELECT count(*) FROM sessions WHERE title LIKE 'writer 1 %';"));
    }

    [Fact]
    [Trait("AC", "AC-008")]
    public async Task Another_process_writes_while_the_store_writes_and_both_succeed()
    {
        using SqliteWorkspaceDatabase db = _temp.Open();
        var store = new SqliteRunStateStore(db);
        string inserts = string.Concat(Enumerable.Range(0, 50).Select(i =>
            $"INSERT INTO sessions (id, title, state, version, created_at, updated_at) VALUES ('{SessionId.New().Value}', 'cli {i}', 'Created', 1, '2026-01-01T00:00:00.0000000Z', '2026-01-01T00:00:00.0000000Z');"));

        Task<string> cli = Task.Run(() => SqliteCli.Run(_temp.DatabasePath, inserts + "SELECT count(*) FROM sessions WHERE title LIKE 'cli %';", busyTimeoutMilliseconds: 30_000));
        for (int i = 0; i < 50; i++)
        {
            await store.CreateSessionAsync($"store {i}");
        }

        Assert.Equal("50", await cli.WaitAsync(TimeSpan.FromSeconds(120)));
        Assert.Equal(100, SqliteProbe.Count(_temp.DatabasePath, "SELECT count(*) FROM sessions;"));
    }

    [Fact]
    [Trait("AC", "AC-008")]
    public async Task Writer_uses_normal_locking_mode_so_other_processes_can_read()
    {
        using SqliteWorkspaceDatabase db = _temp.Open();
        var store = new SqliteRunStateStore(db);
        await store.CreateSessionAsync("visible");

        string mode = await db.WriteAsync((transaction, commands) => (string)commands.Get("PRAGMA locking_mode;", transaction).ExecuteScalar()!, CancellationToken.None);

        Assert.Equal("normal", mode);
        Assert.Equal("visible", SqliteCli.Run(_temp.DatabasePath, "SELECT title FROM sessions;"));
        Assert.Equal("normal", SqliteProbe.Scalar(_temp.DatabasePath, "PRAGMA locking_mode;"));
    }

    private static int CountSessions(SqliteConnection connection, SqliteTransaction transaction)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT count(*) FROM sessions;";
        return Convert.ToInt32(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
