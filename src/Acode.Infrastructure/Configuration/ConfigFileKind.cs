using Acode.Application.Errors;
using Acode.Infrastructure.Transcripts;

namespace Acode.Infrastructure.Configuration;

/// <summary>
/// Looks at what the configuration file's path holds before the JSON provider opens it: a regular file is read, nothing
/// there means the defaults, and anything else is ACODE-DB-007 saying what is there. A folder is not taken for a missing
/// file; a fifo (whose opening waits until something writes to it, so every command would hang), socket or device is
/// never opened; a symbolic link to nothing, or one that loops, is said as such rather than as .NET's "could not find
/// file" or "too many levels of symbolic links".
/// </summary>
internal static class ConfigFileKind
{
    /// <summary>Returns when <paramref name="path"/> is a regular file (after its symbolic links), or when nothing is there.</summary>
    /// <param name="path">The configuration file's full path.</param>
    /// <exception cref="AcodeDbException">ACODE-DB-007: a folder, fifo, socket or device, or a symbolic link to nothing or one that loops, is at <paramref name="path"/>.</exception>
    public static void Check(string path)
    {
        string? target;
        try
        {
            target = new FileInfo(path).LinkTarget;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // lstat failed: a folder on the way that loops is said here; anything else by the reader, as the system says it.
            ThrowIfLoop(path);
            return;
        }

        if (target is not null)
        {
            ThrowIfLoop(path);
            if (UnreadablePath.DanglingLinkTarget(path) is { } missing)
            {
                throw AcodeErrors.UnusableConfigurationFile(
                    path,
                    $"it is a symbolic link to '{missing}', which does not exist",
                    $"Point the link at the configuration file (ln -sfn TARGET {ShellQuoting.Quote(path)}), or remove it (rm {ShellQuoting.Quote(path)}).");
            }
        }

        if (Directory.Exists(path))
        {
            throw AcodeErrors.UnusableConfigurationFile(
                path,
                "it is a folder, not a file",
                "Move the folder away, or put the configuration file in its place.");
        }

        if (FileKind.SpecialKindOf(path) is { } kind)
        {
            throw AcodeErrors.UnusableConfigurationFile(
                path,
                $"it is {kind}, not a file" + (kind == "a fifo" ? " (acode does not open it: opening a fifo waits until something writes to it)" : string.Empty),
                $"Remove it (rm {ShellQuoting.Quote(path)}), or put the configuration file in its place.");
        }
    }

    private static void ThrowIfLoop(string path)
    {
        if (SymbolicLinkLoop.Find(path) is { } loop)
        {
            throw AcodeErrors.UnusableConfigurationFile(
                path,
                loop == path ? "it is a symbolic link that loops (too many levels of symbolic links)" : SymbolicLinkLoop.Reason(loop),
                $"Fix or remove the symbolic link {ShellQuoting.Quote(loop)} (it leads back to itself: ls -l {ShellQuoting.Quote(loop)}).");
        }
    }
}
