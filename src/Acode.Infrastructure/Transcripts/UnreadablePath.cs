namespace Acode.Infrastructure.Transcripts;

/// <summary>
/// A transcript file or folder an import could not read (permissions, a symbolic link to nothing, a link loop the
/// system refused): reported by name with the reason and what to do; the other files of the import go on.
/// </summary>
/// <param name="Path">The file or folder, as found.</param>
/// <param name="Reason">Why it cannot be read, in words (the system's message, or what the link points to).</param>
/// <param name="Remedy">What to do about it.</param>
internal sealed record UnreadablePath(string Path, string Reason, string Remedy)
{
    /// <summary>The report for <paramref name="path"/>, which failed with <paramref name="error"/> (an I/O or access error).</summary>
    public static UnreadablePath From(string path, Exception error, bool folder = false)
    {
        string what = folder ? "folder" : "file";
        if (DanglingLinkTarget(path) is { } target)
        {
            return new UnreadablePath(path, $"it is a symbolic link to '{target}', which does not exist", "Restore what the link points to, or remove the link.");
        }

        return error switch
        {
            UnauthorizedAccessException => new UnreadablePath(path, error.Message, $"Check the {what}'s permissions (and those of the folders above it): acode needs to read it."),
            IOException when SymbolicLinkLoop.Find(path) is { } loop => new UnreadablePath(path, SymbolicLinkLoop.Reason(loop), SymbolicLinkLoop.Remedy(loop)),
            _ => new UnreadablePath(path, error.Message, $"Check that the {what} can be read (is the disk or network share there?)."),
        };
    }

    /// <summary>
    /// The report for a fifo, socket or device (<paramref name="kind"/>: "a fifo"…) found while searching a folder: it
    /// is not opened (opening a fifo waits until something writes to it); named on its own it is read as a stream.
    /// </summary>
    public static UnreadablePath NotAFile(string path, string kind)
        => new(path, $"it is {kind}, not a file; one found in a folder is not read, since opening it can wait forever for a writer", "To read it as a stream, name it on its own (without --watch); else move it out of the folder.");

    /// <summary>The report for a path named by the user where nothing is: "no such file or folder", with <paramref name="remedy"/>.</summary>
    public static UnreadablePath Missing(string path, string remedy) => new(path, "no such file or folder", remedy);

    /// <summary>The target of the symbolic link at <paramref name="path"/> when nothing is there; null for anything else.</summary>
    public static string? DanglingLinkTarget(string path)
    {
        try
        {
            var info = new FileInfo(path);
            if (info.LinkTarget is not { } target)
            {
                return null;
            }

            string resolved = System.IO.Path.GetFullPath(target, System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
            return File.Exists(resolved) || Directory.Exists(resolved) ? null : target;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
