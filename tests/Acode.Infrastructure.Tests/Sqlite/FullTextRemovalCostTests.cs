using System.Globalization;
using System.Text;
using Acode.Infrastructure.Sqlite;
using Acode.Infrastructure.Tests.Support;
using Microsoft.Data.Sqlite;

namespace Acode.Infrastructure.Tests.Sqlite;

/// <summary>
/// What a removal writes to the full-text indexes: deleting one session of many merged both indexes into one segment
/// (FTS5 'optimize'), rewriting every index page through the WAL; a removal of a large share still merges them, so the
/// pages of what it removed are given back.
/// </summary>
public sealed class FullTextRemovalCostTests : IDisposable
{
    private const int WalHeaderBytes = 32;
    private const int WalFrameBytes = 4096 + 24;
    private const string IndexPagesSql = "SELECT count(*) FROM search_index_data;";
    private const string IndexBytesSql = "SELECT ifnull(sum(length(block)), 0) FROM search_index_data;";
    private readonly TempWorkspace _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Deleting_one_session_of_many_writes_a_few_pages_not_the_whole_index()
    {
        using SqliteWorkspaceDatabase db = _temp.Open();
        var store = new SqliteRunStateStore(db);
        List<SessionId> ids = await CreateSessionsAsync(store, 600);
        long indexPages = SqliteProbe.Count(_temp.DatabasePath, IndexPagesSql);
        Assert.True(indexPages > 150, $"{indexPages} pages of index: too few to tell a rewrite from a delete");

        // From an empty WAL, a reader holding its snapshot keeps every frame the removal appends in the WAL, one after
        // the other (no checkpoint can copy them back nor restart the WAL over them while it reads).
        using SqliteConnection reader = SqliteProbe.Open(_temp.DatabasePath);
        SqliteProbe.Scalar(reader, "PRAGMA wal_checkpoint(TRUNCATE);");
        Assert.Equal(0L, new FileInfo(_temp.WalPath).Length);
        using SqliteTransaction snapshot = reader.BeginTransaction(deferred: true);
        using (SqliteCommand read = reader.CreateCommand())
        {
            read.Transaction = snapshot;
            read.CommandText = "SELECT count(*) FROM sessions;";
            read.ExecuteScalar();
        }

        FullTextRows before = db.CountFullTextRows();
        long spaceBefore = db.SpaceInUse();
        Assert.True(await store.DeleteSessionAsync(ids[300]));
        SpaceReport space = await db.ReclaimSpaceAsync(before, spaceBefore);

        long frames = (new FileInfo(_temp.WalPath).Length - WalHeaderBytes) / WalFrameBytes;
        Assert.NotNull(space.Note); // the reader held the WAL
        Assert.True(frames * 2 < indexPages, string.Create(CultureInfo.InvariantCulture, $"{frames} WAL frames written by deleting one session of 600 (index of {indexPages} pages)"));
        snapshot.Rollback();
        Assert.Equal(599L, SqliteProbe.Count(_temp.DatabasePath, "SELECT count(*) FROM search_index WHERE search_index MATCH 'marker';"));
        Assert.True(db.Check().IsHealthy);
    }

    [Fact]
    public async Task Removing_a_large_share_of_the_sessions_gives_their_index_pages_back()
    {
        using SqliteWorkspaceDatabase db = _temp.Open();
        var store = new SqliteRunStateStore(db);
        List<SessionId> ids = await CreateSessionsAsync(store, 200);
        long bytesBefore = SqliteProbe.Count(_temp.DatabasePath, IndexBytesSql);

        FullTextRows before = db.CountFullTextRows();
        long spaceBefore = db.SpaceInUse();
        foreach (SessionId id in ids.Take(150))
        {
            Assert.True(await store.DeleteSessionAsync(id));
        }

        await db.ReclaimSpaceAsync(before, spaceBefore);

        long bytesAfter = SqliteProbe.Count(_temp.DatabasePath, IndexBytesSql);
        Assert.True(bytesAfter * 2 < bytesBefore, $"{bytesAfter} bytes of index data left of {bytesBefore} after removing 150 of 200 sessions");
        Assert.Equal(50L, SqliteProbe.Count(_temp.DatabasePath, "SELECT count(*) FROM search_index WHERE search_index MATCH 'marker';"));
        Assert.True(db.Check().IsHealthy);
    }

    /// <summary><paramref name="count"/> sessions, each with a task of 250 words drawn from 4 000 and the word <c>marker</c>.</summary>
    private static async Task<List<SessionId>> CreateSessionsAsync(SqliteRunStateStore store, int count)
    {
        var random = new Random(7);
        var ids = new List<SessionId>();
        for (int i = 0; i < count; i++)
        {
            var text = new StringBuilder("marker");
            for (int w = 0; w < 250; w++)
            {
                text.Append(CultureInfo.InvariantCulture, $" w{random.Next(4000)}");
            }

            Session session = await store.CreateSessionAsync($"session {i}");
            session.AddTask($"task {i}", text.ToString());
            await store.SaveAsync(session);
            ids.Add(session.Id);
        }

        return ids;
    }
}
