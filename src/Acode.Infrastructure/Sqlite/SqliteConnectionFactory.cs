using System.Globalization;
using Acode.Application.Errors;
using Acode.Application.Options;
using Microsoft.Data.Sqlite;

namespace Acode.Infrastructure.Sqlite;

/// <summary>
/// Opens connections to the workspace database with the store's settings applied and checked on every open:
/// WAL (AC-002), foreign keys on, the busy timeout (AC-006) and <c>synchronous</c>. Reader connections are
/// <c>query_only</c> (AC-007) and pooled; the writer is one long-lived connection per store, which also bounds the WAL
/// (<c>journal_size_limit</c>, <see cref="TryCheckpointWal"/>) and runs SQLite's automatic checkpoint every
/// <see cref="CheckpointThresholdPages"/> pages. A factory for a workspace this process may not write
/// (<see cref="WorkspaceAccess.ReadOnly"/>, <see cref="WorkspaceAccess.Immutable"/>) opens readers only.
/// </summary>
internal sealed class SqliteConnectionFactory
{
    /// <summary>Most pages appended to the WAL between two automatic checkpoints: SQLite's default <c>wal_autocheckpoint</c>.</summary>
    public const int WalAutoCheckpointPages = 1000;

    /// <summary>SQLite's default page size, which acode never changes.</summary>
    private const int AssumedPageBytes = 4096;

    private readonly string _readerConnectionString;
    private readonly string _unpooledReaderConnectionString;
    private readonly string _writerConnectionString;
    private readonly string _pragmas;
    private readonly string _writerPragmas;
    private readonly int _busyMilliseconds;

    public SqliteConnectionFactory(string databasePath, SqliteOptions options, WorkspaceAccess access = WorkspaceAccess.ReadWrite)
    {
        DatabasePath = databasePath;
        Options = options;
        Access = access;
        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = access == WorkspaceAccess.Immutable ? ImmutableUri(databasePath) : databasePath,
            Mode = access == WorkspaceAccess.ReadWrite ? SqliteOpenMode.ReadWrite : SqliteOpenMode.ReadOnly,
            Cache = SqliteCacheMode.Private,
            DefaultTimeout = options.BusyTimeoutSeconds,
            Pooling = true,
        };
        _readerConnectionString = builder.ToString();
        builder.Pooling = false;
        _unpooledReaderConnectionString = builder.ToString();
        _writerConnectionString = builder.ToString();
        _busyMilliseconds = checked(options.BusyTimeoutSeconds * 1000);
        _pragmas = string.Create(CultureInfo.InvariantCulture, $"PRAGMA busy_timeout = {_busyMilliseconds}; PRAGMA foreign_keys = ON; PRAGMA synchronous = {(int)options.Synchronous};");

