using Acode.Application.Errors;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Acode.Infrastructure.Sqlite;

/// <summary>Turns SQLite's native result codes into the ACODE-DB errors users see. The native exception stays inside.</summary>
internal static class SqliteErrorMapper
{
    // Primary result codes (https://sqlite.org/rescode.html), as the native library defines them.
    private const int Perm = raw.SQLITE_PERM;
    private const int Busy = raw.SQLITE_BUSY;
    private const int Locked = raw.SQLITE_LOCKED;
    private const int ReadOnly = raw.SQLITE_READONLY;
    private const int IoErr = raw.SQLITE_IOERR;
    private const int Corrupt = raw.SQLITE_CORRUPT;
    private const int Full = raw.SQLITE_FULL;
    private const int CantOpen = raw.SQLITE_CANTOPEN;
    private const int NotADb = raw.SQLITE_NOTADB;

    public static bool IsBusy(SqliteException ex) => ex.SqliteErrorCode is Busy or Locked;

    public static bool IsCorrupt(SqliteException ex) => ex.SqliteErrorCode is Corrupt or NotADb;

    /// <summary>The ACODE-DB error for <paramref name="ex"/>, or null when it is not a storage fault (a constraint, a bug).</summary>
    public static AcodeDbException? Map(SqliteException ex, string path, TimeSpan busyTimeout) => ex.SqliteErrorCode switch
    {
        Busy or Locked => AcodeErrors.Busy(path, busyTimeout, ex),
        Corrupt or NotADb => AcodeErrors.NotAnAcodeDatabase(path, ex.SqliteErrorCode == NotADb ? "it is not an SQLite database" : "the database file is corrupt", ex),
        Perm or ReadOnly or CantOpen or IoErr or Full => AcodeErrors.CannotOpen(path, Describe(ex), ex),
        _ => null,
    };

    private static string Describe(SqliteException ex) => ex.SqliteErrorCode switch
    {
        Full => "the disk is full",
        ReadOnly => "the database or its folder is read-only",
        Perm => "permission denied",
        IoErr => $"an I/O error occurred ({ex.SqliteExtendedErrorCode})",
        _ => "the file cannot be opened",
    };
}
