using Acode.Infrastructure.Sqlite;
using Acode.Infrastructure.Tests.Support;

namespace Acode.Infrastructure.Tests.Sqlite;

public sealed class SqliteWorkspaceDatabaseDiagnosticsTests : IDisposable
{
    private readonly TempWorkspace _temp = new();
    private readonly SqliteWorkspaceDatabase _db;

    public SqliteWorkspaceDatabaseDiagnosticsTests() => _db = _temp.Open();

    public void Dispose()
    {
        _db.Dispose();
        _temp.Dispose();
    }

    [Fact]
    public void Check_reports_a_fresh_database_as_healthy()
    {
        DatabaseCheckReport report = _db.Check();

        Assert.True(report.IsHealthy);
        Assert.Empty(report.IntegrityErrors);
        Assert.Empty(report.ForeignKeyViolations);
    }

    [Fact]
    public async Task Check_reports_rows_whose_parent_is_missing()
    {
        Session session = TestSessions.Rich();
        await new SqliteRunStateStore(_db).SaveAsync(session);
        using (Microsoft.Data.Sqlite.SqliteConnection connection = SqliteProbe.Open(_temp.DatabasePath))
        {
            // Without foreign keys the delete cannot cascade: the task's step is left behind as an orphan.
            SqliteProbe.Execute(connection, "PRAGMA foreign_keys = OFF;");
            SqliteProbe.Execute(connection, "DELETE FROM session_tasks WHERE ordinal = 2;");
        }


        DatabaseCheckReport report = _db.Check();

        Assert.False(report.IsHealthy);
        Assert.Empty(report.IntegrityErrors);
        string violation = Assert.Single(report.ForeignKeyViolations);
        Assert.Contains("steps", violation, StringComparison.Ordinal);
        Assert.Contains("session_tasks", violation, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetStatistics_counts_the_rows_of_every_table()
    {
        Session session = TestSessions.Rich();
        int changes = session.PendingChanges.Count;
        await new SqliteRunStateStore(_db).SaveAsync(session);
        await new SqliteRunStateStore(_db).CreateSessionAsync("second");

        DatabaseStatistics statistics = _db.GetStatistics();

        Assert.Equal(2, statistics.RowCounts["sessions"]);
        Assert.Equal(2, statistics.RowCounts["session_tasks"]);
        Assert.Equal(3, statistics.RowCounts["steps"]);
        Assert.Equal(4, statistics.RowCounts["tool_calls"]);
        Assert.Equal(3, statistics.RowCounts["artifacts"]);
        Assert.Equal(session.LastEventSequence + 1, statistics.RowCounts["session_events"]);
        Assert.Equal(changes + 2, statistics.RowCounts["outbox"]);
        Assert.Equal(SqliteWorkspaceDatabase.Tables.Order(StringComparer.Ordinal), statistics.RowCounts.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(new FileInfo(_temp.DatabasePath).Length, statistics.DatabaseBytes);
        Assert.True(statistics.WalBytes > 0, "the saves are in the WAL until a checkpoint");
    }

    [Fact]
    public void GetStatistics_of_a_fresh_database_counts_zero_rows()
    {
        DatabaseStatistics statistics = _db.GetStatistics();

        Assert.All(statistics.RowCounts.Values, count => Assert.Equal(0, count));
        Assert.True(statistics.DatabaseBytes > 0);
    }
}
