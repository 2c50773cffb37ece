using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Acode.Infrastructure.Sqlite;

/// <summary>
/// Keeping the WAL small. A read transaction keeps SQLite from copying the frames written after it began into the database
/// file and from starting the WAL over, so while one stays open (in any process) the WAL grows with every commit.
/// Once it ends, the next automatic checkpoint copies everything, the next commit starts the WAL over and truncates it to
/// <c>journal_size_limit</c>; and a writer that sees the WAL above its bound after a commit tries at once a checkpoint that
/// empties it, never waiting for a reader (<see cref="SqliteConnectionFactory.TryCheckpointWal"/>).
/// </summary>
public sealed partial class SqliteWorkspaceDatabase
{
    /// <summary>Commits that pass without looking at the WAL after a checkpoint was blocked: a held WAL is not retried on every commit.</summary>
    private const int CommitsBetweenBlockedCheckpoints = 32;

    private int _walLooksSkipped;
    private bool _walHeld;
    private ILogger? _logger;

    private ILogger Logger => _logger ??= LoggerFactory.CreateLogger<SqliteWorkspaceDatabase>();

    /// <summary>
    /// The WAL's size against <see cref="Application.Options.SqliteOptions.WalSizeLimitBytes"/>. When it is above, first
    /// tries a checkpoint that empties it (which changes no data and never waits for a reader) and reports what it did;
    /// on a read-only database (<see cref="IsReadOnly"/>) it only measures.
    /// </summary>
    internal async Task<WalReport> CheckWalAsync(CancellationToken cancellationToken = default)
    {
        await EnterWriteAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            long limit = Options.WalSizeLimitBytes;
            long before = Connections.WalBytes();
            if (before <= limit || IsReadOnly)
            {
                return new WalReport(before, before, limit, CheckpointTried: false, Blocked: false, -1, -1, IsReadOnly, ReadOnlyMount);
            }

            WalCheckpoint checkpoint = Connections.Guard(() => Connections.TryCheckpointWal(_writer));
            return new WalReport(before, Connections.WalBytes(), limit, CheckpointTried: true, checkpoint.Blocked, checkpoint.LogFrames, checkpoint.CheckpointedFrames);
        }
        finally
        {
            _writeGate.Release();
        }
    }

    /// <summary>After a commit (or on open), with the write gate held: empties a WAL above its bound if nothing holds it. Never throws.</summary>
    private void KeepWalBounded()
    {
        if (IsReadOnly)
        {
            return;
        }

        if (_walLooksSkipped > 0)
        {
            _walLooksSkipped--;
            return;
        }

        try
        {
            long limit = Options.WalSizeLimitBytes;
            long bytes = Connections.WalBytes();
            if (bytes <= limit)
            {
                _walHeld = false;
                return;
            }

            WalCheckpoint checkpoint = Connections.TryCheckpointWal(_writer);
            if (checkpoint.Blocked || Connections.WalBytes() > limit)
            {
                _walLooksSkipped = CommitsBetweenBlockedCheckpoints;
                if (!_walHeld)
                {
                    Log.WalHeld(Logger, Workspace.DatabasePath, bytes >> 20, limit >> 20, checkpoint.LogFrames, checkpoint.CheckpointedFrames);
                }

                _walHeld = true;
                return;
            }

            Log.WalReset(Logger, Workspace.DatabasePath, bytes >> 20, limit >> 20);
            _walHeld = false;
        }
        catch (Exception ex) when (ex is SqliteException or IOException or UnauthorizedAccessException)
        {
            // The commit is done; a checkpoint that failed only leaves the WAL as it was.
            _walLooksSkipped = CommitsBetweenBlockedCheckpoints;
            Log.WalCheckpointFailed(Logger, Workspace.DatabasePath, ex);
        }
    }
}
