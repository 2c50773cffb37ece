namespace Acode.Infrastructure.Sqlite;

/// <summary>
/// What an SQLite database file says about itself in its 100-byte header (https://www.sqlite.org/fileformat.html, "The
/// Database Header"), read without SQLite: a database read as an immutable file (<see cref="WorkspaceAccess.Immutable"/>)
/// does not use its journal, so <c>PRAGMA journal_mode</c> there does not tell the file's own mode.
/// </summary>
internal static class SqliteFileHeader
{
    private static ReadOnlySpan<byte> Magic => "SQLite format 3\0"u8;

    /// <summary>
    /// The file's journal mode from its header's file format version numbers (bytes 18 and 19, the write and read versions):
    /// <c>wal</c> when both are 2 (WAL), <c>delete</c> when both are 1 (a rollback journal: delete, truncate or persist,
    /// which the header does not tell apart), null when the file cannot be read or its header is not SQLite's.
    /// </summary>
    /// <param name="path">The database file.</param>
    public static string? JournalMode(string path)
    {
        Span<byte> header = stackalloc byte[100];
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            file.ReadExactly(header);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null; // EndOfStreamException (a short file) is an IOException
        }

        if (!header[..16].SequenceEqual(Magic))
        {
            return null;
        }

        return (header[18], header[19]) switch
        {
            (2, 2) => "wal",
            (1, 1) => "delete",
            _ => null,
        };
    }
}
