namespace Acode.Infrastructure.Sqlite;

/// <summary>What <see cref="DatabaseFile.Inspect"/> found at the database path.</summary>
internal enum DatabaseFileKind
{
    Missing,

    /// <summary>
    /// No database file, but a <c>-wal</c> with content next to where it belongs: changes of a database that was moved or
    /// deleted. Creating a new database there would make SQLite discard that log, so it is refused.
    /// </summary>
    WalWithoutDatabase,

    /// <summary>An empty (0-byte) database file next to a <c>-wal</c> with content: truncated or replaced; both are left alone.</summary>
    EmptyWithWal,
    EmptySqlite,
    Acode,
    ForeignSqlite,
    NotSqlite,
}
