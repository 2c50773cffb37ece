namespace Acode.Infrastructure.Sqlite;

/// <summary>
/// The folder on the way to a file that this user may not enter (no search permission, the <c>x</c> bit of
/// <c>chmod</c>): what an "access denied" opening a workspace database really means when the file itself was never
/// reached, so that the error names that folder and its permissions instead of the path in general.
/// </summary>
internal static class UnenterableFolder
{
    /// <summary>The first folder from the root down to <paramref name="path"/>'s folder that denies looking into it; null when none does.</summary>
    /// <param name="path">A file path, absolute or relative to the current folder.</param>
    public static string? Find(string path)
    {
        string full = Path.GetFullPath(path);
        string? parent = Path.GetDirectoryName(full);
        if (parent is null)
        {
            return null;
        }

        var chain = new List<string>();
        for (string? folder = parent; folder is not null; folder = Path.GetDirectoryName(folder))
        {
            chain.Add(folder);
        }

        chain.Reverse();
        chain.Add(full);
        for (int i = 0; i + 1 < chain.Count; i++)
        {
            try
            {
                // Looking at what is inside a folder needs its search permission (x), not its read permission.
                _ = File.GetAttributes(chain[i + 1]);
            }
            catch (UnauthorizedAccessException)
            {
                return chain[i];
            }
            catch (IOException)
            {
                return null; // not there: nothing further down to be denied
            }
        }

        return null;
    }

    /// <summary>The folder's permissions as <c>ls -l</c> shows them (<c>rwx------</c>), or null when they cannot be read.</summary>
    public static string? Permissions(string folder)
    {
        if (OperatingSystem.IsWindows())
        {
            return null;
        }

        try
        {
            UnixFileMode mode = File.GetUnixFileMode(folder);
            char Bit(UnixFileMode bit, char letter) => (mode & bit) != 0 ? letter : '-';
            return string.Concat(
                Bit(UnixFileMode.UserRead, 'r'), Bit(UnixFileMode.UserWrite, 'w'), Bit(UnixFileMode.UserExecute, 'x'),
                Bit(UnixFileMode.GroupRead, 'r'), Bit(UnixFileMode.GroupWrite, 'w'), Bit(UnixFileMode.GroupExecute, 'x'),
                Bit(UnixFileMode.OtherRead, 'r'), Bit(UnixFileMode.OtherWrite, 'w'), Bit(UnixFileMode.OtherExecute, 'x'));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
