using Acode.Application.Errors;
using Acode.Application.Outbox;
using Acode.Application.Serialization;
using Acode.Infrastructure.Sqlite;
using Acode.Infrastructure.Tests.Support;

namespace Acode.Infrastructure.Tests.Sqlite;

/// <summary>
/// What only the SQLite store shows of its writes, checked in the file from a second connection: the rows as stored, the
/// outbox records a save or a delete appends, the cascade into every child table, durability before a checkpoint. The
/// behaviour both stores share is the contract suite's (Contract/RunStateStoreContractTests.Writes.cs).
/// </summary>
public sealed class SqliteRunStateStoreTests : IDisposable
{
    private readonly TempWorkspace _temp = new();
    private readonly SqliteWorkspaceDatabase _db;
    private readonly SqliteRunStateStore _store;

    public SqliteRunStateStoreTests()
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
    public async Task CreateSessionAsync_commits_the_session_and_its_created_event()
    {
        Session session = await _store.CreateSessionAsync("Fix the login bug", "users can log in again");

        Dictionary<string, object?> row = Assert.Single(SqliteProbe.Rows(_temp.DatabasePath, "SELECT * FROM sessions;"));
        Assert.Equal(session.Id.Value, row["id"]);
        Assert.Equal("Fix the login bug", row["title"]);
        Assert.Equal("users can log in again", row["goal"]);
        Assert.Equal("Created", row["state"]);
        Assert.Equal(1L, row["version"]);
        Assert.Equal(UtcTimestamp.Format(session.CreatedAt), row["created_at"]);
        Assert.Equal("session.created", SqliteProbe.Scalar(_temp.DatabasePath, "SELECT type FROM session_events WHERE session_id = $id AND sequence = 1;", ("$id", session.Id.Value)));
        Assert.Empty(session.PendingChanges);
        Assert.Equal(1, session.Version);
    }

    [Fact]
    [Trait("AC", "AC-005")]
    public async Task SaveAsync_after_a_failed_save_commits_normally()
    {
        Session original = await _store.CreateSessionAsync("first");
        Session stale = (await _store.GetSessionAsync(original.Id))!;
        original.Rename("second");
        await _store.SaveAsync(original);
        stale.AddTask("lost");
        stale.Rename("stale");
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => _store.SaveAsync(stale));

        Session fresh = (await _store.GetSessionAsync(original.Id))!;
        SessionTask task = fresh.AddTask("kept");
        await _store.SaveAsync(fresh);

