using Acode.Application;
using Acode.Application.Errors;
using Acode.Application.Serialization;
using Acode.Infrastructure.Sqlite;
using Acode.Infrastructure.Tests.Support;

namespace Acode.Infrastructure.Tests.Sqlite;

/// <summary>Export from one workspace, import into another: same ids, versions, timestamps; idempotent.</summary>
public sealed class SqliteRunStateStoreImportTests : IDisposable
{
    private readonly TempWorkspace _sourceFolder = new();
    private readonly TempWorkspace _targetFolder = new();
    private readonly SqliteWorkspaceDatabase _sourceDb;
    private readonly SqliteWorkspaceDatabase _targetDb;
    private readonly SqliteRunStateStore _source;
    private readonly SqliteRunStateStore _target;

    public SqliteRunStateStoreImportTests()
    {
        _sourceDb = _sourceFolder.Open();
        _targetDb = _targetFolder.Open();
        _source = new SqliteRunStateStore(_sourceDb);
        _target = new SqliteRunStateStore(_targetDb);
    }

    public void Dispose()
    {
        _sourceDb.Dispose();
        _targetDb.Dispose();
        _sourceFolder.Dispose();
        _targetFolder.Dispose();
    }

    [Fact]
    public async Task ImportAsync_into_a_fresh_workspace_reproduces_the_exported_session()
    {
        Session original = await SavedRichSession();
        (Session rebuilt, IReadOnlyList<SessionEvent> events) = await Export(_source, original.Id);
        int documents = TestSessions.EntitiesOf(rebuilt).Count + events.Count;

        ImportResult result = await _target.ImportAsync(rebuilt, events);

        Assert.Equal(new ImportResult(documents, 0, 0), result);
        Session imported = (await _target.GetSessionAsync(original.Id))!;
        Session exported = (await _source.GetSessionAsync(original.Id))!;
        Assert.Equal(TestSessions.Documents(exported), TestSessions.Documents(imported));
        Assert.Equal(TestSessions.Documents(await _source.ReadEventsAsync(exported)), TestSessions.Documents(await _target.ReadEventsAsync(imported)));
        Assert.Equal(exported.LastEventSequence, imported.LastEventSequence);
        Assert.Equal(
            SqliteProbe.Rows(_sourceFolder.DatabasePath, "SELECT * FROM tool_calls ORDER BY id;"),
            SqliteProbe.Rows(_targetFolder.DatabasePath, "SELECT * FROM tool_calls ORDER BY id;"));
        Assert.Equal(documents, SqliteProbe.Count(_targetFolder.DatabasePath, "SELECT count(*) FROM outbox WHERE origin = $origin;", ("$origin", _targetDb.WorkspaceId)));
    }

    [Fact]
    public async Task ImportAsync_replaces_rows_only_with_newer_versions()
    {
        Session original = await SavedRichSession();
        (Session v1, IReadOnlyList<SessionEvent> v1Events) = await Export(_source, original.Id);
        await _target.ImportAsync(v1, v1Events);

        ToolCall pending = original.Tasks[1].Steps[0].ToolCalls[0];
        pending.Start();
        original.Rename("renamed at the source");
        await _source.SaveAsync(original);
        (Session v2, IReadOnlyList<SessionEvent> v2Events) = await Export(_source, original.Id);
        long outboxBefore = SqliteProbe.Count(_targetFolder.DatabasePath, "SELECT count(*) FROM outbox;");

        ImportResult result = await _target.ImportAsync(v2, v2Events);
        ImportResult older = await _target.ImportAsync(v1, v1Events);

        Assert.Equal(2, result.Updated);
        Assert.Equal(0, result.Inserted);
        Assert.Equal(0, older.Inserted + older.Updated);
        Assert.Equal(outboxBefore + 2, SqliteProbe.Count(_targetFolder.DatabasePath, "SELECT count(*) FROM outbox;"));
        Session imported = (await _target.GetSessionAsync(original.Id))!;
        Assert.Equal("renamed at the source", imported.Title);
        Assert.Equal(ToolCallStatus.Running, imported.FindToolCall(pending.Id)!.Status);
        Assert.Equal(TestSessions.Documents((await _source.GetSessionAsync(original.Id))!), TestSessions.Documents(imported));
    }

    [Fact]
    public async Task ImportAsync_refuses_rows_of_another_session_and_writes_nothing()
    {
        // The stored versions are read in one statement per table: a row owned by another session must still stop the import.
        Session original = await SavedRichSession();
        (Session rebuilt, IReadOnlyList<SessionEvent> events) = await Export(_source, original.Id);
        await _target.ImportAsync(rebuilt, events);
        long outbox = SqliteProbe.Count(_targetFolder.DatabasePath, "SELECT count(*) FROM outbox;");
        Session loaded = (await _source.GetSessionAsync(original.Id))!;
        string other = SessionId.New().Value;
        var builder = new SessionGraphBuilder();
        foreach (string line in TestSessions.Documents(loaded))
        {
            builder.Add(EntityJson.Deserialize(line.Replace(original.Id.Value, other, StringComparison.Ordinal)));
        }

        ImportConflictException conflict = await Assert.ThrowsAsync<ImportConflictException>(() => _target.ImportAsync(builder.Session!, builder.Events));

        Assert.Contains(original.Id.Value, conflict.Message, StringComparison.Ordinal);
        Assert.Equal(1, SqliteProbe.Count(_targetFolder.DatabasePath, "SELECT count(*) FROM sessions;"));
        Assert.Equal(outbox, SqliteProbe.Count(_targetFolder.DatabasePath, "SELECT count(*) FROM outbox;"));
    }

    private async Task<Session> SavedRichSession()
    {
        Session session = TestSessions.Rich();
        await _source.SaveAsync(session);
        return session;
    }

    /// <summary>Exports as <c>acode session export</c> would: JSON documents, parents first, then rebuilt by <see cref="SessionGraphBuilder"/>.</summary>
    private static async Task<(Session Session, IReadOnlyList<SessionEvent> Events)> Export(SqliteRunStateStore store, SessionId id)
    {
        Session loaded = (await store.GetSessionAsync(id))!;
        IReadOnlyList<SessionEvent> events = await store.ReadEventsAsync(loaded);
        List<string> lines = TestSessions.Documents(loaded).Concat(TestSessions.Documents(events)).ToList();

        var builder = new SessionGraphBuilder();
        foreach (string line in lines)
        {
            builder.Add(EntityJson.Deserialize(line));
        }

        return (builder.Session!, builder.Events);
    }
}
