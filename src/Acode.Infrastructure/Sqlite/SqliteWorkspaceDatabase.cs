using System.Runtime.CompilerServices;
using Acode.Application.Errors;
using Acode.Application.Options;
using Acode.Infrastructure.Migrations;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Acode.Infrastructure.Sqlite;

/// <summary>
/// An opened workspace database: the file checked and created owner-only, WAL verified, the schema migrated,
/// one writer connection (writes are serialized in-process by a gate and across processes by
/// <c>BEGIN IMMEDIATE</c>, AC-008) and pooled <c>query_only</c> readers (AC-007); the WAL copied into the file by
/// SQLite's automatic checkpoint and kept within its bound (<c>SqliteWorkspaceDatabase.Wal.cs</c>). Thread-safe.
/// </summary>
/// <remarks>
/// Reader connections are kept open between reads (one per concurrent reader, reused last-in first-out) together with
/// their prepared statements, so a read pays neither the connection's pragmas nor SQL compilation again: a session
/// read costs a few statement executions, not a few statement compilations.
/// </remarks>
public sealed partial class SqliteWorkspaceDatabase : IDisposable
{
    /// <summary>Most distinct statements kept prepared per reader connection (listing builds its SQL from the filter).</summary>
    private const int ReaderStatementCapacity = 64;

    private static readonly ConditionalWeakTable<SqliteConnection, WriterCommands> ReaderStatements = [];

    private static readonly ConditionalWeakTable<SqliteConnection, ReaderStatementCache> ReaderNativeStatements = [];

    private readonly SqliteConnection _writer;
    private readonly WriterCommands _commands;
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly SqliteMigrator _migrator;
    private readonly Stack<SqliteConnection> _idleReaders = new();
    private readonly Lock _readerGate = new();
    private bool _disposed;

    /// <summary>1 once <see cref="Dispose"/> began: writes are refused from then on, also one that was waiting for the writer.</summary>
    private int _disposing;

    private SqliteWorkspaceDatabase(Workspace workspace, SqliteConnectionFactory connections, SqliteConnection writer, SqliteMigrator migrator, ILoggerFactory loggerFactory, TimeProvider time)
    {
        Workspace = workspace;
        Access = connections.Access;
        Connections = connections;
        _writer = writer;
        _commands = new WriterCommands(writer);
        _migrator = migrator;
        LoggerFactory = loggerFactory;
        Time = time;
        _openedFile = FileIdentity.Of(workspace.DatabasePath);
    }

    /// <summary>The workspace whose <c>.agent/workspace.db</c> this is.</summary>
    public Workspace Workspace { get; }

    /// <summary>The settings the database was opened with.</summary>
    public SqliteOptions Options => Connections.Options;

    /// <summary>This workspace's origin id (<c>ws_…</c>), used to break conflict ties in sync; null until the schema exists.</summary>
    public string? WorkspaceId { get; private set; }

    /// <summary>
    /// The migrations <see cref="Open(Workspace, SqliteOptions?, ILoggerFactory?, TimeProvider?, bool, IReadOnlyList{Migration}?)"/> applied to a database that was at an older acode schema (from which version, to
    /// which, how many): after them an acode that knows only the older version refuses the file (ACODE-DB-004), so a
    /// caller that opened it for another purpose tells its user (the CLI does, on standard error). Null when nothing was
    /// migrated on opening, and for a database created new.
    /// </summary>
    public Application.SchemaUpgrade? MigratedOnOpen { get; private set; }

    /// <summary>The clock of the stores and outbox built on this database.</summary>
    public TimeProvider Time { get; }

    internal ILoggerFactory LoggerFactory { get; }

    internal SqliteConnectionFactory Connections { get; }

    /// <summary>
    /// Opens (creating if needed) the workspace database. With <paramref name="migrate"/> (the default) pending
    /// migrations are applied before this returns (AC-004, AC-011). An acode database that this process may not write
    /// (the file, or its folder where the <c>-wal</c>/<c>-shm</c> live) is opened read-only instead
    /// (<see cref="Access"/>, docs/reliability.md "Read-only workspaces"): it is never written, and every write refuses with ACODE-DB-001.
    /// </summary>
    /// <exception cref="AcodeDbException">ACODE-DB-001 … 005, 007; ACODE-DB-001 also for a read-only database that needs a
    /// migration (with <paramref name="migrate"/>) or whose <c>-wal</c> holds changes it cannot read.</exception>
    public static SqliteWorkspaceDatabase Open(
        Workspace workspace, SqliteOptions? options = null, ILoggerFactory? loggerFactory = null, TimeProvider? time = null,
        bool migrate = true, IReadOnlyList<Migration>? migrations = null)
        => Open(workspace, options, loggerFactory, time, migrate, migrations, beforeMigrating: null);

