namespace Acode.Infrastructure;

/// <summary>
/// A symbolic link that leads back to itself (<c>ln -s loop loop</c>, or a longer circle), on a path the user gave:
/// found before the path is used and said in one set of words everywhere, since .NET reports such a path as a file
/// (<c>File.Exists</c> is true for the link itself) or as nothing there (for a path through it), either of which sends
/// the user looking for the wrong problem.
/// </summary>
internal static class SymbolicLinkLoop
{
    /// <summary>
    /// The full path of the first symbolic link on <paramref name="path"/> (the path itself, or a folder on the way to
    /// it) that cannot be resolved because it loops (or needs more links than the system follows, 40 on Linux); null when
    /// there is none, or the path is empty or not a path.
    /// </summary>
    public static string? Find(string path)
    {
        string full;
        try
        {
            full = Path.GetFullPath(path);
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException)
        {
            return null;
        }

        string current = Path.GetPathRoot(full) ?? string.Empty;
        foreach (string part in full[current.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
        {
            current = Path.Combine(current, part);
            try
            {
                if (new FileInfo(current).LinkTarget is null)
                {
                    if (!Directory.Exists(current))
                    {
                        return null; // a file or nothing: nothing further on is reached through it
                    }

                    continue;
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return null; // said by whatever uses the path next, as the system says it
            }

            try
            {
                File.ResolveLinkTarget(current, returnFinalTarget: true);
            }
            catch (IOException)
            {
                // "Too many levels of symbolic links": the link (or one it leads to) points back into itself.
                return current;
            }
            catch (UnauthorizedAccessException)
            {
                return null;
            }

            if (!Directory.Exists(current))
            {
                return null; // a link to a file or to nothing
            }
        }

        return null;
    }

    /// <summary>What is wrong, for a message: "'/p/loop' is a symbolic link that loops (too many levels of symbolic links)".</summary>
    public static string Reason(string link) => $"'{link}' is a symbolic link that loops (too many levels of symbolic links)";

    /// <summary>What to do about <paramref name="link"/>, for a message's remedy.</summary>
    public static string Remedy(string link) => $"Fix or remove the symbolic link '{link}' (it leads back to itself: ls -l {ShellQuoting.Quote(link)}), or give another path.";
}
