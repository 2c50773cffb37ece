using System.Runtime.InteropServices;

namespace Acode.Infrastructure.Sqlite;

/// <summary>
/// Whether this process may write a file or create files in a folder, asked of the file system without writing anything:
/// <c>access(2)</c> with <c>W_OK</c> on Unix, which answers for this process's user and groups, ACLs and a read-only mount
/// (EROFS) alike, and honours root's override; on Windows the read-only attribute.
/// </summary>
internal static partial class WriteAccess
{
    private const int WriteOk = 2;

    /// <summary>True when this process may write <paramref name="path"/> (a file) or create and remove files in it (a folder).</summary>
    public static bool IsWritable(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            try
            {
                return (File.GetAttributes(path) & FileAttributes.ReadOnly) == 0;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return false;
            }
        }

        // The path as the C string access(2) takes: UTF-8, NUL-terminated.
        byte[] native = new byte[System.Text.Encoding.UTF8.GetByteCount(path) + 1];
        System.Text.Encoding.UTF8.GetBytes(path, native);
        return Native.access(native, WriteOk) == 0;
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
