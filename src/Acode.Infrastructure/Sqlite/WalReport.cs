using System.Globalization;

namespace Acode.Infrastructure.Sqlite;

/// <summary>
/// The <c>-wal</c> file against its bound (<c>persistence:sqlite:walSizeLimitMegabytes</c>), for <c>acode db check</c>.
/// Sizes in bytes: <paramref name="BytesBefore"/> when the check began, <paramref name="Bytes"/> after the checkpoint
/// it tried when the WAL was above the bound (<paramref name="CheckpointTried"/>). <paramref name="Blocked"/>: that
/// checkpoint could not reset the WAL; <paramref name="LogFrames"/> frames were in it, <paramref name="CheckpointedFrames"/>
/// of them copied into the database file (-1 when unknown). <paramref name="ReadOnly"/>: the database was opened read-only,
/// so no checkpoint was tried; <paramref name="Mount"/>: because its file system is mounted read-only (null for a permission).
/// </summary>
internal sealed record WalReport(long BytesBefore, long Bytes, long LimitBytes, bool CheckpointTried, bool Blocked, long LogFrames, long CheckpointedFrames, bool ReadOnly = false, ReadOnlyFileSystem? Mount = null)
{
    /// <summary>The WAL is still above its bound.</summary>
    public bool IsOversized => Bytes > LimitBytes;

    /// <summary>One line for a report: the size and, when it is above the bound, what holds it and what to do.</summary>
    public string Describe()
    {
        string limit = MiB(LimitBytes);
        if (!IsOversized)
        {
            return CheckpointTried
                ? $"was {MiB(BytesBefore)}, above its bound of {limit}; a checkpoint reset it to {MiB(Bytes)}"
                : $"{MiB(Bytes)} (bound {limit})";
        }

        if (ReadOnly && Mount is not null)
        {
            string at = Mount.MountPoint is null ? "" : $" at '{Mount.MountPoint}'";
            return $"{MiB(Bytes)}, above its bound of {limit} (persistence:sqlite:walSizeLimitMegabytes); the workspace's file system is mounted read-only{at}, so it was not checkpointed. The first acode command there after it is remounted read-write shrinks it. No data is at risk";
        }

        if (ReadOnly)
        {
            return $"{MiB(Bytes)}, above its bound of {limit} (persistence:sqlite:walSizeLimitMegabytes); this user may not write the workspace, so it was not checkpointed. The workspace's owner's next acode command there shrinks it. No data is at risk";
        }

        string holder = !Blocked
            ? "it was checkpointed but is above the bound again: another process is writing a large transaction; run the check again when it is done"
            : LogFrames > CheckpointedFrames && CheckpointedFrames >= 0
                ? string.Create(CultureInfo.InvariantCulture, $"a read transaction that began before the last {LogFrames - CheckpointedFrames:N0} of its {LogFrames:N0} frames holds it, so SQLite can neither copy them into the database file nor start the WAL over")
                : "a read transaction is open on the database, so SQLite cannot start the WAL over (everything in it is already in the database file)";
        return $"{MiB(Bytes)}, above its bound of {limit} (persistence:sqlite:walSizeLimitMegabytes): {holder}. "
            + "The reader is most likely another process: a host program, or a tool such as sqlite3 or DB Browser, that keeps a query or transaction open. "
            + "End that transaction or close that program; the WAL then shrinks at the next write or 'acode db check'. No data is at risk; meanwhile it takes disk space and slows reads";
    }

    private static string MiB(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024):0.0} MiB");
}