        Assert.Equal(task.Id.Value, SqliteProbe.Scalar(_temp.DatabasePath, "SELECT group_concat(id) FROM session_tasks;"));
        Assert.Equal(1, SqliteProbe.Count(_temp.DatabasePath, "SELECT count(*) FROM outbox WHERE entity_id = $id;", ("$id", task.Id.Value)));
    }

    [Fact]
    public async Task SaveAsync_writes_only_what_changed_in_a_session_with_ten_thousand_tool_calls()
    {
        Session session = Session.Create("big");
        Step step = session.AddTask("work").AddStep("loop");
        for (int i = 0; i < 10_000; i++)
        {
            ToolCall call = step.AddToolCall("grep", $$"""{"n":{{i}}}""");
            call.Succeed("ok");
        }

        await _store.SaveAsync(session);
        Dictionary<string, string> before = SqliteProbe.EntityStamps(_temp.DatabasePath);
        long outboxBefore = SqliteProbe.Count(_temp.DatabasePath, "SELECT count(*) FROM outbox;");
        Assert.Equal(10_000, before.Keys.Count(k => k.StartsWith("tool_calls:", StringComparison.Ordinal)));

        ToolCall added = step.AddToolCall("grep", """{"n":"one more"}""");
        Assert.Single(session.PendingChanges);
        await _store.SaveAsync(session);

        Dictionary<string, string> after = SqliteProbe.EntityStamps(_temp.DatabasePath);
        List<string> changed = after.Where(kv => !before.TryGetValue(kv.Key, out string? old) || old != kv.Value).Select(kv => kv.Key).ToList();
        Assert.Equal([$"tool_calls:{added.Id.Value}"], changed);
        Assert.Equal(before.Count + 1, after.Count);
        Assert.Equal(outboxBefore + 1, SqliteProbe.Count(_temp.DatabasePath, "SELECT count(*) FROM outbox;"));
    }

    [Fact]
    [Trait("AC", "AC-005")]
    public async Task A_save_that_returned_is_in_the_files_on_disk_before_any_checkpoint()
    {
        Session session = TestSessions.Rich();
        await _store.SaveAsync(session);
        Assert.True(new FileInfo(_temp.WalPath).Length > 0, "precondition: the commit is still in the WAL");

        // What a kill -9 leaves behind: the database and its WAL as they are on disk, with no clean close.
        using var crashed = new TempWorkspace();
        Directory.CreateDirectory(crashed.Workspace.AgentDirectory);
        File.Copy(_temp.DatabasePath, crashed.DatabasePath);
        File.Copy(_temp.WalPath, crashed.WalPath);
        using SqliteWorkspaceDatabase recovered = crashed.Open();

        Session? loaded = await new SqliteRunStateStore(recovered).GetSessionAsync(session.Id);
        Assert.NotNull(loaded);
        Assert.Equal(TestSessions.Documents(session), TestSessions.Documents(loaded));
        Assert.Equal(SqliteProbe.Count(_temp.DatabasePath, "SELECT count(*) FROM outbox;"), SqliteProbe.Count(crashed.DatabasePath, "SELECT count(*) FROM outbox;"));
    }

    [Fact]
    public async Task DeleteSessionAsync_removes_the_session_and_everything_in_it()
    {
        Session kept = TestSessions.Rich("kept");
        Session doomed = TestSessions.Rich("doomed");
        await _store.SaveAllAsync([kept, doomed]);

        Assert.True(await _store.DeleteSessionAsync(doomed.Id));

        Assert.Null(await _store.GetSessionAsync(doomed.Id));
        Assert.NotNull(await _store.GetSessionAsync(kept.Id));
        foreach (string table in new[] { "sessions", "session_tasks", "steps", "tool_calls", "artifacts", "session_events" })
        {
            string column = table == "sessions" ? "id" : "session_id";
            Assert.Equal(0, SqliteProbe.Count(_temp.DatabasePath, $"SELECT count(*) FROM {table} WHERE {column} = $id;", ("$id", doomed.Id.Value)));
            Assert.True(SqliteProbe.Count(_temp.DatabasePath, $"SELECT count(*) FROM {table} WHERE {column} = $id;", ("$id", kept.Id.Value)) > 0, table);
        }
    }

    [Fact]
    public async Task DeleteSessionAsync_appends_a_delete_record_to_the_outbox()
    {
        Session doomed = await _store.CreateSessionAsync("doomed");
        long outboxBefore = SqliteProbe.Count(_temp.DatabasePath, "SELECT count(*) FROM outbox;");

        await _store.DeleteSessionAsync(doomed.Id);

        Assert.Equal(outboxBefore + 1, SqliteProbe.Count(_temp.DatabasePath, "SELECT count(*) FROM outbox;"));
        Dictionary<string, object?> record = Assert.Single(SqliteProbe.Rows(_temp.DatabasePath, "SELECT * FROM outbox WHERE operation = 'Delete';"));
        Assert.Equal("Session", record["entity_type"]);
        Assert.Equal(doomed.Id.Value, record["entity_id"]);
        Assert.Equal(1L, record["base_version"]);
        Assert.Equal(2L, record["version"]);
        var tombstone = Assert.IsType<SessionDocument>(EntityJson.Deserialize((string)record["payload"]!));
        Assert.Equal(2, tombstone.Version);
        Assert.Equal("doomed", tombstone.Title);
        Assert.Equal($"Session:{doomed.Id.Value}:{tombstone.UpdatedAt}", record["idempotency_key"]);
        Assert.True(string.CompareOrdinal(UtcTimestamp.Format(doomed.UpdatedAt), tombstone.UpdatedAt) < 0);
    }

    [Fact]
    public async Task Outbox_entry_kinds_match_the_entity_types_written()
    {
        Session session = TestSessions.Rich();
        await _store.SaveAsync(session);

        List<string> types = SqliteProbe.Rows(_temp.DatabasePath, "SELECT DISTINCT entity_type FROM outbox ORDER BY entity_type;").Select(r => (string)r["entity_type"]!).ToList();

        Assert.Equal(Enum.GetNames<EntityType>().Order(StringComparer.Ordinal), types);
        Assert.All(SqliteProbe.Rows(_temp.DatabasePath, "SELECT operation FROM outbox;"), r => Assert.Equal(nameof(OutboxOperation.Upsert), r["operation"]));
    }
}
