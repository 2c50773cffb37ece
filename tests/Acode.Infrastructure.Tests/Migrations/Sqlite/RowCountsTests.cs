using Acode.Application;
using Acode.Application.Outbox;
using Acode.Application.Serialization;
using Acode.Domain.Entities;
using Acode.Infrastructure.Migrations;
using Acode.Infrastructure.Sqlite;
using Acode.Infrastructure.Tests.Support;
using Microsoft.Data.Sqlite;

namespace Acode.Infrastructure.Tests.Migrations.Sqlite;

/// <summary>
/// Schema 1.1.0: the trigger-kept row counters behind <c>acode db status</c>. Every test compares them with real
/// <c>count(*)</c>s taken through an independent connection, after the kinds of writes that change row counts.
/// </summary>
public sealed class RowCountsTests : IDisposable
{
    private readonly TempWorkspace _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    [Trait("AC", "AC-010")]
    public async Task Counters_follow_saves_deletes_with_their_cascades_and_event_appends()
    {
        using SqliteWorkspaceDatabase db = _temp.Open();
        var store = new SqliteRunStateStore(db);
        Session kept = TestSessions.Rich("kept");
        Session deleted = TestSessions.Rich("deleted");
        await store.SaveAllAsync([kept, deleted]);
        await store.AppendEventAsync(kept.Id, "note.added", "{\"n\":1}");
        AssertCountersMatchTheTables(db);
        Assert.Equal(2, db.GetStatistics().RowCounts["sessions"]);

        Assert.True(await store.DeleteSessionAsync(deleted.Id));

        AssertCountersMatchTheTables(db);
        Dictionary<string, long> counts = RealCounts();
        Assert.Equal(1, counts["sessions"]);
        Assert.True(counts["tool_calls"] > 0 && counts["artifacts"] > 0 && counts["steps"] > 0, "the kept session still has children");
        Assert.Equal(counts, db.GetStatistics().RowCounts.ToDictionary(c => c.Key, c => c.Value));
    }

    [Fact]
    [Trait("AC", "AC-041")]
    public async Task Outbox_counters_follow_every_status_change_and_the_pruning()
    {
        using SqliteWorkspaceDatabase db = _temp.Open();
        var store = new SqliteRunStateStore(db);
        var outbox = new SqliteOutbox(db);
        await store.SaveAsync(TestSessions.Rich());
        long total = SqliteProbe.Count(_temp.DatabasePath, "SELECT count(*) FROM outbox;");
        Assert.True(total > 4, "precondition: a rich session writes several outbox records");

        IReadOnlyList<OutboxRecord> claimed = await outbox.ClaimAsync("worker", 100, TimeSpan.FromMinutes(1));
        await outbox.AcknowledgeAsync("worker", [.. claimed.Skip(2).Select(r => r.Id)]);
        await outbox.RecordFailureAsync("worker", claimed[0].Id, "boom", DateTimeOffset.UtcNow, deadLetter: true);
        await outbox.RecordFailureAsync("worker", claimed[1].Id, "again later", DateTimeOffset.UtcNow, deadLetter: false);

        OutboxStatistics stats = await outbox.GetStatisticsAsync();
        Assert.Equal((1L, 1L, total - 2), (stats.Pending, stats.Failed, stats.Processed));
        AssertCountersMatchTheTables(db);

        Assert.Equal(1, await outbox.RequeueFailedAsync(null));
        Assert.Equal(2, (await outbox.GetStatisticsAsync()).Pending);
        AssertCountersMatchTheTables(db);
        Assert.Equal(total - 2, await outbox.RequeueProcessedAsync());
        Assert.Equal((total, 0L), ((await outbox.GetStatisticsAsync()).Pending, (await outbox.GetStatisticsAsync()).Processed));
        IReadOnlyList<OutboxRecord> again = await outbox.ClaimAsync("worker", 100, TimeSpan.FromMinutes(1));
        await outbox.ReleaseAsync("worker", [again[0].Id, again[1].Id]);
        Assert.Equal(total - 2, await outbox.AcknowledgeAsync("worker", [.. again.Skip(2).Select(r => r.Id)]));
        AssertCountersMatchTheTables(db);
        await Task.Delay(10);
        Assert.Equal(total - 2, await outbox.PruneProcessedAsync(TimeSpan.Zero));

        stats = await outbox.GetStatisticsAsync();
        Assert.Equal((2L, 0L, 0L), (stats.Pending, stats.Failed, stats.Processed));
        Assert.Equal(2, db.GetStatistics().RowCounts["outbox"]);
        AssertCountersMatchTheTables(db);
    }

