using Acode.Application.Options;
using Acode.Domain.Entities;
using Acode.Infrastructure.Sqlite;
using Acode.Infrastructure.Tests.Support;
using Microsoft.Data.Sqlite;

namespace Acode.Infrastructure.Tests.Sqlite;

/// <summary>
/// The writer's automatic checkpoint runs once per threshold of appended pages (half the WAL bound, at most 1000), so a
/// store that saves steadily keeps its WAL within its bound. (Issue 15 part 4 tried a background checkpointer instead; it
/// let the WAL grow to the bound under steady saves and measured slower, docs/performance.md.) Counts and sizes, never times.
/// </summary>
public sealed class AutomaticCheckpointTests : IDisposable
{
    private const long LimitBytes = 1024L * 1024L;

    private static readonly string Result = new('r', 4096);

    private readonly TempWorkspace _temp = new();
    private readonly SqliteOptions _options = new() { WalSizeLimitMegabytes = 1, BusyTimeoutSeconds = 3600, Synchronous = SqliteSynchronous.Normal };

    public void Dispose() => _temp.Dispose();

    [Fact]
    [Trait("Issue", "15.4")]
    public async Task Steady_saves_keep_the_WAL_within_its_bound_and_the_checkpoint_caught_up()
    {
        using (SqliteWorkspaceDatabase database = _temp.Open(_options))
        {
            var store = new SqliteRunStateStore(database);
            Session session = Session.Create("automatic checkpoints");
            Step step = session.AddTask("work").AddStep("tools");
            await store.SaveAsync(session);
            for (int i = 0; i < 200; i++)
            {
                step.AddToolCall("read_file", "{}").Succeed(Result);
                await store.SaveAsync(session);
            }

            Assert.True(WalBytes() <= LimitBytes, $"the WAL is {WalBytes():N0} bytes; its bound is {LimitBytes:N0}");

            // 200 saves of 4 KiB results append many times the 128-page threshold; what the automatic checkpoints copied is
            // in the main file, so a checkpoint now has at most the frames after the last one to copy.
            using SqliteConnection probe = SqliteProbe.Open(_temp.DatabasePath);
            using SqliteCommand checkpoint = probe.CreateCommand();
            checkpoint.CommandText = "PRAGMA wal_checkpoint(PASSIVE);";
            using SqliteDataReader reader = checkpoint.ExecuteReader();
            Assert.True(reader.Read());
            Assert.True(reader.GetInt64(1) < 2 * 128 + 20, $"{reader.GetInt64(1)} frames are in the WAL: the automatic checkpoint did not keep up");
        }

        Assert.False(File.Exists(_temp.WalPath), "closing the database checkpoints and removes the WAL");
        Assert.Equal(200, SqliteProbe.Count(_temp.DatabasePath, "SELECT count(*) FROM tool_calls;"));
    }

    private long WalBytes() => File.Exists(_temp.WalPath) ? new FileInfo(_temp.WalPath).Length : 0;
}