    /// <summary>As the public <c>Open</c>, telling <paramref name="beforeMigrating"/> before it migrates.</summary>
    /// <param name="workspace">The workspace whose database is opened.</param>
    /// <param name="options">SQLite options; defaults when null.</param>
    /// <param name="loggerFactory">Logging; none when null.</param>
    /// <param name="time">The clock; the system's when null.</param>
    /// <param name="migrate">Whether pending migrations are applied.</param>
    /// <param name="migrations">The migrations; the embedded ones when null.</param>
    /// <param name="beforeMigrating">
    /// Told the schema's status before pending migrations are applied on open (a command says so before a migration that
    /// works for a while); not called when none is pending.
    /// </param>
    internal static SqliteWorkspaceDatabase Open(
        Workspace workspace, SqliteOptions? options, ILoggerFactory? loggerFactory, TimeProvider? time,
        bool migrate, IReadOnlyList<Migration>? migrations, Action<MigrationStatus>? beforeMigrating)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        options ??= new SqliteOptions();
        options.Validate();
        loggerFactory ??= NullLoggerFactory.Instance;
        string path = workspace.DatabasePath;

        DatabaseFileKind kind = Inspect(path);
        switch (kind)
        {
            case DatabaseFileKind.NotSqlite:
                throw AcodeErrors.NotAnAcodeDatabase(path, "it is not an SQLite database (its header is wrong or it is truncated)");
            case DatabaseFileKind.EmptyWithWal:
                throw AcodeErrors.NotAnAcodeDatabase(path, "it is empty (0 bytes) while its write-ahead log (-wal) holds changes, so it was truncated or replaced by an empty file; the log was left untouched too");
            case DatabaseFileKind.ForeignSqlite:
                throw AcodeErrors.NotAnAcodeDatabase(path, "it is an SQLite database of another application");
            case DatabaseFileKind.WalWithoutDatabase:
                throw AcodeErrors.WalWithoutDatabase(path, new FileInfo(path + "-wal").Length);
            case DatabaseFileKind.Missing:
                DatabaseFile.EnsureCreated(workspace);
                break;
            case DatabaseFileKind.EmptySqlite when WriteAccess.IsWritable(path):
                // Adopted as a new workspace: owner-only like one acode creates, before anything is written to it.
                DatabaseFile.RestrictAdopted(path);
                break;
        }

        if (kind == DatabaseFileKind.Acode && !WriteAccess.IsWritable(path))
        {
            // Checked before the writer tries: SQLite would open the file read-only by itself and create -wal and -shm
            // in the folder, owned by this user, where they would stay.
            return OpenReadOnly(workspace, options, loggerFactory, time, migrate, migrations);
        }

        var connections = new SqliteConnectionFactory(path, options);
        SqliteConnection writer;
        try
        {
            writer = connections.Guard(() => connections.OpenWriter(newFile: kind != DatabaseFileKind.Acode));
        }
        catch (AcodeDbException ex) when (kind == DatabaseFileKind.Acode && IsReadOnlyFolder(workspace, ex))
        {
            return OpenReadOnly(workspace, options, loggerFactory, time, migrate, migrations);
        }

