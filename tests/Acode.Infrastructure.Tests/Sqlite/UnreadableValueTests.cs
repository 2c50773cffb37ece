using Acode.Application.Errors;
using Acode.Application.Queries;
using Acode.Domain.Entities;
using Acode.Domain.Ids;
using Acode.Infrastructure.Sqlite;
using Acode.Infrastructure.Tests.Support;

namespace Acode.Infrastructure.Tests.Sqlite;

/// <summary>
/// A row in sound pages holding a value acode never writes (a step's state, a tool call's status, an artifact's kind,
/// a session's time: damaged, or changed with the sqlite3 shell; most of these columns have no CHECK constraint, and
/// damage passes those that do) is ACODE-DB-002 naming the column when read, not a crash; <c>acode db check</c> names
/// the rows whose state, status or kind is not one of acode's.
/// </summary>
public sealed class UnreadableValueTests : IDisposable
{
    private readonly TempWorkspace _temp = new();
    private readonly SessionId _id;

    public UnreadableValueTests()
    {
        using SqliteWorkspaceDatabase db = _temp.Open();
        Session session = TestSessions.Rich();
        new SqliteRunStateStore(db).SaveAsync(session).GetAwaiter().GetResult();
        _id = session.Id;
    }

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData("steps", "state", "steps.state")]
    [InlineData("session_tasks", "state", "session_tasks.state")]
    [InlineData("tool_calls", "status", "tool_calls.status")]
    [InlineData("artifacts", "kind", "artifacts.kind")]
    public async Task A_state_status_or_kind_acode_never_writes_is_ACODE_DB_002_when_read_and_named_by_the_check(string table, string column, string named)
    {
        SqliteProbe.Execute(_temp.DatabasePath, $"UPDATE {table} SET {column} = 'Bogus' WHERE rowid = (SELECT min(rowid) FROM {table});");
        using SqliteWorkspaceDatabase db = _temp.Open();

        var error = await Assert.ThrowsAsync<AcodeDbException>(() => new SqliteRunStateStore(db).GetSessionAsync(_id));
        DatabaseCheckReport report = db.Check();

        Assert.Equal("ACODE-DB-002", error.Code);
        Assert.Contains($"{named} holds 'Bogus', which is none of the values acode writes there", error.Message, StringComparison.Ordinal);
        Assert.Contains("acode db check", error.Hint, StringComparison.Ordinal);
        Assert.False(report.IsHealthy);
        Assert.Contains(report.IntegrityErrors, line => line.StartsWith($"{table}: 1 row(s) whose {column} is none of the values acode writes there", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("session_events", "payload")]
    [InlineData("tool_calls", "arguments")]
    public void An_event_payload_or_tool_call_arguments_that_are_not_JSON_are_named_by_the_check(string table, string column)
    {
        SqliteProbe.Execute(_temp.DatabasePath, $"UPDATE {table} SET {column} = '{{broken' WHERE rowid = (SELECT min(rowid) FROM {table});");
        using SqliteWorkspaceDatabase db = _temp.Open();

        DatabaseCheckReport report = db.Check();

        Assert.False(report.IsHealthy);
        Assert.Contains(report.IntegrityErrors, line => line.StartsWith($"{table}: 1 row(s) whose {column} is not one JSON value, which acode always writes there, the first at rowid ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_session_state_changed_past_its_check_constraint_is_ACODE_DB_002_in_the_list_too()
    {
        SqliteProbe.Execute(_temp.DatabasePath, "PRAGMA ignore_check_constraints = ON; UPDATE sessions SET state = 'Bogus';");
        using SqliteWorkspaceDatabase db = _temp.Open();

        var error = await Assert.ThrowsAsync<AcodeDbException>(() => new SqliteRunStateStore(db).QuerySessionsAsync(SessionFilter.All, SessionSort.UpdatedDescending, new PaginationOptions()));

        Assert.Equal("ACODE-DB-002", error.Code);
        Assert.Contains("sessions.state holds 'Bogus'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_time_in_no_form_acode_writes_is_ACODE_DB_002_when_read()
    {
        SqliteProbe.Execute(_temp.DatabasePath, "UPDATE steps SET created_at = 'yesterday' WHERE rowid = (SELECT min(rowid) FROM steps);");
        using SqliteWorkspaceDatabase db = _temp.Open();

        var error = await Assert.ThrowsAsync<AcodeDbException>(() => new SqliteRunStateStore(db).GetSessionAsync(_id));

        Assert.Equal("ACODE-DB-002", error.Code);
        Assert.Contains("holds a value acode cannot read", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_sound_workspace_s_check_finds_no_stored_value_to_name()
    {
        using SqliteWorkspaceDatabase db = _temp.Open();

        Assert.True(db.Check().IsHealthy);
    }
}
