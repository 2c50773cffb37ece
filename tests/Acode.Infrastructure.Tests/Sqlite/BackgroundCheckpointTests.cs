using Acode.Application.Options;
using Acode.Domain.Entities;
using Acode.Infrastructure.Sqlite;
using Acode.Infrastructure.Tests.Support;
using Microsoft.Data.Sqlite;

namespace Acode.Infrastructure.Tests.Sqlite;

/// <summary>
/// Issue 15 part 4: no save copies the WAL into the database file. SQLite's automatic checkpoint, which ran inside the
/// commit that crossed its threshold, is off on the writer; a background checkpointer copies the WAL instead, once per
/// threshold of appended pages (half the WAL bound), and the WAL stays within its bound. Counts and sizes, never times.
/// </summary>
public sealed class BackgroundCheckpointTests : IDisposable
{
    private const long LimitBytes = 1024L * 1024L;

    private static readonly string Result = new('r', 4096);

    private readonly TempWorkspace _temp = new();
    private readonly SqliteOptions _options = new() { WalSizeLimitMegabytes = 1, BusyTimeoutSeconds = 3600, Synchronous = SqliteSynchronous.Normal };

    public void Dispose() => _temp.Dispose();

    [Fact]
    [Trait("Issue", "15.4")]
    public async Task Saves_leave_the_WAL_checkpoint_to_the_background_which_keeps_the_WAL_within_its_bound()
    {
        using (SqliteWorkspaceDatabase database = _temp.Open(_options))
        {
            var store = new SqliteRunStateStore(database);
            Session session = Session.Create("background checkpoints");
            Step step = session.AddTask("work").AddStep("tools");
            await store.SaveAsync(session);
            for (int i = 0; i < 200; i++)
            {
                step.AddToolCall("read_file", "{}").Succeed(Result);
                await store.SaveAsync(session);
            }

            database.WaitForBackgroundCheckpoint();

            Assert.True(database.BackgroundCheckpoints >= 2, $"200 saves of 4 KiB results append far more than the 128-page threshold twice; {database.BackgroundCheckpoints} background checkpoints ran");
            Assert.True(WalBytes() <= LimitBytes, $"the WAL is {WalBytes():N0} bytes; its bound is {LimitBytes:N0}");

            // Everything the background copied is in the main file: a checkpoint now has at most the frames after its last run to copy.
            using SqliteConnection probe = SqliteProbe.Open(_temp.DatabasePath);
            using SqliteCommand checkpoint = probe.CreateCommand();
            checkpoint.CommandText = "PRAGMA wal_checkpoint(PASSIVE);";
            using SqliteDataReader reader = checkpoint.ExecuteReader();
            Assert.True(reader.Read());
            Assert.True(reader.GetInt64(1) < 2 * 128 + 20, $"{reader.GetInt64(1)} frames are in the WAL: the background checkpoint did not keep up");
        }

        Assert.False(File.Exists(_temp.WalPath), "closing the database (after the background checkpointer's connection) checkpoints and removes the WAL");
        Assert.Equal(200, SqliteProbe.Count(_temp.DatabasePath, "SELECT count(*) FROM tool_calls;"));
    }

    private long WalBytes() => File.Exists(_temp.WalPath) ? new FileInfo(_temp.WalPath).Length : 0;
}