        var migrator = new SqliteMigrator(migrations, loggerFactory.CreateLogger<SqliteMigrator>(), time);
        var database = new SqliteWorkspaceDatabase(workspace, connections, writer, migrator, loggerFactory, time ?? TimeProvider.System);
        try
        {
            connections.Guard(() =>
            {
                if (migrate)
                {
                    IReadOnlyList<Migration> applied = migrator.Migrate(writer, out Version? from, beforeMigrating);
                    if (from is not null && applied.Count > 0)
                    {
                        database.MigratedOnOpen = new Application.SchemaUpgrade(from.ToString(3), applied[^1].VersionText, applied.Count);
                    }
                }
                else
                {
                    migrator.GetStatus(writer);
                }

                database.WorkspaceId = database.ReadWorkspaceId();
                database.RememberSchema();
                return 0;
            });
            database.KeepWalBounded();
            if (database.MigratedOnOpen is { } upgrade)
            {
                Log.DatabaseMigratedOnOpen(loggerFactory.CreateLogger<SqliteWorkspaceDatabase>(), path, upgrade.From, upgrade.To, upgrade.Applied);
            }

            Log.DatabaseOpened(loggerFactory.CreateLogger<SqliteWorkspaceDatabase>(), path, database.WorkspaceId ?? "(not migrated)");
            return database;
        }
        catch
        {
            database.Dispose();
            throw;
        }
    }

    /// <summary>Schema versions applied and pending. Writes nothing.</summary>
    public MigrationStatus GetMigrationStatus() => Connections.Guard(() => _migrator.GetStatus(_writer));

    /// <summary>Applies pending migrations (a no-op when there is none) and returns those it applied.</summary>
    /// <exception cref="AcodeDbException">ACODE-DB-001 when the database was opened read-only (<see cref="IsReadOnly"/>).</exception>
    public async Task<IReadOnlyList<Migration>> MigrateAsync(CancellationToken cancellationToken = default)
    {
        EnsureWritable();
        await EnterWriteAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return Connections.Guard(() =>
            {
                IReadOnlyList<Migration> applied = _migrator.Migrate(_writer);
                WorkspaceId = ReadWorkspaceId();
                RememberSchema();
                return applied;
            });
        }
        finally
        {
            _writeGate.Release();
        }
    }

    /// <summary>Runs <paramref name="work"/> in one <c>BEGIN IMMEDIATE</c> transaction on the writer connection and commits it.</summary>
    internal async Task<T> WriteAsync<T>(Func<SqliteTransaction, WriterCommands, T> work, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        EnsureMigrated();
        EnsureWritable();
        await EnterWriteAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            T result = Connections.Guard(() =>
            {
                using SqliteTransaction transaction = BeginWrite();
                T done = work(transaction, _commands);
                transaction.Commit();
                return done;
            });
            KeepWalBounded();
            return result;
        }
        finally
        {
            _writeGate.Release();
        }
    }

    /// <summary>Runs <paramref name="work"/> on a reader connection inside one read transaction (one consistent snapshot).</summary>
    internal T Read<T>(Func<SqliteConnection, SqliteTransaction, T> work, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        EnsureMigrated();
        return Connections.Guard(() =>
        {
            SqliteConnection connection = RentReader();
            bool read = false;
            try
            {
                using SqliteTransaction transaction = connection.BeginTransaction(deferred: true);
                T result = work(connection, transaction);
                read = true;
                return result;
            }
            finally
            {
                // A reader of an immutable file whose read failed may hold pages of a state the file no longer has.
                if (read || Connections.Access != WorkspaceAccess.Immutable)
                {
                    ReturnReader(connection);
                }
                else
                {
                    CloseReader(connection);
                }
            }
        });
    }

    /// <summary>Like <see cref="Read{T}"/>, on a reader connection opened for this call and closed after it (nothing cached from earlier reads).</summary>
    /// <param name="work">The reading.</param>
    /// <param name="cancellationToken">Checked before it starts.</param>
    /// <param name="anySchema">True for a reading that needs none of acode's tables (a pragma), allowed on a database opened without migrating.</param>
    private T ReadOnOwnConnection<T>(Func<SqliteConnection, SqliteTransaction, T> work, CancellationToken cancellationToken, bool anySchema = false)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (!anySchema)
        {
            EnsureMigrated();
        }

        return Connections.Guard(() =>
        {
            SqliteConnection connection = Traced(Connections.OpenReader(pooled: false));
            try
            {
                using SqliteTransaction transaction = connection.BeginTransaction(deferred: true);
                return work(connection, transaction);
            }
            finally
            {
                CloseReader(connection);
            }
        });
    }

    /// <summary>
    /// The prepared command for <paramref name="sql"/> on a reader connection given to a <see cref="Read{T}"/> callback,
    /// compiled on its first use and reused by later reads on that connection; parameters are cleared. Do not dispose it.
    /// </summary>
    internal static SqliteCommand ReaderCommand(SqliteConnection connection, SqliteTransaction transaction, string sql)
        => ReaderStatements.GetValue(connection, static c => new WriterCommands(c, ReaderStatementCapacity)).Get(sql, transaction);

    /// <summary>
    /// Like <see cref="ReaderCommand"/>, the statement for <paramref name="sql"/> prepared on a reader connection given to a
    /// <see cref="Read{T}"/> callback, but driven through SQLite's own API (<see cref="ReaderStatement"/>) for hot paths.
    /// Run it inside that callback's transaction and <see cref="ReaderStatement.Reset"/> it before returning. Do not dispose it.
    /// </summary>
    internal static ReaderStatement ReaderNativeStatement(SqliteConnection connection, string sql)
        => ReaderNativeStatements.GetValue(connection, static c => new ReaderStatementCache(c, ReaderStatementCapacity)).Get(sql);

    /// <summary>Closes every pooled reader, then the writer (its close checkpoints the WAL and removes <c>-wal</c>/<c>-shm</c>; a read-only database's close changes nothing). Dispose the stores, outbox and searches built on this database first.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposing, 1) == 1)
        {
            return;
        }

        // A write in flight finishes (it commits or rolls back whole) before its connection closes: closing under it threw
        // NullReferenceException from inside Microsoft.Data.Sqlite (trial AL 6). The writes waiting behind it see
        // _disposing and throw ObjectDisposedException naming this database.
        _writeGate.Wait();
        try
        {
            DisposeConnections();
        }
        finally
        {
            _writeGate.Release();
        }
    }

    private void DisposeConnections()
    {
        _commands.Dispose();

        // Idle readers would otherwise keep the database, -wal and -shm open for the life of the process;
        // closing them first lets the writer's close be the last one, which checkpoints and removes the WAL.
        lock (_readerGate)
        {
            _disposed = true;
            while (_idleReaders.TryPop(out SqliteConnection? reader))
            {
                CloseReader(reader);
            }
        }

        Connections.ClearReaderPool();
        _writer.Dispose();
    }

    /// <summary>True while a write (or a <see cref="Dispose"/>) holds the writer: what <see cref="Dispose"/> waits for.</summary>
    internal bool IsWriting => _writeGate.CurrentCount == 0;

    /// <summary>Waits for the writer (one write at a time in this process).</summary>
    /// <exception cref="ObjectDisposedException">This database was disposed, or began to be while the write waited.</exception>
    private async Task EnterWriteAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposing) == 1, this);
        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        if (Volatile.Read(ref _disposing) == 1)
        {
            _writeGate.Release();
            throw new ObjectDisposedException(GetType().FullName);
        }
    }

    /// <summary>An idle reader connection (configured when it was opened), or a new one (closed after use once disposed).</summary>
    private SqliteConnection RentReader()
    {
        // A file read as immutable that its owner wrote to since: SQLite trusts it never changes, so the idle readers'
        // pages are of the old file (stale rows, or a read mixing both states): they are closed, the next ones read afresh.
        bool changed = Connections.TakeImmutableChange();
        lock (_readerGate)
        {
            while (changed && _idleReaders.TryPop(out SqliteConnection? stale))
            {
                CloseReader(stale);
            }

            if (_idleReaders.TryPop(out SqliteConnection? idle))
            {
                return idle;
            }
        }

        if (changed)
        {
            Connections.ClearReaderPool();
        }

        return Traced(Connections.OpenReader(pooled: false));
    }

    private void ReturnReader(SqliteConnection connection)
    {
        lock (_readerGate)
        {
            if (!_disposed && connection.State == System.Data.ConnectionState.Open)
            {
                _idleReaders.Push(connection);
                return;
            }
        }

        CloseReader(connection);
    }

    private static void CloseReader(SqliteConnection connection)
    {
        if (ReaderStatements.TryGetValue(connection, out WriterCommands? statements))
        {
            statements.Dispose();
            ReaderStatements.Remove(connection);
        }

        if (ReaderNativeStatements.TryGetValue(connection, out ReaderStatementCache? native))
        {
            native.Dispose();
            ReaderNativeStatements.Remove(connection);
        }

        connection.Dispose();
    }

    private static DatabaseFileKind Inspect(string path)
    {
        try
        {
            return DatabaseFile.Inspect(path);
        }
        catch (UnauthorizedAccessException ex) when (UnenterableFolder.Find(path) is { } folder)
        {
            throw AcodeErrors.FolderNotEnterable(path, folder, UnenterableFolder.Permissions(folder), ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw AcodeErrors.CannotOpen(path, ex.Message, ex);
        }
    }

    private void EnsureMigrated()
    {
        if (WorkspaceId is null)
        {
            throw new InvalidOperationException($"The workspace database '{Workspace.DatabasePath}' was opened without migrating. Run 'acode db migrate' first.");
        }
    }

    private string? ReadWorkspaceId()
    {
        using SqliteCommand command = _writer.CreateCommand();
        command.CommandText = "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'workspace';";
        if (Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) == 0)
        {
            return null;
        }

        command.CommandText = "SELECT workspace_id FROM workspace WHERE id = 1;";
        return command.ExecuteScalar() as string;
    }
}
