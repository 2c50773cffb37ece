using Acode.Application.Errors;
using Acode.Domain.Entities;
using Acode.Infrastructure.Sqlite;
using Acode.Infrastructure.Tests.Support;

namespace Acode.Infrastructure.Tests.Sqlite;

/// <summary>
/// A process that keeps a workspace open (an <c>import --watch</c>, an agent) checks the schema again before each write
/// when another process changed it: a newer acode's migration makes every later write ACODE-DB-004 with nothing written,
/// as opening the file would (AC-013); a change of the file that is no migration (a VACUUM) lets it go on.
/// </summary>
public sealed class SchemaChangedUnderWriterTests : IDisposable
{
    private readonly TempWorkspace _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [Trait("AC", "AC-013")]
    [InlineData("INSERT INTO schema_version VALUES ('9.0.0', 'FromTheFuture', 'abc', '2030-01-01T00:00:00.0000000Z'); CREATE TABLE future_notes (x TEXT) STRICT;")]
    [InlineData("INSERT INTO schema_version VALUES ('9.0.0', 'DataOnlyFromTheFuture', 'abc', '2030-01-01T00:00:00.0000000Z');")]
    public async Task A_newer_migration_by_another_process_stops_every_later_write_with_ACODE_DB_004(string newerMigration)
    {
        using SqliteWorkspaceDatabase db = _temp.Open();
        var store = new SqliteRunStateStore(db);
        Session session = await store.CreateSessionAsync("before the upgrade");
        long sessions = SqliteProbe.Count(_temp.DatabasePath, "SELECT count(*) FROM sessions;");
        long outbox = SqliteProbe.Count(_temp.DatabasePath, "SELECT count(*) FROM outbox;");

        SqliteProbe.Execute(_temp.DatabasePath, newerMigration);
        session.Rename("after the upgrade");

        var error = await Assert.ThrowsAsync<AcodeDbException>(() => store.SaveAsync(session));
        var again = await Assert.ThrowsAsync<AcodeDbException>(() => store.CreateSessionAsync("another one"));

        Assert.Equal(AcodeErrorCode.SchemaTooNew, error.ErrorCode);
        Assert.Equal(AcodeErrorCode.SchemaTooNew, again.ErrorCode);
        Assert.Contains("9.0.0", error.Message, StringComparison.Ordinal);
        Assert.Equal(sessions, SqliteProbe.Count(_temp.DatabasePath, "SELECT count(*) FROM sessions;"));
        Assert.Equal(outbox, SqliteProbe.Count(_temp.DatabasePath, "SELECT count(*) FROM outbox;"));
        Assert.Equal("before the upgrade", SqliteProbe.Scalar(_temp.DatabasePath, "SELECT title FROM sessions;"));
    }

    [Fact]
    public async Task A_vacuum_by_another_process_changes_the_schema_cookie_but_not_the_schema_so_writes_go_on()
    {
        using SqliteWorkspaceDatabase db = _temp.Open();
        var store = new SqliteRunStateStore(db);
        Session session = await store.CreateSessionAsync("before the vacuum");
        long cookie = SqliteProbe.Count(_temp.DatabasePath, "PRAGMA schema_version;");

        SqliteProbe.Execute(_temp.DatabasePath, "CREATE TABLE scratch (x); DROP TABLE scratch; VACUUM;");
        Assert.NotEqual(cookie, SqliteProbe.Count(_temp.DatabasePath, "PRAGMA schema_version;"));
        session.Rename("after the vacuum");
        await store.SaveAsync(session);
        await store.CreateSessionAsync("one more");

        Assert.Equal("after the vacuum", SqliteProbe.Scalar(_temp.DatabasePath, "SELECT title FROM sessions WHERE id = $id;", ("$id", session.Id.Value)));
        Assert.Equal(2, SqliteProbe.Count(_temp.DatabasePath, "SELECT count(*) FROM sessions;"));
    }
}
