using Acode.Infrastructure.Sqlite;

namespace Acode.Cli.Output;

/// <summary>
/// A write of acode's output (an <c>-o</c> file, or standard output redirected to a file) that failed because its disk
/// is full (ENOSPC): said as such, with what to do, exit 2 like any output that cannot be written. A full disk under
/// the workspace database is ACODE-DB-001 instead (<see cref="Application.Errors.AcodeErrors"/>).
/// </summary>
internal static class FullOutputDisk
{
    private const string Remedy = "Free space on that disk ('df -h' shows what is free), or write the output to another disk, then run the command again.";

    /// <summary>Whether <paramref name="ex"/> is ENOSPC ("No space left on device").</summary>
    public static bool IsFull(Exception ex) => ex is IOException io && DiskSpace.IsNoSpace(io);

    /// <param name="shown">The path as the user gave it.</param>
    /// <param name="target">Its full path.</param>
    /// <param name="left">What the failed write left there, in words (<see cref="OutputFile.LeftAfterFailure"/>).</param>
    public static UsageException ForFile(string shown, string target, string left)
        => new($"The disk holding '{shown}' is full{Free(target)}: the export could not be written, and {left}.", Remedy);

    /// <summary>Standard output, named by the file it is redirected to when that can be found (Linux: /proc/self/fd/1).</summary>
    public static UsageException ForStandardOutput(IOException ex)
    {
        string? file = RedirectedTo();
        string what = file is null
            ? $"A write failed because the disk is full ({ex.Message.TrimEnd('.')})"
            : $"Standard output ('{file}') could not be written: the disk holding it is full{Free(file)}";
        return new UsageException($"{what}. The workspace database is not affected; only the output is incomplete.", Remedy);
    }

    private static string Free(string path) => DiskSpace.FreeBytes(path) is { } free ? $" ({DiskSpace.Describe(free)} free)" : "";

    private static string? RedirectedTo()
    {
        try
        {
            return new FileInfo("/proc/self/fd/1").LinkTarget is { } target && File.Exists(target) ? target : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
