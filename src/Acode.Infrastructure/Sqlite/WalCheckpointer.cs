using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Acode.Infrastructure.Sqlite;

/// <summary>
/// Copies the WAL into the database file in the background, so no save waits for it. SQLite's own automatic checkpoint
/// runs inside the commit that crosses its threshold (one save in every few hundred then also copies the WAL and syncs the
/// database file: that save takes milliseconds, not its usual fraction of one); the writer turns it off
/// (<c>wal_autocheckpoint = 0</c>) and reports the frames each commit appended here instead. Once
/// <see cref="ThresholdFrames"/> have been appended since the last run, a <c>PRAGMA wal_checkpoint(PASSIVE)</c> runs on a
/// thread-pool thread, on a connection of its own: it copies what no reader still needs, never waits for a reader or a
/// writer, and does not hold the write lock, so saves go on meanwhile. The next commit after a checkpoint that copied
/// everything starts the WAL over (truncated to <c>journal_size_limit</c>); a run repeats its pass while saves appended
/// frames during the last one (<see cref="MaxPasses"/>). One run at a time.
/// </summary>
/// <remarks>
/// The WAL's hard bound (<c>walSizeLimitMegabytes</c>, <c>SqliteWorkspaceDatabase.Wal.cs</c>) is untouched: a writer that
/// finds the file above it after a commit still empties it with a <c>TRUNCATE</c> checkpoint when nothing holds it.
/// </remarks>
internal sealed class WalCheckpointer : IDisposable
{
    private readonly SqliteConnectionFactory _connections;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private SqliteConnection? _connection;
    private Task _running = Task.CompletedTask;
    private long _framesSinceRun;
    private bool _disposed;

    /// <param name="connections">The database's connection factory.</param>
    /// <param name="thresholdFrames">WAL frames (pages) appended after which a checkpoint runs: what <c>wal_autocheckpoint</c> would have been.</param>
    /// <param name="logger">Where a failed checkpoint is reported (the next threshold tries again).</param>
    public WalCheckpointer(SqliteConnectionFactory connections, long thresholdFrames, ILogger logger)
    {
        _connections = connections;
        ThresholdFrames = thresholdFrames;
        _logger = logger;
    }

    /// <summary>WAL frames appended after which a background checkpoint starts.</summary>
    public long ThresholdFrames { get; }

    /// <summary>Checkpoints run so far (for tests and diagnostics).</summary>
    public int Runs { get; private set; }

    /// <summary>
    /// Counts the frames a commit appended to the WAL (<c>SQLITE_DBSTATUS_CACHE_WRITE</c> of the writer, reset on each
    /// read) and starts a background checkpoint once they pass the threshold. Call after each commit, on the writer, with
    /// the write gate held. Never throws and never waits.
    /// </summary>
    public void Committed(SqliteConnection writer)
    {
        int written = FramesWritten(writer);
        lock (_gate)
        {
            _framesSinceRun += written;
            if (_disposed || _framesSinceRun < ThresholdFrames || !_running.IsCompleted)
            {
                return;
            }

            _framesSinceRun = 0;
            _running = Task.Run(Checkpoint);
        }
    }

    /// <summary>Frames the writer has appended since the last call (and resets the count).</summary>
    public static int FramesWritten(SqliteConnection writer)
    {
        int rc = SQLitePCL.raw.sqlite3_db_status(writer.Handle, SQLitePCL.raw.SQLITE_DBSTATUS_CACHE_WRITE, out int current, out _, 1);
        return rc == SQLitePCL.raw.SQLITE_OK ? current : 0;
    }

    /// <summary>
    /// Waits for a running background checkpoint, if any (it copies at most <see cref="ThresholdFrames"/> pages plus what
    /// was appended meanwhile). The writer calls it, with the write gate held, before a <c>TRUNCATE</c> checkpoint of its
    /// own, which a running one would otherwise make fail as busy.
    /// </summary>
    public void WaitForRun()
    {
        Task running;
        lock (_gate)
        {
            running = _running;
        }

        running.Wait();
    }

    /// <summary>Waits for a running checkpoint and closes the checkpointer's connection (before the writer's close, which must be the last).</summary>
    public void Dispose()
    {
        Task running;
        lock (_gate)
        {
            _disposed = true;
            running = _running;
        }

        running.Wait();
        _connection?.Dispose();
        _connection = null;
    }

    /// <summary>
    /// Most passes of one run. A pass copies the frames that were in the WAL when it began; saves that commit meanwhile
    /// append more, and SQLite starts the WAL over only after a checkpoint that left nothing behind, so a run repeats
    /// while each pass copies something and something is left.
    /// </summary>
    private const int MaxPasses = 8;

    private void Checkpoint()
    {
        try
        {
            _connection ??= _connections.OpenCheckpointer();
            using SqliteCommand command = _connection.CreateCommand();
            command.CommandText = "PRAGMA wal_checkpoint(PASSIVE);";
            long copied = -1;
            for (int pass = 0; pass < MaxPasses; pass++)
            {
                long log, checkpointed;
                using (SqliteDataReader reader = command.ExecuteReader())
                {
                    reader.Read();
                    log = reader.GetInt64(1);
                    checkpointed = reader.GetInt64(2);
                }

                // Done when everything is copied, or when a pass copied nothing more: a reader's snapshot holds the rest.
                if (log < 0 || checkpointed >= log || checkpointed == copied)
                {
                    break;
                }

                copied = checkpointed;
            }

            Runs++;
        }
        catch (Exception ex)
        {
            // Whatever failed, the saves are committed; a checkpoint that failed only leaves the WAL longer until the next
            // one. Nothing may escape: the writer waits for this task before its own checkpoints.
            Log.WalCheckpointFailed(_logger, _connections.DatabasePath, ex);
            _connection?.Dispose();
            _connection = null;
        }
    }
}
