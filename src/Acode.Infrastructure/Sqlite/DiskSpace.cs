using System.Globalization;

namespace Acode.Infrastructure.Sqlite;

/// <summary>
/// The free space of the file system that holds a path (statvfs, through <see cref="DriveInfo"/>), to tell a full disk
/// from other I/O faults: SQLite reports a failed write of its <c>-wal</c> or <c>-shm</c> file as SQLITE_IOERR_* (e.g.
/// SQLITE_IOERR_SHMSIZE, 4874) without the errno, so a fault on a disk with (almost) no space left is taken as ENOSPC.
/// </summary>
internal static class DiskSpace
{
    /// <summary>Below this many free bytes (1 MiB) a disk counts as full: SQLite needs room for whole pages and 32 KiB -shm blocks.</summary>
    public const long FullBelowBytes = 1L << 20;

    /// <summary>The errno of ENOSPC on Linux and macOS; .NET puts it in <see cref="Exception.HResult"/> of an <see cref="IOException"/> on Unix.</summary>
    private const int NoSpaceErrno = 28;

    /// <summary>Bytes free to this user on the file system of <paramref name="path"/> (a file or folder; the nearest existing parent is used), or null when unknown.</summary>
    public static long? FreeBytes(string path)
    {
        try
        {
            string? existing = Path.GetFullPath(path);
            while (existing is not null && !Directory.Exists(existing))
            {
                existing = Path.GetDirectoryName(existing);
            }

            return existing is null ? null : new DriveInfo(existing).AvailableFreeSpace;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return null;
        }
    }

    /// <summary>The free bytes when the file system of <paramref name="path"/> is full (below <see cref="FullBelowBytes"/>), else null.</summary>
    public static long? FullOrNull(string path) => FreeBytes(path) is { } free && free < FullBelowBytes ? free : null;

    /// <summary>Whether <paramref name="ex"/> is ENOSPC ("No space left on device") from a .NET file operation.</summary>
    public static bool IsNoSpace(IOException ex) => ex.HResult == NoSpaceErrno || (ex.HResult & 0xFFFF) == 112; // 112: ERROR_DISK_FULL on Windows

    /// <summary>A byte count for messages: exact below 1 KiB, else KiB or MiB with one decimal.</summary>
    public static string Describe(long bytes) => bytes switch
    {
        < 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes} bytes"),
        < 1L << 20 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.#} KiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024):0.#} MiB"),
    };
}
