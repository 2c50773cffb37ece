using Acode.Infrastructure.Sqlite;
using Acode.Infrastructure.Tests.Support;

namespace Acode.Infrastructure.Tests.Sqlite;

/// <summary>
/// <c>Check</c> in a long-lived process, after another connection merged the full-text index's segments (a removal gives
/// their space back with FTS5's 'optimize'): a reader connection reused from an earlier check holds the index structure of
/// before the merge, and <c>PRAGMA integrity_check</c> read through it reported the merged-away segments as corruption.
/// </summary>
public sealed class CheckAfterIndexMergeTests : IDisposable
{
    private readonly TempWorkspace _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task A_check_after_a_removal_merged_the_search_index_finds_the_database_healthy()
    {
        using SqliteWorkspaceDatabase db = _temp.Open();
        var store = new SqliteRunStateStore(db);
        var removed = new List<SessionId>();
        for (int i = 0; i < 30; i++)
        {
            Session session = await store.CreateSessionAsync($"alpha session {i}");
            session.AddTask($"task omega {i}");
            await store.SaveAsync(session);
            removed.Add(session.Id);
        }

        await store.CreateSessionAsync("keeper zeta");
        Assert.True(db.Check().IsHealthy); // leaves an idle reader connection behind, as any read does
        FullTextRows before = db.CountFullTextRows();
        long spaceBefore = db.SpaceInUse();
        foreach (SessionId id in removed)
        {
            Assert.True(await store.DeleteSessionAsync(id));
        }

        await db.ReclaimSpaceAsync(before, spaceBefore);
        DatabaseCheckReport report = db.Check();

        Assert.True(report.IsHealthy, string.Join("; ", report.IntegrityErrors));
        Assert.Equal(1L, SqliteProbe.Count(_temp.DatabasePath, "SELECT count(*) FROM search_index WHERE search_index MATCH 'zeta OR alpha OR omega';"));
    }
}
