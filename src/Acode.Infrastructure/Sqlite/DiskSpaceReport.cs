using System.Globalization;

namespace Acode.Infrastructure.Sqlite;

/// <summary>
/// The free space on the file system of <c>.agent/</c>, for <c>acode db check</c>. <paramref name="FreeBytes"/> is null
/// when it cannot be read; <paramref name="WalBytes"/> is the <c>-wal</c> file's size, which a checkpoint may need as
/// free space again to write the WAL back into the database file.
/// </summary>
internal sealed record DiskSpaceReport(string Folder, long? FreeBytes, long WalBytes)
{
    /// <summary>The disk is full (below <see cref="DiskSpace.FullBelowBytes"/> free): writes and checkpoints fail.</summary>
    public bool IsFull => FreeBytes < DiskSpace.FullBelowBytes;

    /// <summary>Not full, but with less room than the WAL: a checkpoint may not be able to finish.</summary>
    public bool IsLow => !IsFull && FreeBytes < WalBytes;

    /// <summary>Measures the file system of <paramref name="agentFolder"/> now.</summary>
    public static DiskSpaceReport Measure(string agentFolder, long walBytes) => new(agentFolder, DiskSpace.FreeBytes(agentFolder), walBytes);

    /// <summary>One line for a report: the free space and, when it is short, what it blocks and what to do.</summary>
    public string Describe()
    {
        if (FreeBytes is not { } free)
        {
            return "free space unknown (the file system does not report it)";
        }

        string wal = WalBytes > 0 ? MiB(WalBytes) : "nothing";
        if (IsFull)
        {
            return $"disk full: {free.ToString("N0", CultureInfo.InvariantCulture)} bytes free on the file system of {Folder}; the WAL holds {wal} not yet written back into the database file, and every write fails (ACODE-DB-001). "
                + "Nothing saved is lost: free at least a few MiB on that disk (delete or move large files), then run 'acode db check' again";
        }

        return IsLow
            ? $"low: {DiskSpace.Describe(free)} free on the file system of {Folder}, less than the WAL's {wal} that a checkpoint may need to write back; free some space before the disk fills"
            : $"{DiskSpace.Describe(free)} free on the file system of {Folder}";
    }

    private static string MiB(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024):0.0} MiB");
}
