using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Acode.Infrastructure.Sqlite;

/// <summary>
/// Which file a path names (device and inode), so that a process keeping a database open can tell that the file at its
/// path was replaced (removed and created anew, or another moved there) while it held the old one. Asked of Linux with
/// <c>statx(2)</c>, whose layout is the same on every architecture; elsewhere not known (<see cref="Of"/> returns null).
/// </summary>
/// <param name="Device">The device the file is on (major × 2³² + minor).</param>
/// <param name="Inode">The file's inode number on that device.</param>
internal readonly record struct FileIdentity(ulong Device, ulong Inode)
{
    private const int AtFdCwd = -100;
    private const uint StatxIno = 0x100;
    private const int StatxSize = 256;

    private static bool s_unavailable;

    /// <summary>The identity of the file at <paramref name="path"/>; null when it does not exist, cannot be asked, or the platform has no such call.</summary>
    public static FileIdentity? Of(string path)
    {
        if (!OperatingSystem.IsLinux() || s_unavailable)
        {
            return null;
        }

        byte[] native = new byte[System.Text.Encoding.UTF8.GetByteCount(path) + 1];
        System.Text.Encoding.UTF8.GetBytes(path, native);
        byte[] buffer = new byte[StatxSize];
        try
        {
            if (Native.statx(AtFdCwd, native, 0, StatxIno, buffer) != 0)
            {
                return null;
            }
        }
        catch (Exception ex) when (ex is EntryPointNotFoundException or DllNotFoundException)
        {
            // A C library without statx (glibc before 2.28): identity is not known here.
            s_unavailable = true;
            return null;
        }

        uint mask = ReadUInt32(buffer, 0);
        if ((mask & StatxIno) == 0)
        {
            return null;
        }

        ulong inode = ReadUInt64(buffer, 32);
        ulong device = ((ulong)ReadUInt32(buffer, 136) << 32) | ReadUInt32(buffer, 140);
        return new FileIdentity(device, inode);
    }

    // statx fields are in the machine's byte order.
    private static ulong ReadUInt64(byte[] buffer, int offset)
        => BitConverter.IsLittleEndian ? BinaryPrimitives.ReadUInt64LittleEndian(buffer.AsSpan(offset, 8)) : BinaryPrimitives.ReadUInt64BigEndian(buffer.AsSpan(offset, 8));

    private static uint ReadUInt32(byte[] buffer, int offset)
        => BitConverter.IsLittleEndian ? BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(offset, 4)) : BinaryPrimitives.ReadUInt32BigEndian(buffer.AsSpan(offset, 4));

    private static class Native
    {
        [DllImport("libc", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
#pragma warning disable IDE1006 // The C library's own name.
        public static extern int statx(int dirfd, byte[] pathname, int flags, uint mask, byte[] statxbuf);
#pragma warning restore IDE1006
    }
}
