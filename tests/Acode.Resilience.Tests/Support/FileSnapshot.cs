using System.Security.Cryptography;

namespace Acode.Resilience.Tests.Support;

/// <summary>
/// Every file under a folder with its content hash (and symlinks with their target), to prove what changed. Folders the
/// test user cannot read (a non-root run's mode-0000 case) are skipped: a process of that same user cannot change them.
/// </summary>
internal static class FileSnapshot
{
    public static Dictionary<string, string> Take(string root)
    {
        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string path in Directory.EnumerateFileSystemEntries(root, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0, IgnoreInaccessible = true }))
        {
            var info = new FileInfo(path);
            string key = Path.GetRelativePath(root, path);
            if (info.LinkTarget is { } target)
            {
                files[key] = "symlink -> " + target;
            }
            else if (File.Exists(path))
            {
                files[key] = Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));
            }
        }

        return files;
    }

    /// <summary>Files added, removed or changed between two snapshots, except those <paramref name="allowed"/> says may change.</summary>
    public static List<string> Changes(Dictionary<string, string> before, Dictionary<string, string> after, Func<string, bool>? allowed = null)
    {
        allowed ??= _ => false;
        var changes = new List<string>();
        changes.AddRange(after.Keys.Except(before.Keys).Where(k => !allowed(k)).Select(k => "added " + k));
        changes.AddRange(before.Keys.Except(after.Keys).Where(k => !allowed(k)).Select(k => "removed " + k));
        changes.AddRange(before.Keys.Intersect(after.Keys).Where(k => before[k] != after[k] && !allowed(k)).Select(k => "changed " + k));
        return changes;
    }
}