    [Fact]
    [Trait("AC", "AC-010")]
    [Trait("AC", "AC-011")]
    public async Task Upgrading_a_populated_1_0_0_workspace_starts_the_counters_from_its_rows()
    {
        Migration initial = MigrationCatalog.For(MigrationCatalog.Sqlite)[0];
        using (SqliteWorkspaceDatabase old = _temp.Open(migrations: [initial]))
        {
            await OldSchemaSessions.SaveAllAsync(old, [TestSessions.Rich("one"), TestSessions.Rich("two"), TestSessions.Rich("three")]);
        }

        Assert.Equal(0, SqliteProbe.Count(_temp.DatabasePath, "SELECT count(*) FROM sqlite_schema WHERE name = 'row_counts';"));

        using SqliteWorkspaceDatabase db = _temp.Open();

        Assert.Equal("1.1.0", db.GetMigrationStatus().Applied.Single(a => a.Name == "RowCounts").VersionText);
        Assert.Equal(3, db.GetStatistics().RowCounts["sessions"]);
        AssertCountersMatchTheTables(db);
    }

    [Fact]
    public async Task Imports_and_writes_from_other_programs_are_counted_too()
    {
        using SqliteWorkspaceDatabase db = _temp.Open();
        var builder = new SessionGraphBuilder();
        using (var source = new TempWorkspace())
        {
            using SqliteWorkspaceDatabase other = source.Open();
            var exporter = new SqliteRunStateStore(other);
            Session saved = TestSessions.Rich();
            await exporter.SaveAsync(saved);
            Session loaded = (await exporter.GetSessionAsync(saved.Id))!;
            foreach (string line in TestSessions.Documents(loaded).Concat(TestSessions.Documents(await exporter.ReadEventsAsync(loaded))))
            {
                builder.Add(EntityJson.Deserialize(line));
            }
        }

        ImportResult imported = await new SqliteRunStateStore(db).ImportAsync(builder.Session!, builder.Events);
        Assert.True(imported.Inserted > 0, "precondition: the import wrote rows");
        SqliteProbe.Execute(_temp.DatabasePath, "DELETE FROM session_events WHERE sequence = 1;");

        AssertCountersMatchTheTables(db);
    }

    [Fact]
    [Trait("AC", "AC-041")]
    public async Task A_status_changed_by_another_program_is_counted_right()
    {
        using SqliteWorkspaceDatabase db = _temp.Open();
        var outbox = new SqliteOutbox(db);
        await new SqliteRunStateStore(db).SaveAsync(TestSessions.Rich());
        long total = SqliteProbe.Count(_temp.DatabasePath, "SELECT count(*) FROM outbox;");

        SqliteProbe.Execute(_temp.DatabasePath, "UPDATE outbox SET status = 'Processed', processed_at = updated_at WHERE id IN (SELECT id FROM outbox ORDER BY id LIMIT 3);");
        SqliteProbe.Execute(_temp.DatabasePath, "UPDATE outbox SET status = 'Failed' WHERE id = (SELECT max(id) FROM outbox);");

        OutboxStatistics stats = await outbox.GetStatisticsAsync();
        Assert.Equal((total - 4, 1L, 3L), (stats.Pending, stats.Failed, stats.Processed));
        AssertCountersMatchTheTables(db);
    }

