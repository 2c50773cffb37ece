using System.Runtime.InteropServices;

namespace Acode.Infrastructure.Sqlite;

/// <summary>
/// Whether this process may write a file or create files in a folder, asked of the file system without writing anything:
/// <c>access(2)</c> with <c>W_OK</c> on Unix, which answers for this process's user and groups, ACLs and a read-only mount
/// (EROFS) alike, and honours root's override; on Windows the read-only attribute. <see cref="ReadOnlyFileSystemOf"/> tells
/// a read-only mount from a permission, because what to do about them differs.
/// </summary>
internal static partial class WriteAccess
{
    private const int WriteOk = 2;

    /// <summary>The errno of EROFS ("Read-only file system") on Linux and macOS.</summary>
    private const int ReadOnlyFileSystemErrno = 30;

    /// <summary>True when this process may write <paramref name="path"/> (a file) or create and remove files in it (a folder).</summary>
    public static bool IsWritable(string path) => AccessError(path) == 0;

    /// <summary>
    /// The read-only mount that keeps this process from writing <paramref name="path"/>, or null when it may write it or
    /// what stops it is a permission. <c>access(2)</c> answers EROFS when only the mount stands in the way; when a
    /// permission does too it answers EACCES, so the mount table is asked as well (Linux).
    /// </summary>
    public static ReadOnlyFileSystem? ReadOnlyFileSystemOf(string path)
    {
        int error = AccessError(path);
        if (error == 0 || OperatingSystem.IsWindows())
        {
            return null;
        }

        MountTable.Mount? mount = MountTable.Find(path);
        return error == ReadOnlyFileSystemErrno || mount is { ReadOnly: true } ? new ReadOnlyFileSystem(mount?.MountPoint) : null;
    }

    /// <summary>0 when this process may write <paramref name="path"/>, else the errno of <c>access(2)</c> (on Windows, -1).</summary>
    private static int AccessError(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            try
            {
                return (File.GetAttributes(path) & FileAttributes.ReadOnly) == 0 ? 0 : -1;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return -1;
            }
        }

        // The path as the C string access(2) takes: UTF-8, NUL-terminated.
        byte[] native = new byte[System.Text.Encoding.UTF8.GetByteCount(path) + 1];
        System.Text.Encoding.UTF8.GetBytes(path, native);
        return Native.access(native, WriteOk) == 0 ? 0 : Marshal.GetLastPInvokeError();
    }

    private static class Native
    {
        [DllImport("libc", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
#pragma warning disable IDE1006 // The C library's own name.
        public static extern int access(byte[] path, int mode);
#pragma warning restore IDE1006
    }
}
