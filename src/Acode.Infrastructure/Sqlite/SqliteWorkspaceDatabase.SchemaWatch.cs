using System.Globalization;
using Acode.Application.Errors;
using Microsoft.Data.Sqlite;

namespace Acode.Infrastructure.Sqlite;

public sealed partial class SqliteWorkspaceDatabase
{
    // Every acode migration, data-only ones included, adds a row to the journal (a new, greater rowid: its last b-tree
    // entry, no scan); SQLite's schema cookie changes with every CREATE, DROP or ALTER
    // (https://www.sqlite.org/pragma.html#pragma_schema_version). One statement reads both.
    private const string SchemaMarkSql = "SELECT (SELECT max(rowid) FROM schema_version) * 4294967296 + (SELECT schema_version FROM pragma_schema_version);";

    private long _schemaMark = -1;

    /// <summary>The schema mark the last <see cref="EnsureStillCurrent"/> found sound (starts as the one checked at open).</summary>
    private long _readSchemaMark = -1;

    /// <summary>The file this process opened (null where that is not known, see <see cref="FileIdentity"/>).</summary>
    private readonly FileIdentity? _openedFile;

    /// <summary>What the last check of <see cref="EnsureStillCurrent"/> found, and when (null before the first).</summary>
    private StillCurrentVerdict? _stillCurrent;

    /// <summary>How long a verdict of <see cref="EnsureStillCurrent"/> stands before the file and the schema are checked again: 1 second.</summary>
    public static TimeSpan StillCurrentInterval { get; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// For a process that keeps the database open while other processes may change it (<c>acode ui</c>), before it reads:
    /// checks that the file at the database path is still the one this process opened, and that its schema is still the
    /// one checked at open. Costs one <c>stat</c> and one small statement; the full schema check runs only after a change.
    /// The verdict stands for <see cref="StillCurrentInterval"/> on <see cref="Time"/> (a sound file is checked again at
    /// most once a second, and a change is noticed within that second; a refusal is repeated meanwhile, except a
    /// transient one such as a busy database, which is checked again at once). Any thread.
    /// </summary>
    /// <exception cref="AcodeDbException">
    /// ACODE-DB-001 when the file was removed or replaced by another since it was opened (what this process holds is no
    /// longer the workspace's database); ACODE-DB-004 when a newer acode migrated it since; ACODE-DB-002 when its schema
    /// is now damaged or edited.
    /// </exception>
    public void EnsureStillCurrent()
    {
        long now = Time.GetTimestamp();
        if (Volatile.Read(ref _stillCurrent) is { } verdict && Time.GetElapsedTime(verdict.CheckedAt, now) < StillCurrentInterval)
        {
            if (verdict.Refusal is { } refusal)
            {
                throw new AcodeDbException(refusal.ErrorCode, refusal.Message, refusal.Hint, refusal.InnerException);
            }

            return;
        }

        try
        {
            CheckStillCurrent();
        }
        catch (AcodeDbException ex) when (!ex.IsTransient)
        {
            Volatile.Write(ref _stillCurrent, new StillCurrentVerdict(now, ex));
            throw;
        }

        Volatile.Write(ref _stillCurrent, new StillCurrentVerdict(now, null));
    }

    /// <summary>The checks of <see cref="EnsureStillCurrent"/>, run now.</summary>
    private void CheckStillCurrent()
    {
        string path = Workspace.DatabasePath;
        if (!File.Exists(path))
        {
            throw AcodeErrors.WorkspaceDatabaseReplaced(path, "removed");
        }

        if (_openedFile is { } opened && FileIdentity.Of(path) is { } now && now != opened)
        {
            throw AcodeErrors.WorkspaceDatabaseReplaced(path, "replaced by another file");
        }

        EnsureMigrated();
        Connections.Guard(() =>
        {
            SqliteConnection connection = RentReader();
            try
            {
                long mark;
                using (SqliteTransaction transaction = connection.BeginTransaction(deferred: true))
                {
                    mark = Convert.ToInt64(ReaderCommand(connection, transaction, SchemaMarkSql).ExecuteScalar(), CultureInfo.InvariantCulture);
                }

                if (mark != Volatile.Read(ref _readSchemaMark))
                {
                    _migrator.GetStatus(connection);
                    Volatile.Write(ref _readSchemaMark, mark);
                }
            }
            finally
            {
                ReturnReader(connection);
            }

            return 0;
        });
    }

    /// <summary>
    /// Begins a <c>BEGIN IMMEDIATE</c> transaction on the writer, after checking that the schema is still the one this
    /// process checked: a newer acode (another process) may have migrated the file since it was opened, and a write in the
    /// old format would then land in a database that no longer expects it. A changed schema is checked again, as at open:
    /// newer than this program is ACODE-DB-004 (never written to), damaged or edited is ACODE-DB-002. Call it with the
    /// write gate held.
    /// </summary>
    private SqliteTransaction BeginWrite()
    {
        while (true)
        {
            SqliteTransaction transaction = _writer.BeginTransaction(deferred: false);
            long mark;
            try
            {
                mark = SchemaMark(transaction);
            }
            catch
            {
                transaction.Dispose();
                throw;
            }

            if (mark == _schemaMark)
            {
                return transaction;
            }

            transaction.Dispose();
            _migrator.GetStatus(_writer);
            _schemaMark = mark;
        }
    }

    /// <summary>Remembers the schema this process has just checked or migrated (at open and after <see cref="MigrateAsync"/>), once it has a journal.</summary>
    private void RememberSchema()
    {
        if (WorkspaceId is null)
        {
            return;
        }

        using SqliteCommand command = _writer.CreateCommand();
        command.CommandText = SchemaMarkSql;
        _schemaMark = Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
        Volatile.Write(ref _readSchemaMark, _schemaMark);
    }

    private long SchemaMark(SqliteTransaction transaction)
        => Convert.ToInt64(_commands.Get(SchemaMarkSql, transaction).ExecuteScalar(), CultureInfo.InvariantCulture);

    /// <summary>A verdict of <see cref="EnsureStillCurrent"/>: when it was reached (a <see cref="TimeProvider.GetTimestamp"/>), and the refusal, or null when the file was sound.</summary>
    private sealed record StillCurrentVerdict(long CheckedAt, AcodeDbException? Refusal);
}