    [Fact]
    public async Task A_rolled_back_write_leaves_the_counters_alone()
    {
        using SqliteWorkspaceDatabase db = _temp.Open();
        await new SqliteRunStateStore(db).SaveAsync(TestSessions.Rich());
        Dictionary<string, long> before = db.GetStatistics().RowCounts.ToDictionary(c => c.Key, c => c.Value);

        using (SqliteConnection connection = SqliteProbe.Open(_temp.DatabasePath))
        {
            SqliteProbe.Execute(connection, "BEGIN IMMEDIATE; DELETE FROM sessions; DELETE FROM outbox;");
            Assert.Equal(0, SqliteProbe.Count(connection, "SELECT row_count FROM row_counts WHERE name = 'sessions';"));
            SqliteProbe.Execute(connection, "ROLLBACK;");
        }

        Assert.Equal(before, db.GetStatistics().RowCounts.ToDictionary(c => c.Key, c => c.Value));
        AssertCountersMatchTheTables(db);
    }

    [Fact]
    public async Task Check_finds_a_damaged_counter_and_recount_repairs_it()
    {
        using SqliteWorkspaceDatabase db = _temp.Open();
        await new SqliteRunStateStore(db).SaveAsync(TestSessions.Rich());
        SqliteProbe.Execute(_temp.DatabasePath, "UPDATE row_counts SET row_count = 41 WHERE name = 'tool_calls'; DELETE FROM row_counts WHERE name = 'artifacts'; UPDATE row_counts SET row_count = -5 WHERE name = 'steps';");
        long toolCalls = SqliteProbe.Count(_temp.DatabasePath, "SELECT count(*) FROM tool_calls;");
        long artifacts = SqliteProbe.Count(_temp.DatabasePath, "SELECT count(*) FROM artifacts;");
        long steps = SqliteProbe.Count(_temp.DatabasePath, "SELECT count(*) FROM steps;");

        IReadOnlyList<string> problems = db.CheckRowCounts();

        // A negative counter is a wrong one, not a missing one (it was "no counter").
        Assert.Equal([$"steps: counter says -5, the table holds {steps:N0}", $"tool_calls: counter says 41, the table holds {toolCalls:N0}", $"artifacts: no counter (the table holds {artifacts:N0})"], problems);
        Assert.Equal(["steps", "artifacts"], db.GetStatistics().UncountedTables);
        Assert.Equal(3, await db.RecountRowsAsync());
        Assert.Empty(db.CheckRowCounts());
        Assert.Empty(db.GetStatistics().UncountedTables);
        Assert.Equal(0, await db.RecountRowsAsync());
        Assert.Equal(toolCalls, db.GetStatistics().RowCounts["tool_calls"]);
    }

    [Fact]
    public void The_status_queries_scan_no_table_but_the_counters()
    {
        using SqliteWorkspaceDatabase db = _temp.Open();
        using SqliteConnection connection = SqliteProbe.Open(_temp.DatabasePath);

        foreach (string sql in new[] { SqliteWorkspaceDatabase.RowCountsSql, SqliteOutbox.StatisticsSql, OutboxBacklogReader.PendingSql, OutboxBacklogReader.DeadLettersSql, OutboxBacklogReader.OldestPendingSql })
        {
            List<string> plan = SqliteProbe.Rows(connection, "EXPLAIN QUERY PLAN " + sql).Select(r => (string)r["detail"]!).ToList();
            Assert.NotEmpty(plan);
            Assert.All(plan.Where(p => p.StartsWith("SCAN ", StringComparison.Ordinal)), p => Assert.Contains(p, new[] { "SCAN row_counts", "SCAN CONSTANT ROW" }));
        }
    }

    private void AssertCountersMatchTheTables(SqliteWorkspaceDatabase db)
    {
        Assert.Empty(db.CheckRowCounts());
        Assert.Equal(RealCounts(), db.GetStatistics().RowCounts.ToDictionary(c => c.Key, c => c.Value));
    }

    private Dictionary<string, long> RealCounts()
        => SqliteWorkspaceDatabase.Tables.ToDictionary(t => t, t => SqliteProbe.Count(_temp.DatabasePath, $"SELECT count(*) FROM {t};"));
}
