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
    /// <remarks>
    /// A full disk is reported as such (<see cref="AcodeErrors.DiskFull"/>): SQLITE_FULL, and any SQLITE_IOERR_* while the
    /// database's file system has (almost) no space left, since SQLite reports a failed write or growth of the <c>-wal</c>
    /// or <c>-shm</c> file (SQLITE_IOERR_WRITE, _SHMSIZE, ...) without saying that ENOSPC caused it.
    /// </remarks>
    public static AcodeDbException? Map(SqliteException ex, string path, TimeSpan busyTimeout) => ex.SqliteErrorCode switch
    {
        Busy or Locked => AcodeErrors.Busy(path, busyTimeout, ex),
        Corrupt or NotADb => AcodeErrors.NotAnAcodeDatabase(path, ex.SqliteErrorCode == NotADb ? "it is not an SQLite database" : "the database file is corrupt", ex),
        Full => AcodeErrors.DiskFull(path, DiskSpace.FreeBytes(path) is { } free ? DiskSpace.Describe(free) : null, "SQLite could not write the database or its WAL (SQLITE_FULL)", ex),
        IoErr when DiskSpace.FullOrNull(path) is { } free => AcodeErrors.DiskFull(path, DiskSpace.Describe(free), $"SQLite could not {IoErrDetail(ex.SqliteExtendedErrorCode)}", ex),
        Perm or ReadOnly or CantOpen or IoErr => AcodeErrors.CannotOpen(path, Describe(ex), ex),
        _ => null,
    };

    private static string Describe(SqliteException ex) => ex.SqliteErrorCode switch
    {
        ReadOnly => "the database or its folder is read-only",
        Perm => "permission denied",
        IoErr => $"an I/O error occurred: SQLite could not {IoErrDetail(ex.SqliteExtendedErrorCode)}",
        _ => "the file cannot be opened",
    };

    /// <summary>What an extended SQLITE_IOERR_* code says SQLite failed to do, with its name and number.</summary>
    private static string IoErrDetail(int extended) => extended switch
    {
        raw.SQLITE_IOERR_SHMSIZE => $"grow the shared-memory file -shm (SQLITE_IOERR_SHMSIZE, {extended})",
        raw.SQLITE_IOERR_SHMOPEN => $"open the shared-memory file -shm (SQLITE_IOERR_SHMOPEN, {extended})",
        raw.SQLITE_IOERR_SHMMAP => $"map the shared-memory file -shm (SQLITE_IOERR_SHMMAP, {extended})",
        raw.SQLITE_IOERR_WRITE => $"write to the database or its WAL (SQLITE_IOERR_WRITE, {extended})",
        raw.SQLITE_IOERR_FSYNC => $"flush the database or its WAL to disk (SQLITE_IOERR_FSYNC, {extended})",
        raw.SQLITE_IOERR_TRUNCATE => $"truncate the database or its WAL (SQLITE_IOERR_TRUNCATE, {extended})",
        raw.SQLITE_IOERR_READ => $"read the database or its WAL (SQLITE_IOERR_READ, {extended})",
        _ => $"read or write the database files (SQLITE_IOERR, extended code {extended})",
    };
}
