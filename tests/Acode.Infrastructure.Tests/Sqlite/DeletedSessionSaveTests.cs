using Acode.Application.Errors;
using Acode.Infrastructure.Sqlite;
using Acode.Infrastructure.Tests.Support;

namespace Acode.Infrastructure.Tests.Sqlite;

/// <summary>
/// Issue 10, item 5: a copy of a session that was deleted meanwhile. Whatever the save adds under it (a task, a step,
/// a tool call, an artifact, an event), the store throws a <see cref="ConcurrencyConflictException"/> that says the
/// session was deleted, never a raw FOREIGN KEY failure, and writes nothing.
/// </summary>
public sealed class DeletedSessionSaveTests : IDisposable
{
    private readonly TempWorkspace _temp = new();
    private readonly SqliteWorkspaceDatabase _db;
    private readonly SqliteRunStateStore _store;

    public DeletedSessionSaveTests()
    {
        _db = _temp.Open();
        _store = new SqliteRunStateStore(_db);
    }

    public void Dispose()
    {
        _db.Dispose();
        _temp.Dispose();
    }

    public static TheoryData<string> Additions => new() { "task", "step", "tool call", "artifact", "event" };

    [Theory]
    [MemberData(nameof(Additions))]
    public async Task Adding_to_a_stale_copy_of_a_deleted_session_is_a_concurrency_conflict_and_writes_nothing(string addition)
    {
        Session original = TestSessions.Rich();
        await _store.SaveAsync(original);
        Session stale = (await _store.GetSessionAsync(original.Id))!;
        Assert.True(await _store.DeleteSessionAsync(original.Id));
        Dictionary<string, string> stampsBefore = SqliteProbe.EntityStamps(_temp.DatabasePath);
        long outboxBefore = SqliteProbe.Count(_temp.DatabasePath, "SELECT count(*) FROM outbox;");

        Step step = stale.Tasks[0].Steps[0];
        string addedId = addition switch
        {
            "task" => stale.AddTask("added after the deletion").Id.Value,
            "step" => stale.Tasks[0].AddStep("added after the deletion").Id.Value,
            "tool call" => step.AddToolCall("echo", "{}").Id.Value,
            "artifact" => stale.AddArtifact("late.txt", ArtifactKind.File, "text/plain", new byte[] { 1, 2, 3 }).Id.Value,
            _ => stale.AppendEvent("note", "{}").Id.Value,
        };

        var conflict = await Assert.ThrowsAsync<ConcurrencyConflictException>(() => _store.SaveAsync(stale));

        Assert.True(conflict.SessionWasDeleted);
        Assert.Equal(original.Id.Value, conflict.DeletedSessionId);
        Assert.Equal(addedId, conflict.EntityId);
        Assert.Contains("was deleted", conflict.Message, StringComparison.Ordinal);
        Assert.Equal(stampsBefore, SqliteProbe.EntityStamps(_temp.DatabasePath));
        Assert.Equal(outboxBefore, SqliteProbe.Count(_temp.DatabasePath, "SELECT count(*) FROM outbox;"));
        Assert.Equal(0, SqliteProbe.Count(_temp.DatabasePath, "SELECT count(*) FROM sessions;"));
        Assert.Equal("ok", SqliteProbe.Scalar(_temp.DatabasePath, "PRAGMA foreign_key_check;") ?? "ok");
    }
}
