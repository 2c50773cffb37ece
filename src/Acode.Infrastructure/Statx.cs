using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Acode.Infrastructure;

/// <summary>
/// Linux's <c>statx(2)</c> on a path (symbolic links followed), whose result layout is the same on every architecture
/// (<c>struct statx</c>, 256 bytes, fields in the machine's byte order): what .NET's file APIs do not tell (a file's
/// type beyond file or folder, its device and inode). Elsewhere, or with a C library without it (glibc before 2.28), not
/// known: <see cref="Query"/> returns null.
/// </summary>
internal static class Statx
{
    /// <summary><c>STATX_TYPE</c>: the file type bits of <c>stx_mode</c>.</summary>
    public const uint TypeMask = 0x1;

    /// <summary><c>STATX_INO</c>: <c>stx_ino</c>.</summary>
    public const uint InodeMask = 0x100;

    private const int AtFdCwd = -100;
    private const int Size = 256;

    private static bool s_unavailable;

    /// <summary>
    /// The <c>struct statx</c> of <paramref name="path"/> when the call succeeded and filled every field of
    /// <paramref name="mask"/>; null when the path names nothing (or cannot be reached) or the platform cannot be asked.
    /// </summary>
    public static byte[]? Query(string path, uint mask)
    {
        if (!OperatingSystem.IsLinux() || s_unavailable || string.IsNullOrEmpty(path))
        {
            return null;
        }

        byte[] native = new byte[System.Text.Encoding.UTF8.GetByteCount(path) + 1];
        System.Text.Encoding.UTF8.GetBytes(path, native);
        byte[] buffer = new byte[Size];
        try
        {
            if (Native.statx(AtFdCwd, native, 0, mask, buffer) != 0)
            {
                return null;
            }
        }
        catch (Exception ex) when (ex is EntryPointNotFoundException or DllNotFoundException)
        {
            s_unavailable = true;
            return null;
        }

        return (UInt32(buffer, 0) & mask) == mask ? buffer : null;
    }

    /// <summary>The unsigned 16-bit field at <paramref name="offset"/> of a <see cref="Query"/> result.</summary>
    public static ushort UInt16(byte[] buffer, int offset)
        => BitConverter.IsLittleEndian ? BinaryPrimitives.ReadUInt16LittleEndian(buffer.AsSpan(offset, 2)) : BinaryPrimitives.ReadUInt16BigEndian(buffer.AsSpan(offset, 2));

    /// <summary>The unsigned 32-bit field at <paramref name="offset"/> of a <see cref="Query"/> result.</summary>
    public static uint UInt32(byte[] buffer, int offset)
        => BitConverter.IsLittleEndian ? BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(offset, 4)) : BinaryPrimitives.ReadUInt32BigEndian(buffer.AsSpan(offset, 4));

    /// <summary>The unsigned 64-bit field at <paramref name="offset"/> of a <see cref="Query"/> result.</summary>
    public static ulong UInt64(byte[] buffer, int offset)
        => BitConverter.IsLittleEndian ? BinaryPrimitives.ReadUInt64LittleEndian(buffer.AsSpan(offset, 8)) : BinaryPrimitives.ReadUInt64BigEndian(buffer.AsSpan(offset, 8));

    private static class Native
    {
        [DllImport("libc", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
#pragma warning disable IDE1006 // The C library's own name.
        public static extern int statx(int dirfd, byte[] pathname, int flags, uint mask, byte[] statxbuf);
#pragma warning restore IDE1006
    }
}
