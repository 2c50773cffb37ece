namespace Acode.Infrastructure.Sqlite;

/// <summary>
/// The mount that holds a path, from Linux's <c>/proc/self/mountinfo</c> (proc(5)): its mount point and whether it is
/// mounted read-only. Elsewhere, or when the table cannot be read, nothing is known (null).
/// </summary>
internal static class MountTable
{
    private const string MountInfo = "/proc/self/mountinfo";

    /// <summary>The mount holding <paramref name="path"/> (an absolute or relative path; not resolved through symbolic links), or null when unknown.</summary>
    public static Mount? Find(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        try
        {
            string full = Path.GetFullPath(path);
            Mount? best = null;
            foreach (string line in File.ReadLines(MountInfo))
            {
                // "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue": the fifth field is
                // the mount point, the sixth the mount's options; the super block's options come last, after " - ".
                string[] fields = line.Split(' ');
                int separator = Array.IndexOf(fields, "-", 6);
                if (fields.Length < 6 || separator < 0 || separator + 3 >= fields.Length)
                {
                    continue;
                }

                string mountPoint = Unescape(fields[4]);
                // Mounts listed later are stacked over earlier ones at the same place: the last one wins a tie.
                if (Holds(mountPoint, full) && (best is null || mountPoint.Length >= best.MountPoint.Length))
                {
                    best = new Mount(mountPoint, IsReadOnly(fields[5]) || IsReadOnly(fields[separator + 3]));
                }
            }

            return best;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return null;
        }
    }

    private static bool Holds(string mountPoint, string full)
        => mountPoint == "/" || full == mountPoint || full.StartsWith(mountPoint + "/", StringComparison.Ordinal);

    private static bool IsReadOnly(string options) => options.Split(',').Contains("ro", StringComparer.Ordinal);

    /// <summary>A mountinfo field with the escapes the kernel writes (space, tab, newline, backslash as <c>\040</c>, <c>\011</c>, <c>\012</c>, <c>\134</c>) undone.</summary>
    private static string Unescape(string field) => field
        .Replace("\\040", " ", StringComparison.Ordinal)
        .Replace("\\011", "\t", StringComparison.Ordinal)
        .Replace("\\012", "\n", StringComparison.Ordinal)
        .Replace("\\134", "\\", StringComparison.Ordinal);

    /// <summary>One mount: where it is mounted, and whether it is mounted read-only (its own or its file system's <c>ro</c>).</summary>
    internal sealed record Mount(string MountPoint, bool ReadOnly);
}
