using Acode.Application.Errors;
using Acode.Application.Options;
using Acode.Infrastructure.Migrations;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using SQLitePCL;

namespace Acode.Infrastructure.Sqlite;

/// <summary>
/// Reading a workspace this process may not write (a backup, a read-only mount, another user's folder): SQLite reads a WAL
/// database read-only through its existing <c>-wal</c> and <c>-shm</c> (https://www.sqlite.org/wal.html, "Read-Only
/// Databases"), or, when there is no <c>-shm</c> and no change waiting in a <c>-wal</c>, as an immutable file
/// (https://www.sqlite.org/uri.html, <c>immutable</c>). Nothing is written: no migration, no checkpoint, no <c>-wal</c> or
/// <c>-shm</c> created or removed; every write refuses with ACODE-DB-001 (docs/reliability.md, "Read-only workspaces").
/// </summary>
public sealed partial class SqliteWorkspaceDatabase
{
    /// <summary>How the database was opened: <see cref="WorkspaceAccess.ReadWrite"/> unless this process may not write it.</summary>
    public WorkspaceAccess Access { get; }

    /// <summary>True when the database was opened read-only (<see cref="Access"/>): reads work, every write throws ACODE-DB-001.</summary>
    public bool IsReadOnly => Access != WorkspaceAccess.ReadWrite;

    /// <summary>
    /// The read-only mount that made this database read-only, or null when it was opened for writing or what stops this
    /// process is a permission: the errors and notes then say to remount or copy it, not to run as its owner.
    /// </summary>
    internal ReadOnlyFileSystem? ReadOnlyMount { get; private set; }

    /// <summary>
    /// Opens an acode database this process may not write: through its <c>-wal</c> and <c>-shm</c> when both exist and SQLite
    /// can read them, otherwise as an immutable file, which is refused when a non-empty <c>-wal</c> holds changes it would miss.
    /// A companion SQLite would have to create is never created: in a folder this process may write, it would stay behind.
    /// </summary>
    private static SqliteWorkspaceDatabase OpenReadOnly(
        Workspace workspace, SqliteOptions options, ILoggerFactory loggerFactory, TimeProvider? time, bool migrate, IReadOnlyList<Migration>? migrations)
    {
        string path = workspace.DatabasePath;
        ReadOnlyFileSystem? mount = WriteAccess.ReadOnlyFileSystemOf(path) ?? WriteAccess.ReadOnlyFileSystemOf(workspace.AgentDirectory);
        SqliteConnectionFactory? connections = null;
        SqliteConnection? primary = null;
        if (File.Exists(path + "-wal") && File.Exists(path + "-shm"))
        {
            var shared = new SqliteConnectionFactory(path, options, WorkspaceAccess.ReadOnly);
            try
            {
                primary = shared.OpenReader(pooled: false);
                connections = shared;
            }
            catch (SqliteException ex) when (ex.SqliteErrorCode is raw.SQLITE_CANTOPEN or raw.SQLITE_READONLY or raw.SQLITE_PERM or raw.SQLITE_IOERR)
            {
                // A -shm this user may not read (or map): only the immutable file is left, if the WAL holds nothing.
            }
        }

        if (connections is null)
        {
            long walBytes = new FileInfo(path + "-wal") is { Exists: true } wal ? wal.Length : 0;
            if (walBytes > 0)
            {
                throw mount is null ? AcodeErrors.ReadOnlyWorkspaceWithWal(path, walBytes) : AcodeErrors.ReadOnlyMountWithWal(path, walBytes, mount.MountPoint);
            }

            connections = new SqliteConnectionFactory(path, options, WorkspaceAccess.Immutable);
            SqliteConnectionFactory immutable = connections;
            primary = connections.Guard(() => immutable.OpenReader(pooled: false));
        }

        var migrator = new SqliteMigrator(migrations, loggerFactory.CreateLogger<SqliteMigrator>(), time);
        var database = new SqliteWorkspaceDatabase(workspace, connections, primary!, migrator, loggerFactory, time ?? TimeProvider.System)
        {
            ReadOnlyMount = mount,
        };
        try
        {
            connections.Guard(() =>
            {
                MigrationStatus status = migrator.GetStatus(primary!);
                if (migrate && status.Pending.Count > 0)
                {
                    throw database.NeedsMigrationRefusal(status);
                }

                database.WorkspaceId = database.ReadWorkspaceId();
                database.RememberSchema();
                return 0;
            });
            Log.DatabaseOpenedReadOnly(loggerFactory.CreateLogger<SqliteWorkspaceDatabase>(), path, database.Access, database.WorkspaceId ?? "(not migrated)");
            return database;
        }
        catch
        {
            database.Dispose();
            throw;
        }
    }

    /// <summary>
    /// True when the writer of an acode database failed because its folder is read-only to this process: SQLite could
    /// not create (or open) the <c>-wal</c>/<c>-shm</c> next to the file.
    /// </summary>
    private static bool IsReadOnlyFolder(Workspace workspace, AcodeDbException ex)
        => ex.ErrorCode == AcodeErrorCode.CannotOpen
           && ex.InnerException is SqliteException { SqliteErrorCode: raw.SQLITE_READONLY or raw.SQLITE_CANTOPEN or raw.SQLITE_PERM }
           && !WriteAccess.IsWritable(workspace.AgentDirectory);

    /// <exception cref="AcodeDbException">ACODE-DB-001: the database was opened read-only.</exception>
    private void EnsureWritable()
    {
        if (IsReadOnly)
        {
            throw ReadOnlyRefusal();
        }
    }

    /// <summary>
    /// ACODE-DB-001 for a write to this database, opened read-only: when a migration is pending (it was opened without
    /// migrating, as <c>acode db migrate</c> opens it), the refusal says that this acode cannot read it either until it is
    /// migrated, and what to do; otherwise that reading works as it is.
    /// </summary>
    internal AcodeDbException ReadOnlyRefusal()
    {
        MigrationStatus status;
        try
        {
            status = GetMigrationStatus();
        }
        catch (AcodeDbException)
        {
            return WriteRefusal(); // the file's own problem is told by the command that reads it
        }

        return status.Pending.Count > 0 ? NeedsMigrationRefusal(status) : WriteRefusal();
    }

    /// <summary>ACODE-DB-001 for a write to this database, opened read-only: by a permission, or by a read-only mount.</summary>
    private AcodeDbException WriteRefusal() => ReadOnlyMount is { } mount
        ? AcodeErrors.ReadOnlyMount(Workspace.DatabasePath, mount.MountPoint)
        : AcodeErrors.ReadOnlyWorkspace(Workspace.DatabasePath);

    /// <summary>ACODE-DB-001 for this database, opened read-only, at an older schema with <paramref name="status"/>'s pending migrations.</summary>
    private AcodeDbException NeedsMigrationRefusal(MigrationStatus status)
    {
        string[] pending = [.. status.Pending.Select(m => m.VersionText)];
        return ReadOnlyMount is { } mount
            ? AcodeErrors.ReadOnlyMountNeedsMigration(Workspace.DatabasePath, status.CurrentText, pending, mount.MountPoint)
            : AcodeErrors.ReadOnlyWorkspaceNeedsMigration(Workspace.DatabasePath, status.CurrentText, pending);
    }
}
