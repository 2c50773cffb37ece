using System.Buffers.Binary;
using Acode.Application.Errors;

namespace Acode.Infrastructure.Sqlite;

/// <summary>
/// Everything done to the database file before SQLite opens it: identify it from its header without
/// changing a byte, and create it (and <c>.agent/</c>) owner-only from the first moment (spec AC-057).
/// </summary>
internal static class DatabaseFile
{
    /// <summary>The SQLite <c>application_id</c> of acode workspace databases: "ACOD".</summary>
    public const int ApplicationId = 0x41434F44;

    public const UnixFileMode OwnerOnlyFileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    public const UnixFileMode OwnerOnlyDirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private static readonly byte[] Magic = "SQLite format 3\0"u8.ToArray();

    public static DatabaseFileKind Inspect(string path)
    {
        if (Directory.Exists(path))
        {
            return DatabaseFileKind.NotSqlite;
        }

        if (!File.Exists(path))
        {
            return HasWal(path) ? DatabaseFileKind.WalWithoutDatabase : DatabaseFileKind.Missing;
        }

        Span<byte> header = stackalloc byte[100];
        int read;
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
        {
            read = stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
        }

        if (read == 0)
        {
            return HasWal(path) ? DatabaseFileKind.EmptyWithWal : DatabaseFileKind.EmptySqlite;
        }

        if (read < header.Length || !header[..Magic.Length].SequenceEqual(Magic))
        {
            return DatabaseFileKind.NotSqlite;
        }

        int applicationId = BinaryPrimitives.ReadInt32BigEndian(header[68..72]);
        if (applicationId == ApplicationId)
        {
            return DatabaseFileKind.Acode;
        }

        // An SQLite file that is not ours: adopt it only if it is provably empty (one page, no WAL with content).
        uint pageCount = BinaryPrimitives.ReadUInt32BigEndian(header[28..32]);
        return applicationId == 0 && pageCount <= 1 && !HasWal(path) ? DatabaseFileKind.EmptySqlite : DatabaseFileKind.ForeignSqlite;
    }

    /// <summary>Creates <c>.agent/</c> (0700) and an empty database file (0600) if they do not exist yet.</summary>
    public static void EnsureCreated(Workspace workspace)
    {
        try
        {
            if (!Directory.Exists(workspace.AgentDirectory))
            {
                if (OperatingSystem.IsWindows())
                {
                    Directory.CreateDirectory(workspace.AgentDirectory);
                }
                else
                {
                    Directory.CreateDirectory(workspace.AgentDirectory, OwnerOnlyDirectoryMode);
                }
            }

            if (!File.Exists(workspace.DatabasePath))
            {
                var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
                if (!OperatingSystem.IsWindows())
                {
                    options.UnixCreateMode = OwnerOnlyFileMode;
                }

                using var created = new FileStream(workspace.DatabasePath, options);
            }
        }
        catch (IOException) when (File.Exists(workspace.DatabasePath))
        {
            // Another process created it between our check and our create: theirs is as good as ours.
        }
        catch (IOException ex) when (DiskSpace.IsNoSpace(ex))
        {
            throw AcodeErrors.DiskFull(workspace.DatabasePath, DiskSpace.FreeBytes(workspace.RootDirectory) is { } free ? DiskSpace.Describe(free) : null, $"the database file could not be created ({ex.Message})", ex);
        }
        catch (UnauthorizedAccessException ex) when (UnenterableFolder.Find(workspace.DatabasePath) is { } folder)
        {
            // The file was never reached (it may well exist): the folder this user may not enter is the problem.
            throw AcodeErrors.FolderNotEnterable(workspace.DatabasePath, folder, UnenterableFolder.Permissions(folder), ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A read-only mount is no permission to fix: the folder that was to be written says which it is.
            string folder = Directory.Exists(workspace.AgentDirectory) ? workspace.AgentDirectory : workspace.RootDirectory;
            throw WriteAccess.ReadOnlyFileSystemOf(folder) is { } mount
                ? AcodeErrors.CannotCreateOnReadOnlyMount(workspace.DatabasePath, mount.MountPoint, ex)
                : AcodeErrors.CannotOpen(workspace.DatabasePath, ex.Message, ex);
        }
    }

    /// <summary>
    /// Tightens an empty database file acode is about to set up (one created by something else, e.g. <c>touch</c>) to 0600,
    /// as <see cref="EnsureCreated"/> creates a new one. A file of another user is left as it is.
    /// </summary>
    public static void RestrictAdopted(string databasePath)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        try
        {
            if ((File.GetUnixFileMode(databasePath) & ~OwnerOnlyFileMode) != 0)
            {
                File.SetUnixFileMode(databasePath, OwnerOnlyFileMode);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Not this user's file: its owner decides its mode.
        }
    }

    /// <summary>Tightens the <c>-wal</c>/<c>-shm</c> files to 0600 should anything have created them wider.</summary>
    public static void RestrictCompanions(string databasePath)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        foreach (string suffix in new[] { "-wal", "-shm" })
        {
            string companion = databasePath + suffix;
            try
            {
                if (File.Exists(companion) && (File.GetUnixFileMode(companion) & ~OwnerOnlyFileMode) != 0)
                {
                    File.SetUnixFileMode(companion, OwnerOnlyFileMode);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Owned by someone else: SQLite created it with the database file's own mode, which is what it checks.
            }
        }
    }

    private static bool HasWal(string path)
    {
        var wal = new FileInfo(path + "-wal");
        return wal.Exists && wal.Length > 0;
    }
}
