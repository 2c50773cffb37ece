using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Acode.Infrastructure.Sqlite;

/// <summary>
/// Giving the space of deleted rows back to the file system. SQLite keeps freed pages inside the file for reuse; a database
/// in <c>auto_vacuum=INCREMENTAL</c> (every database this version creates) moves them to the end and truncates the file on
/// <c>PRAGMA incremental_vacuum</c>. A database created by an older version (<c>auto_vacuum=NONE</c>) can only be switched by
/// one <c>VACUUM</c>, which rewrites the whole file: that is done once, when there is room for it.
/// </summary>
public sealed partial class SqliteWorkspaceDatabase
{
    /// <summary>
    /// Gives freed pages back after a removal: merges each full-text index the removal took a large share of (see
    /// <see cref="FullTextCompaction"/>; so the index pages of the removed rows are freed too), then
    /// <c>PRAGMA incremental_vacuum</c>, or for an <c>auto_vacuum=NONE</c> database the one-time conversion
    /// (<c>PRAGMA auto_vacuum=INCREMENTAL; VACUUM;</c>) when the disk has room for it; then a
    /// <c>wal_checkpoint(TRUNCATE)</c> so the database file itself shrinks and the WAL is emptied.
    /// </summary>
    /// <remarks>
    /// The <c>VACUUM</c> writes a copy of the database to SQLite's temporary folder and the whole database through the WAL,
    /// so it needs free space about twice the file's size; it is one transaction, so a crash in the middle leaves the old
    /// file as it was. It takes the write lock for its duration (other writers wait up to their busy timeout), readers go on.
    /// </remarks>
    /// <exception cref="Application.Errors.AcodeDbException">ACODE-DB-001 (disk full, read-only), 002, 005 (the write lock).</exception>
    /// <param name="documentsBefore">The indexes' documents before the removal (<see cref="CountFullTextRows"/>).</param>
    /// <param name="bytesBefore">The database file plus its WAL before the removal (<see cref="SpaceInUse"/>): the report's
    /// "before" (measured here, after the removal's own WAL growth, it overstated what was given back: trial BA F4).</param>
    /// <param name="allowConversion">Whether an <c>auto_vacuum=NONE</c> database may be converted now (it holds the write lock for the whole rewrite).</param>
    /// <param name="cancellationToken">Checked before the work starts.</param>
    internal async Task<SpaceReport> ReclaimSpaceAsync(FullTextRows documentsBefore, long bytesBefore, bool allowConversion = true, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        EnsureMigrated();
        EnsureWritable();
        await EnterWriteAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return Connections.Guard(() =>
            {
                // 'optimize' merges every segment of an index into one, so the pages of removed rows become free pages
                // (https://www.sqlite.org/fts5.html, "The 'optimize' Command"); it rewrites the whole index, so only
                // after a removal of a large share of it.
                FullTextRows documentsAfter = CountDocuments(_writer, null);
                if (FullTextCompaction.ShouldOptimize(documentsBefore.Entries, documentsAfter.Entries))
                {
                    Execute("INSERT INTO search_index (search_index) VALUES ('optimize');");
                }

                if (FullTextCompaction.ShouldOptimize(documentsBefore.Blobs, documentsAfter.Blobs))
                {
                    Execute("INSERT INTO blob_search_index (blob_search_index) VALUES ('optimize');");
                }

                long mode = Scalar("PRAGMA auto_vacuum;");
                AutoVacuumConversion conversion;
                string? note = null;
                switch (mode)
                {
                    case 2:
                        Execute("PRAGMA incremental_vacuum;");
                        conversion = AutoVacuumConversion.AlreadyIncremental;
                        break;
                    case 1:
                        conversion = AutoVacuumConversion.Full;
                        break;
                    default:
                        if (!allowConversion)
                        {
                            conversion = AutoVacuumConversion.NotAllowed;
                            note = "this database was created by an older acode (auto_vacuum=NONE): the freed pages stay in the file and are reused by new data; run 'acode db prune' once to convert it.";
                            break;
                        }

                        long databaseBytes = SizeOf(Workspace.DatabasePath);
                        long needed = ConversionNeeds(databaseBytes, out string? shortOf);
                        if (shortOf is not null)
                        {
                            conversion = AutoVacuumConversion.NotEnoughSpace;
                            note = string.Create(CultureInfo.InvariantCulture, $"this database was created by an older acode (auto_vacuum=NONE) and converting it once needs about {needed >> 20} MiB free, but {shortOf}; the freed pages stay in the file and are reused by new data. Free some space and run 'acode db prune' again to convert it.");
                            break;
                        }

                        Execute("PRAGMA auto_vacuum = INCREMENTAL;");
                        Execute("VACUUM;");
                        conversion = Scalar("PRAGMA auto_vacuum;") == 2 ? AutoVacuumConversion.Converted : AutoVacuumConversion.NotEnoughSpace;
                        break;
                }

                WalCheckpoint checkpoint = Connections.TryCheckpointWal(_writer);
                if (checkpoint.Blocked)
                {
                    note ??= "a read transaction (in this or another process) holds the WAL, so the file shrinks at the next checkpoint after it ends.";
                }

                return new SpaceReport(bytesBefore, FileBytes(), conversion, note);
            });
        }
        finally
        {
            _writeGate.Release();
        }
    }

    /// <summary>
    /// The documents in the two full-text indexes (one row each of their <c>_docsize</c> tables, counted on a reader):
    /// take it before a removal and give it to <see cref="ReclaimSpaceAsync"/> after.
    /// </summary>
    /// <exception cref="Application.Errors.AcodeDbException">ACODE-DB-001, 002.</exception>
    internal FullTextRows CountFullTextRows(CancellationToken cancellationToken = default) => Read(CountDocuments, cancellationToken);

    private static FullTextRows CountDocuments(SqliteConnection connection, SqliteTransaction? transaction)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT (SELECT count(*) FROM search_index_docsize), (SELECT count(*) FROM blob_search_index_docsize);";
        using SqliteDataReader reader = command.ExecuteReader();
        reader.Read();
        return new FullTextRows(reader.GetInt64(0), reader.GetInt64(1));
    }

    /// <summary>The <c>auto_vacuum</c> mode of the file: 0 NONE, 1 FULL, 2 INCREMENTAL.</summary>
    internal long AutoVacuumMode() => Connections.Guard(() => Scalar("PRAGMA auto_vacuum;"));

    /// <summary>The bytes of the database file and its <c>-wal</c> now: take it before a removal and give it to <see cref="ReclaimSpaceAsync"/> after.</summary>
    internal long SpaceInUse() => FileBytes();

    private long FileBytes() => SizeOf(Workspace.DatabasePath) + SizeOf(Workspace.DatabasePath + "-wal");

    /// <summary>
    /// The free space the one-time VACUUM needs, counted conservatively: the database's size twice next to the database (the
    /// WAL, and the temporary copy when the temporary folder is on the same disk) and once in SQLite's temporary folder, plus
    /// a margin. <paramref name="shortOf"/> says what is missing, or is null when there is room.
    /// </summary>
    private long ConversionNeeds(long databaseBytes, out string? shortOf)
    {
        const long Margin = 16L << 20;
        string databaseFolder = Path.GetDirectoryName(Path.GetFullPath(Workspace.DatabasePath))!;
        string temporaryFolder = Environment.GetEnvironmentVariable("SQLITE_TMPDIR") is { Length: > 0 } sqliteTemp ? sqliteTemp : Path.GetTempPath();
        long needed = (databaseBytes * 2) + Margin;
        long databaseFree = FreeBytes(databaseFolder);
        long temporaryFree = FreeBytes(temporaryFolder);
        shortOf = databaseFree < needed
            ? string.Create(CultureInfo.InvariantCulture, $"{databaseFree >> 20} MiB are free in {databaseFolder}")
            : temporaryFree < databaseBytes + Margin
                ? string.Create(CultureInfo.InvariantCulture, $"{temporaryFree >> 20} MiB are free in the temporary folder {temporaryFolder} (SQLITE_TMPDIR can name another)")
                : null;
        return needed;
    }

    private static long FreeBytes(string folder)
    {
        try
        {
            return new DriveInfo(folder).AvailableFreeSpace;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return 0;
        }
    }

    private long Scalar(string sql)
    {
        using SqliteCommand command = _writer.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    private void Execute(string sql) => SqliteScript.Execute(_writer, null, sql);
}
