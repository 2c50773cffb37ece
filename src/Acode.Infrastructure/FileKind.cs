namespace Acode.Infrastructure;

/// <summary>
/// What kind of thing a path names when it is not a regular file or a folder: a fifo, a socket or a device. Opening a
/// fifo for reading waits until something opens it for writing, so a file found by searching a folder is looked at
/// with this before it is opened. Asked of Linux (<see cref="Statx"/>, symbolic links followed); elsewhere not known
/// (<see cref="SpecialKindOf"/> returns null).
/// </summary>
internal static class FileKind
{
    private const int ModeOffset = 28;
    private const int TypeBits = 0xF000;

    /// <summary>
    /// "a fifo", "a socket", "a character device" or "a block device" for such a path (after its symbolic links); null for
    /// a regular file, a folder, nothing there, or when it cannot be asked.
    /// </summary>
    public static string? SpecialKindOf(string path)
        => Statx.Query(path, Statx.TypeMask) is not { } stat ? null : (Statx.UInt16(stat, ModeOffset) & TypeBits) switch
        {
            0x1000 => "a fifo",
            0xC000 => "a socket",
            0x2000 => "a character device",
            0x6000 => "a block device",
            _ => null,
        };

    /// <summary>Whether <paramref name="path"/> is a fifo (a named pipe), which opening for reading waits on until a writer comes.</summary>
    public static bool IsFifo(string path) => SpecialKindOf(path) == "a fifo";
}