        // The WAL is truncated to the limit whenever SQLite starts it over, i.e. at the first commit after a checkpoint
        // that copied all of it. SQLite's automatic checkpoint runs in the commit that appends that many pages, at most half
        // the limit (set on the writer, never left to a build or host): in steady state the WAL then stays within its
        // bound, and only a reader that holds it can push it past. It runs inside one save in every few dozen: a
        // checkpoint in the background (tried for issue 15) let a steadily writing store's WAL grow to its bound, and
        // measured slower at the median and no better at p99 (docs/performance.md, "Part 4").
        CheckpointThresholdPages = Math.Clamp(options.WalSizeLimitBytes / 2 / AssumedPageBytes, 1, WalAutoCheckpointPages);
        // secure_delete = FAST: the content of a deleted or replaced row is zeroed on its page (no extra I/O), so the text of a
        // deleted session (or the version a redaction replaced) cannot be read back from the file; the pages a removal frees
        // are given back with incremental_vacuum. https://www.sqlite.org/pragma.html#pragma_secure_delete
        _writerPragmas = string.Create(CultureInfo.InvariantCulture, $"PRAGMA journal_size_limit = {options.WalSizeLimitBytes}; PRAGMA wal_autocheckpoint = {CheckpointThresholdPages}; PRAGMA secure_delete = FAST;");
        _immutableStamp = access == WorkspaceAccess.Immutable ? CurrentStamp() : default;
    }

    // Immutable access only: the file as last looked at (its size and time, and its -wal's), see TakeImmutableChange.
    private readonly Lock _stampGate = new();
    private (long Length, long WrittenTicks, long WalLength) _immutableStamp;

    /// <summary>
    /// For a file read as immutable (<see cref="WorkspaceAccess.Immutable"/>: no locks, and SQLite trusts that it never
    /// changes, so a connection keeps the pages it read): true when the file or its <c>-wal</c> changed since the last call
    /// (its owner wrote to it), which takes the new state as seen. The connections opened before then must not be used
    /// again: their pages are of the old file. Always false for other access.
    /// </summary>
    public bool TakeImmutableChange()
    {
        if (Access != WorkspaceAccess.Immutable)
        {
            return false;
        }

        (long, long, long) now = CurrentStamp();
        lock (_stampGate)
        {
            if (now == _immutableStamp)
            {
                return false;
            }

            _immutableStamp = now;
            return true;
        }
    }

    /// <summary>Whether a file read as immutable changed since <see cref="TakeImmutableChange"/> last looked (without taking the change).</summary>
    private bool ImmutableFileChanged()
    {
        if (Access != WorkspaceAccess.Immutable)
        {
            return false;
        }

        lock (_stampGate)
        {
            return CurrentStamp() != _immutableStamp;
        }
    }

    private (long Length, long WrittenTicks, long WalLength) CurrentStamp()
    {
        var file = new FileInfo(DatabasePath);
        var wal = new FileInfo(WalPath);
        return (file.Exists ? file.Length : -1, file.Exists ? file.LastWriteTimeUtc.Ticks : 0, wal.Exists ? wal.Length : -1);
    }

    public string WalPath => DatabasePath + "-wal";

    /// <summary>WAL pages appended after which the writer's automatic checkpoint runs: half the WAL bound, at most SQLite's default 1000.</summary>
    public long CheckpointThresholdPages { get; }

    public string DatabasePath { get; }

    public SqliteOptions Options { get; }

    /// <summary>How the connections open the file.</summary>
    public WorkspaceAccess Access { get; }

    /// <summary>Opens the writer connection. On a brand-new file it first stamps acode's application_id, then turns on WAL.</summary>
    public SqliteConnection OpenWriter(bool newFile)
    {
        if (Access != WorkspaceAccess.ReadWrite)
        {
            throw new InvalidOperationException("A read-only workspace database has no writer connection.");
        }

        var connection = new SqliteConnection(_writerConnectionString);
        try
        {
            connection.Open();
            if (newFile)
            {
                // auto_vacuum can only be chosen before the first table exists: INCREMENTAL lets a prune give its pages back
                // to the file system (PRAGMA incremental_vacuum) without rewriting the whole file.
                // Written in rollback-journal mode so the id is in the main file's header from the first commit.
                Execute(connection, $"PRAGMA auto_vacuum = INCREMENTAL; PRAGMA application_id = {DatabaseFile.ApplicationId};");
            }

            Execute(connection, _pragmas);
            TitleFold.Register(connection);
            EnsureWal(connection, "PRAGMA journal_mode = WAL;");
            Execute(connection, _writerPragmas);
            DatabaseFile.RestrictCompanions(DatabasePath);
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>Opens a read-only (<c>query_only</c>) connection that sees a consistent snapshot per transaction.</summary>
    /// <param name="pooled">Whether disposing it returns it to Microsoft.Data.Sqlite's pool; the database keeps its own readers open instead.</param>
    public SqliteConnection OpenReader(bool pooled = true)
    {
        var connection = new SqliteConnection(pooled ? _readerConnectionString : _unpooledReaderConnectionString);
        try
        {
            connection.Open();
            Execute(connection, _pragmas + " PRAGMA query_only = ON;");
            TitleFold.Register(connection);
            if (Access == WorkspaceAccess.Immutable)
            {
                // An immutable file is read without its WAL (journal_mode reads 'delete'); the header is read here so
                // that a file SQLite cannot open fails now, not at the first query.
                Execute(connection, "SELECT count(*) FROM sqlite_schema;");
            }
            else
            {
                EnsureWal(connection, "PRAGMA journal_mode;");
            }

            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Copies the WAL into the database file and empties it (<c>PRAGMA wal_checkpoint(TRUNCATE)</c>) if nothing holds it,
    /// without waiting: with the busy timeout at 0 for the call, a reader inside a read transaction or another process's
    /// writer makes it return at once, <see cref="WalCheckpoint.Blocked"/>. It holds the write lock only while it copies
    /// what the automatic checkpoints have not copied yet (at most their threshold of pages). Call it on the writer, outside
    /// a transaction, with the writer's gate held.
    /// </summary>
    public WalCheckpoint TryCheckpointWal(SqliteConnection writer)
    {
        Execute(writer, "PRAGMA busy_timeout = 0;");
        try
        {
            using SqliteCommand command = writer.CreateCommand();
            command.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
            using SqliteDataReader reader = command.ExecuteReader();
            reader.Read();
            return new WalCheckpoint(reader.GetInt64(0) != 0, reader.GetInt64(1), reader.GetInt64(2));
        }
        finally
        {
            Execute(writer, string.Create(CultureInfo.InvariantCulture, $"PRAGMA busy_timeout = {_busyMilliseconds};"));
        }
    }

    /// <summary>The size of the <c>-wal</c> file in bytes; 0 when there is none.</summary>
    public long WalBytes()
    {
        var wal = new FileInfo(WalPath);
        return wal.Exists ? wal.Length : 0;
    }

    /// <summary>Closes this database's idle pooled readers; readers still in use are closed when they are returned.</summary>
    public void ClearReaderPool()
    {
        using var connection = new SqliteConnection(_readerConnectionString);
        SqliteConnection.ClearPool(connection);
    }

    /// <summary>
    /// Whether <see cref="Guard{T}"/> translates <paramref name="ex"/>: a SQLite error or reading fault, or any other
    /// exception but acode's own and a cancellation while a file read as immutable <paramref name="changed"/> (looked at
    /// once, here).
    /// </summary>
    private bool IsGuarded(Exception ex, out bool changed)
    {
        changed = ImmutableFileChanged();
        return ex is SqliteException || IsReadingFault(ex)
            || (changed && ex is not OperationCanceledException && ex.GetType().Assembly != typeof(AcodeDbException).Assembly);
    }

    /// <summary>
    /// Runs <paramref name="action"/> translating SQLite faults into ACODE-DB errors. Any other SQLite error (a
    /// constraint our own writes cannot break, an unknown column) or reading fault is first put to <c>PRAGMA integrity_check</c>:
    /// damage that SQLite did not report as such (a flipped byte in an index makes a foreign key look broken) is
    /// ACODE-DB-002, and only an error in a sound file reaches the caller as it is.
    /// </summary>
    public T Guard<T>(Func<T> action)
    {
        try
        {
            return action();
        }
        catch (Exception ex) when (IsGuarded(ex, out bool changed))
        {
            if (changed)
            {
                // Read without locks while its owner wrote: what was read mixes two states of the file, not damage.
                ClearReaderPool();
                throw AcodeErrors.ChangedWhileReadImmutable(DatabasePath, ex);
            }

            if (ex is SqliteException sqlite && SqliteErrorMapper.Map(sqlite, DatabasePath, Options.BusyTimeout) is { } mapped)
            {
                throw mapped;
            }

            if (FindDamage() is { } damage)
            {
                throw AcodeErrors.NotAnAcodeDatabase(DatabasePath, $"the database file is corrupt (integrity check: {damage}; the operation failed with: {ex.Message})", ex);
            }

            // Sound pages, but a value acode never writes there (StoredValue; an id or time in no form of acode's).
            if (ex is FormatException or InvalidCastException)
            {
                throw AcodeErrors.UnreadableValue(DatabasePath, ex.Message, ex);
            }

            throw;
        }
    }

    /// <summary>
    /// What a damaged record can cause while it is read: NULL or a number where acode only ever writes text. An exception
    /// of acode's own (a concurrency conflict, a forged import) is a decision about sound data, never damage.
    /// </summary>
    private static bool IsReadingFault(Exception ex)
        => ex is InvalidCastException or FormatException or (InvalidOperationException and not ObjectDisposedException)
           && ex.GetType().Assembly != typeof(AcodeDbException).Assembly;

    /// <summary>The first problem <c>PRAGMA integrity_check</c> finds, on a connection of its own; null when there is none or the check cannot run.</summary>
    private string? FindDamage()
    {
        try
        {
            using SqliteConnection connection = OpenReader(pooled: false);
            using SqliteCommand command = connection.CreateCommand();
            command.CommandText = "PRAGMA integrity_check(1);";
            string? result = command.ExecuteScalar() as string;
            return result is null || string.Equals(result, "ok", StringComparison.Ordinal) ? null : result;
        }
        catch (SqliteException ex) when (SqliteErrorMapper.IsCorrupt(ex))
        {
            return ex.Message;
        }
        catch (Exception ex) when (ex is SqliteException or AcodeDbException)
        {
            return null;
        }
    }

    private void EnsureWal(SqliteConnection connection, string sql)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        string? mode = command.ExecuteScalar() as string;
        if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
        {
            throw AcodeErrors.CannotOpen(DatabasePath, $"write-ahead logging could not be enabled (journal_mode is '{mode}'); the file system may not support shared memory (network drives often do not)");
        }
    }

    /// <summary>
    /// <paramref name="path"/> as an SQLite URI with <c>immutable=1</c> (https://www.sqlite.org/uri.html): the characters
    /// a URI gives a meaning (<c>%</c>, <c>?</c>, <c>#</c>) percent-encoded.
    /// </summary>
    private static string ImmutableUri(string path)
    {
        string full = Path.GetFullPath(path).Replace('\\', '/');
        string encoded = full.Replace("%", "%25", StringComparison.Ordinal).Replace("?", "%3f", StringComparison.Ordinal).Replace("#", "%23", StringComparison.Ordinal);
        return "file:" + (encoded.StartsWith('/') ? "" : "/") + encoded + "?immutable=1";
    }

    private static void Execute(SqliteConnection connection, string sql) => SqliteScript.Execute(connection, null, sql);
}
