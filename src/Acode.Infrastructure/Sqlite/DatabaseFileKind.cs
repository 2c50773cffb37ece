namespace Acode.Infrastructure.Sqlite;

/// <summary>What <see cref="DatabaseFile.Inspect"/> found at the database path.</summary>
internal enum DatabaseFileKind
{
    Missing,
    EmptySqlite,
    Acode,
    ForeignSqlite,
    NotSqlite,
}
