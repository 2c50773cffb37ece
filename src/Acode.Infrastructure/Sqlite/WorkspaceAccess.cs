namespace Acode.Infrastructure.Sqlite;

/// <summary>How a workspace database was opened (docs/reliability.md, "Read-only workspaces").</summary>
public enum WorkspaceAccess
{
    /// <summary>For reading and writing: one writer connection, migrated, the WAL kept within its bound.</summary>
    ReadWrite,

    /// <summary>
    /// Read-only, because this process may not write the file or its folder, through the existing <c>-wal</c> and
    /// <c>-shm</c> (SQLite's read-only WAL mode): commits of a writer elsewhere are seen as usual.
    /// </summary>
    ReadOnly,

    /// <summary>
    /// Read-only as an immutable file (SQLite's <c>immutable=1</c>): there is no <c>-shm</c> and this process cannot create
    /// one, and no <c>-wal</c> with changes in it, so the file alone holds everything; no locks are taken.
    /// </summary>
    Immutable,
}
