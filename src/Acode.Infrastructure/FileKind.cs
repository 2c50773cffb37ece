using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Acode.Infrastructure;

/// <summary>
/// What kind of thing a path names when it is not a regular file or a folder: a fifo, a socket or a device. Opening a
/// fifo for reading waits until something opens it for writing, so a file found by searching a folder is looked at
/// with this before it is opened. Asked of Linux with <c>statx(2)</c> (symbolic links followed), whose layout is the
/// same on every architecture; elsewhere not known (<see cref="SpecialKindOf"/> returns null).
/// </summary>
internal static class FileKind
{
    private const int AtFdCwd = -100;
    private const uint StatxType = 0x1;
    private const int StatxSize = 256;
    private const int ModeOffset = 28;
    private const int TypeMask = 0xF000;

    private static bool s_unavailable;

    /// <summary>
    /// "a fifo", "a socket", "a character device" or "a block device" for such a path (after its symbolic links); null for
    /// a regular file, a folder, nothing there, or when it cannot be asked.
    /// </summary>
    public static string? SpecialKindOf(string path)
    {
        if (!OperatingSystem.IsLinux() || s_unavailable || string.IsNullOrEmpty(path))
        {
            return null;
        }

        byte[] native = new byte[System.Text.Encoding.UTF8.GetByteCount(path) + 1];
        System.Text.Encoding.UTF8.GetBytes(path, native);
        byte[] buffer = new byte[StatxSize];
        try
        {
            if (Native.statx(AtFdCwd, native, 0, StatxType, buffer) != 0)
            {
                return null;
            }
        }
        catch (Exception ex) when (ex is EntryPointNotFoundException or DllNotFoundException)
        {
            // A C library without statx (glibc before 2.28): not known here.
            s_unavailable = true;
            return null;
        }

        uint mask = BitConverter.IsLittleEndian ? BinaryPrimitives.ReadUInt32LittleEndian(buffer) : BinaryPrimitives.ReadUInt32BigEndian(buffer);
        if ((mask & StatxType) == 0)
        {
            return null;
        }

        ushort mode = BitConverter.IsLittleEndian
            ? BinaryPrimitives.ReadUInt16LittleEndian(buffer.AsSpan(ModeOffset, 2))
            : BinaryPrimitives.ReadUInt16BigEndian(buffer.AsSpan(ModeOffset, 2));
        return (mode & TypeMask) switch
        {
            0x1000 => "a fifo",
            0xC000 => "a socket",
            0x2000 => "a character device",
            0x6000 => "a block device",
            _ => null,
        };
    }

    /// <summary>Whether <paramref name="path"/> is a fifo (a named pipe), which opening for reading waits on until a writer comes.</summary>
    public static bool IsFifo(string path) => SpecialKindOf(path) == "a fifo";

    private static class Native
    {
        [DllImport("libc", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
#pragma warning disable IDE1006 // The C library's own name.
        public static extern int statx(int dirfd, byte[] pathname, int flags, uint mask, byte[] statxbuf);
#pragma warning restore IDE1006
    }
}
