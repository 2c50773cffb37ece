using Acode.Application.Errors;
using Acode.Domain.Entities;
using Acode.Domain.Ids;
using Acode.Infrastructure.Sqlite;
using Acode.Infrastructure.Tests.Support;
using Microsoft.Data.Sqlite;

namespace Acode.Infrastructure.Tests.Sqlite;

/// <summary>
/// Damage SQLite does not report as corruption shows up as some other error (a constraint our writes cannot break, a
/// NULL where acode only writes text). Such an error is put to <c>PRAGMA integrity_check</c>: in a damaged file it is ACODE-DB-002, in a sound one it stays
/// what it was.
/// </summary>
public sealed class HiddenDamageTests : IDisposable
{
    private const int SqliteConstraint = SQLitePCL.raw.SQLITE_CONSTRAINT;

    private readonly TempWorkspace _temp = new();

    public HiddenDamageTests()
    {
        using SqliteWorkspaceDatabase db = _temp.Open();
        new SqliteRunStateStore(db).SaveAsync(TestSessions.Rich()).GetAwaiter().GetResult();

        // Another program's trigger that refuses every new session: an error no acode write causes by itself.
        SqliteProbe.Execute(_temp.DatabasePath, "CREATE TRIGGER their_veto BEFORE INSERT ON sessions BEGIN SELECT RAISE(ABORT, 'vetoed by their trigger'); END;");
    }

    public void Dispose() => _temp.Dispose();

    [Fact]
    [Trait("AC", "AC-005")]
    public async Task An_error_in_a_sound_file_reaches_the_caller_unchanged_and_nothing_is_written()
    {
        using SqliteWorkspaceDatabase db = _temp.Open();
        long sessions = SqliteProbe.Count(_temp.DatabasePath, "SELECT count(*) FROM sessions;");

        var error = await Assert.ThrowsAsync<SqliteException>(() => new SqliteRunStateStore(db).SaveAsync(TestSessions.Rich()));

        Assert.Equal(SqliteConstraint, error.SqliteErrorCode);
        Assert.Contains("vetoed by their trigger", error.Message, StringComparison.Ordinal);
        Assert.Equal(sessions, SqliteProbe.Count(_temp.DatabasePath, "SELECT count(*) FROM sessions;"));
    }

    [Fact]
    [Trait("AC", "AC-005")]
    public async Task The_same_error_in_a_damaged_file_is_ACODE_DB_002_with_what_the_integrity_check_found()
    {
        // An index whose entries no longer match its table: what a flipped byte in an index page does.
        SqliteProbe.Execute(_temp.DatabasePath, "CREATE INDEX their_titles ON sessions (title);");
        using (SqliteConnection connection = SqliteProbe.Open(_temp.DatabasePath))
        {
            SqliteProbe.Execute(connection, "PRAGMA writable_schema = ON;");
            SqliteProbe.Execute(connection, "UPDATE sqlite_schema SET sql = 'CREATE INDEX their_titles ON sessions (goal)' WHERE name = 'their_titles';");
        }

        SqliteConnection.ClearAllPools();
        using SqliteWorkspaceDatabase db = _temp.Open();
        Session session = TestSessions.Rich();

        var error = await Assert.ThrowsAsync<AcodeDbException>(() => new SqliteRunStateStore(db).SaveAsync(session));

        Assert.Equal("ACODE-DB-002", error.Code);
        Assert.Contains("the database file is corrupt (integrity check: ", error.Message, StringComparison.Ordinal);
        Assert.Contains("their_titles", error.Message, StringComparison.Ordinal);
        Assert.Contains("vetoed by their trigger", error.Message, StringComparison.Ordinal);
        Assert.IsType<SqliteException>(error.InnerException);
    }

    [Fact]
    [Trait("AC", "AC-005")]
    public async Task A_NULL_where_acode_only_writes_text_is_ACODE_DB_002_when_read_not_a_crash()
    {
        var id = SessionId.Parse((string)SqliteProbe.Scalar(_temp.DatabasePath, "SELECT id FROM sessions;")!);

        // A record whose title became NULL behind a definition that still says NOT NULL (what a flipped serial type does):
        // the definition is relaxed for one UPDATE and then put back word for word, so the schema check at open passes.
        string definition = (string)SqliteProbe.Scalar(_temp.DatabasePath, "SELECT sql FROM sqlite_schema WHERE name = 'sessions';")!;
        string relaxed = definition.Replace("title       TEXT NOT NULL", "title       TEXT", StringComparison.Ordinal);
        Assert.NotEqual(definition, relaxed);
        RewriteDefinition("sessions", relaxed);
        SqliteProbe.Execute(_temp.DatabasePath, "UPDATE sessions SET title = NULL WHERE id = $id;", ("$id", id.Value));
        RewriteDefinition("sessions", definition);
        SqliteConnection.ClearAllPools();

        using SqliteWorkspaceDatabase reopened = _temp.Open();
        var error = await Assert.ThrowsAsync<AcodeDbException>(() => new SqliteRunStateStore(reopened).GetSessionAsync(id));

        Assert.Equal("ACODE-DB-002", error.Code);
        Assert.Contains("the database file is corrupt (integrity check: ", error.Message, StringComparison.Ordinal);
        Assert.Contains("sessions.title", error.Message, StringComparison.Ordinal);
        Assert.IsType<InvalidOperationException>(error.InnerException);
    }

    private void RewriteDefinition(string name, string sql)
    {
        SqliteConnection.ClearAllPools();
        using SqliteConnection connection = SqliteProbe.Open(_temp.DatabasePath);
        SqliteProbe.Execute(connection, "PRAGMA writable_schema = ON;");
        SqliteProbe.Execute(connection, "UPDATE sqlite_schema SET sql = $sql WHERE name = $name;", ("$sql", sql), ("$name", name));
    }
}
