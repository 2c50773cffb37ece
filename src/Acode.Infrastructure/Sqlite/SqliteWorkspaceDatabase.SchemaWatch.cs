using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Acode.Infrastructure.Sqlite;

public sealed partial class SqliteWorkspaceDatabase
{
    // Every acode migration, data-only ones included, adds a row to the journal (a new, greater rowid: its last b-tree
    // entry, no scan); SQLite's schema cookie changes with every CREATE, DROP or ALTER
    // (https://www.sqlite.org/pragma.html#pragma_schema_version). One statement reads both.
    private const string SchemaMarkSql = "SELECT (SELECT max(rowid) FROM schema_version) * 4294967296 + (SELECT schema_version FROM pragma_schema_version);";

    private long _schemaMark = -1;

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
    }

    private long SchemaMark(SqliteTransaction transaction)
        => Convert.ToInt64(_commands.Get(SchemaMarkSql, transaction).ExecuteScalar(), CultureInfo.InvariantCulture);
}
