using Acode.Infrastructure.Sqlite;

namespace Acode.Cli.Output;

/// <summary>
/// A write of acode's output (an <c>-o</c> file, or standard output redirected to a file) that failed with ENOSPC: said
/// as a full disk, with what to do, exit 2 like any output that cannot be written, when it is one: a file on a disk with
/// (almost) no space left. A device (<c>/dev/full</c>) or a disk that has room again (a quota, space freed meanwhile) is
/// said as the failed write it is, "no space left on the device (ENOSPC)", without a free-space figure that would
/// contradict it. A full disk under the workspace database is ACODE-DB-001 instead (<see cref="Application.Errors.AcodeErrors"/>).
/// </summary>
internal static class FullOutputDisk
{
    /// <summary>Below this many free bytes (16 MiB) the disk of a file whose write failed with ENOSPC is said to be full.</summary>
    public const long FullBelowBytes = 16L << 20;

    private const string Remedy = "Free space on that disk ('df -h' shows what is free), or write the output to another disk, then run the command again.";

    private const string DeviceRemedy = "Write the output to a file or a pipe that can take it (a device such as /dev/full takes nothing), then run the command again.";

    private const string RoomRemedy = "Check the disk's free space and quota ('df -h'; 'quota -s' where quotas are on), or write the output to another disk, then run the command again.";

    /// <summary>Whether <paramref name="ex"/> is ENOSPC ("No space left on device").</summary>
    public static bool IsFull(Exception ex) => ex is IOException io && DiskSpace.IsNoSpace(io);

    /// <param name="shown">The path as the user gave it.</param>
    /// <param name="target">Its full path (where a symbolic link leads).</param>
    /// <param name="left">What the failed write left there, in words (<see cref="OutputFile.LeftAfterFailure"/>).</param>
    public static UsageException ForFile(string shown, string target, string left)
        => Kind(target) switch
        {
            (Space.Full, long free) => new($"The disk holding '{shown}' is full ({DiskSpace.Describe(free)} free): the export could not be written, and {left}.", Remedy),
            (Space.Device, _) => new($"'{shown}' could not be written: no space left on the device (ENOSPC); {left}.", DeviceRemedy),
            _ => new($"'{shown}' could not be written: no space left on the device (ENOSPC), and {left}.", RoomRemedy),
        };

    /// <summary>Standard output, named by the file it is redirected to when that can be found (Linux: /proc/self/fd/1).</summary>
    public static UsageException ForStandardOutput(IOException ex)
    {
        const string Unaffected = StandardOutputException.Done + " Only the output is incomplete.";
        if (RedirectedTo() is not { } file)
        {
            return new UsageException($"Standard output could not be written: no space left on the device (ENOSPC). {Unaffected}", RoomRemedy);
        }

        return Kind(file) switch
        {
            (Space.Full, long free) => new($"Standard output ('{file}') could not be written: the disk holding it is full ({DiskSpace.Describe(free)} free). {Unaffected}", Remedy),
            (Space.Device, _) => new($"Standard output ('{file}') could not be written: no space left on the device (ENOSPC). {Unaffected}", DeviceRemedy),
            _ => new($"Standard output ('{file}') could not be written: no space left on the device (ENOSPC). {Unaffected}", RoomRemedy),
        };
    }

    /// <summary>
    /// A device (anything under /dev that is not a folder's file: /dev/full, /dev/stdout's pipe…), a file on a disk with
    /// less than <see cref="FullBelowBytes"/> free, or a file on a disk with room (or whose room is unknown).
    /// </summary>
    private static (Space Kind, long Free) Kind(string path)
    {
        string full = Path.GetFullPath(path);
        if (OutputFile.IsDevicePath(full))
        {
            return (Space.Device, 0);
        }

        return DiskSpace.FreeBytes(full) is { } free && free < FullBelowBytes ? (Space.Full, free) : (Space.Room, 0);
    }

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

    private enum Space
    {
        Room,
        Full,
        Device,
    }
}
