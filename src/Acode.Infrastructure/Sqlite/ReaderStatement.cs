using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Acode.Infrastructure.Sqlite;

/// <summary>
/// One statement prepared on a kept reader connection and driven through SQLite's own API (SQLitePCLRaw, the layer under
/// Microsoft.Data.Sqlite), for the hot listing path: columns are read as the UTF-8 bytes SQLite holds, so a timestamp or
/// state column is parsed without first becoming a string, and a row costs no <see cref="SqliteDataReader"/> bookkeeping.
/// Parameters are bound with the very calls Microsoft.Data.Sqlite makes (<c>sqlite3_bind_text</c>,
/// <c>sqlite3_bind_int64</c>), and failures surface as <see cref="SqliteException"/> like theirs.
/// Not thread-safe: it belongs to one connection, used by one read at a time.
/// </summary>
internal sealed class ReaderStatement : IDisposable
{
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _stmt;
    private readonly object?[] _bound;

    public ReaderStatement(SqliteConnection connection, string sql)
    {
        _db = connection.Handle ?? throw new InvalidOperationException("The connection is not open.");
        int rc = raw.sqlite3_prepare_v2(_db, sql, out sqlite3_stmt? stmt);
        if (rc != raw.SQLITE_OK || stmt is null)
        {
            stmt?.Dispose();
            SqliteException.ThrowExceptionForRC(rc, _db);
            throw new InvalidOperationException("SQLite prepared no statement.");
        }

        _stmt = stmt;
        _bound = new object?[raw.sqlite3_bind_parameter_count(stmt) + 1];
    }

    /// <summary>
    /// Binds <paramref name="value"/> (text or an integer) to the parameter named <paramref name="name"/> (e.g. <c>$limit</c>).
    /// Bind every parameter of the statement before each run: values stay bound between runs, and a value equal to the one
    /// already bound is not bound again. That matters for a parameter SQLite plans with (the value of a <c>LIMIT</c>): binding
    /// it again, even to the same value, makes SQLite compile the statement anew at its next step.
    /// </summary>
    public void Bind(string name, object value)
    {
        int index = raw.sqlite3_bind_parameter_index(_stmt, name);
        if (index == 0)
        {
            throw new InvalidOperationException($"The statement has no parameter {name}.");
        }

        if (value.Equals(_bound[index]))
        {
            return;
        }

        int rc = value switch
        {
            string text => raw.sqlite3_bind_text(_stmt, index, text),
            long number => raw.sqlite3_bind_int64(_stmt, index, number),
            int number => raw.sqlite3_bind_int64(_stmt, index, number),
            _ => throw new ArgumentException($"Cannot bind a {value.GetType().Name} to {name}.", nameof(value)),
        };
        Check(rc);
        _bound[index] = value;
    }

    /// <summary>Advances to the next row; false when there is none. Call <see cref="Reset"/> when done, also after a failure.</summary>
    public bool Step()
    {
        int rc = raw.sqlite3_step(_stmt);
        if (rc == raw.SQLITE_ROW)
        {
            return true;
        }

        if (rc == raw.SQLITE_DONE)
        {
            return false;
        }

        Check(rc);
        return false;
    }

    /// <summary>The text of column <paramref name="ordinal"/> as its UTF-8 bytes, valid until the next <see cref="Step"/>.</summary>
    /// <exception cref="InvalidOperationException">The value is NULL (as <see cref="SqliteDataReader.GetString"/> throws).</exception>
    public ReadOnlySpan<byte> GetUtf8(int ordinal)
    {
        // Only an empty result can be a NULL: the type is asked for then only (each call into SQLite costs).
        ReadOnlySpan<byte> text = raw.sqlite3_column_blob(_stmt, ordinal);
        if (text.IsEmpty)
        {
            ThrowIfNull(ordinal);
        }

        return text;
    }

    /// <summary>The text of column <paramref name="ordinal"/>, decoded as Microsoft.Data.Sqlite decodes it.</summary>
    public string GetString(int ordinal) => System.Text.Encoding.UTF8.GetString(GetUtf8(ordinal));

    /// <exception cref="InvalidOperationException">The value is NULL (as <see cref="SqliteDataReader.GetInt64"/> throws).</exception>
    public long GetInt64(int ordinal)
    {
        long value = raw.sqlite3_column_int64(_stmt, ordinal);
        if (value == 0)
        {
            ThrowIfNull(ordinal);
        }

        return value;
    }

    /// <summary>Ends the current run, so the statement holds no snapshot (its bound values stay, see <see cref="Bind"/>).</summary>
    public void Reset() => raw.sqlite3_reset(_stmt);

    public void Dispose() => _stmt.Dispose();

    private void ThrowIfNull(int ordinal)
    {
        if (raw.sqlite3_column_type(_stmt, ordinal) == raw.SQLITE_NULL)
        {
            throw new InvalidOperationException($"The data is NULL at ordinal {ordinal}. This method can't be called on NULL values.");
        }
    }

    private void Check(int rc)
    {
        if (rc != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(rc, _db);
        }
    }
}
