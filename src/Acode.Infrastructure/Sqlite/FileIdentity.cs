namespace Acode.Infrastructure.Sqlite;

/// <summary>
/// Which file a path names (device and inode), so that a process keeping a database open can tell that the file at its
/// path was replaced (removed and created anew, or another moved there) while it held the old one. Asked of Linux
/// (<see cref="Statx"/>); elsewhere not known (<see cref="Of"/> returns null).
/// </summary>
/// <param name="Device">The device the file is on (major × 2³² + minor).</param>
/// <param name="Inode">The file's inode number on that device.</param>
internal readonly record struct FileIdentity(ulong Device, ulong Inode)
{
    /// <summary>The identity of the file at <paramref name="path"/>; null when it does not exist, cannot be asked, or the platform has no such call.</summary>
    public static FileIdentity? Of(string path)
        => Statx.Query(path, Statx.InodeMask) is not { } stat
            ? null
            : new FileIdentity(((ulong)Statx.UInt32(stat, 136) << 32) | Statx.UInt32(stat, 140), Statx.UInt64(stat, 32));
}
