using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Acode.Infrastructure.Sqlite;

public sealed partial class SqliteWorkspaceDatabase
{
    private Action<string>? _statementSink;

    /// <summary>
    /// Reports every SQL statement this database's connections (the writer and every reader, present and future) start to
    /// run, as SQLite runs it: the statement's own text with its bound parameters expanded in line (SQLite's
    /// <c>sqlite3_trace</c>). Trigger sub-programs (<c>-- TRIGGER …</c> lines) are not reported. For tests that check
    /// the statements acode really executes (their query plans); tracing costs a callback per statement.
    /// </summary>
    /// <returns>Disposing it stops the trace.</returns>
    internal IDisposable TraceStatements(Action<string> sink)
    {
        ArgumentNullException.ThrowIfNull(sink);
        lock (_readerGate)
        {
            _statementSink = sink;
            Install(_writer, sink);
            foreach (SqliteConnection reader in _idleReaders)
            {
                Install(reader, sink);
            }
        }

        return new StatementTrace(this);
    }

    /// <summary>A reader opened while a trace is on is traced too.</summary>
    private SqliteConnection Traced(SqliteConnection connection)
    {
        Action<string>? sink = Volatile.Read(ref _statementSink);
        if (sink is not null)
        {
            Install(connection, sink);
        }

        return connection;
    }

    private void StopTracing()
    {
        lock (_readerGate)
        {
            _statementSink = null;
            if (_disposed)
            {
                return;
            }

            raw.sqlite3_trace(_writer.Handle, (strdelegate_trace?)null, null);
            foreach (SqliteConnection reader in _idleReaders)
            {
                raw.sqlite3_trace(reader.Handle, (strdelegate_trace?)null, null);
            }
        }
    }

    private static void Install(SqliteConnection connection, Action<string> sink)
        => raw.sqlite3_trace(connection.Handle, (_, sql) =>
        {
            if (!sql.StartsWith("--", StringComparison.Ordinal))
            {
                sink(sql);
            }
        }, null);

    private sealed class StatementTrace(SqliteWorkspaceDatabase database) : IDisposable
    {
        public void Dispose() => database.StopTracing();
    }
}
