using Microsoft.Data.Sqlite;

namespace Acode.Infrastructure.Sqlite;

/// <summary>
/// The <see cref="ReaderStatement"/>s of one kept reader connection, prepared once per SQL text and finalized with
/// <see cref="Dispose"/> (before the connection closes). Starts over when full: listing builds its SQL from the filter.
/// </summary>
internal sealed class ReaderStatementCache : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly int _capacity;
    private readonly Dictionary<string, ReaderStatement> _statements = new(StringComparer.Ordinal);

    public ReaderStatementCache(SqliteConnection connection, int capacity)
    {
        _connection = connection;
        _capacity = capacity;
    }

    public ReaderStatement Get(string sql)
    {
        if (!_statements.TryGetValue(sql, out ReaderStatement? statement))
        {
            if (_statements.Count >= _capacity)
            {
                Dispose();
            }

            statement = new ReaderStatement(_connection, sql);
            _statements.Add(sql, statement);
        }

        return statement;
    }

    public void Dispose()
    {
        foreach (ReaderStatement statement in _statements.Values)
        {
            statement.Dispose();
        }

        _statements.Clear();
    }
}
