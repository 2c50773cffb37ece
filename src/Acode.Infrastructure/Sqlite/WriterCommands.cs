using Microsoft.Data.Sqlite;

namespace Acode.Infrastructure.Sqlite;

/// <summary>
/// Prepared commands of one connection (the single writer, or a kept reader), reused by SQL text so each statement is
/// compiled once. With a <c>capacity</c>, the cache starts over when it is full (dynamic SQL cannot grow it without bound).
/// </summary>
internal sealed class WriterCommands : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly int _capacity;
    private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);

    public WriterCommands(SqliteConnection connection, int capacity = int.MaxValue)
    {
        _connection = connection;
        _capacity = capacity;
    }

    public SqliteCommand Get(string sql, SqliteTransaction transaction)
    {
        if (!_commands.TryGetValue(sql, out SqliteCommand? command))
        {
            if (_commands.Count >= _capacity)
            {
                Dispose();
            }

            command = _connection.CreateCommand();
            command.CommandText = sql;
            _commands.Add(sql, command);
        }

        command.Transaction = transaction;
        command.Parameters.Clear();
        return command;
    }

    public void Dispose()
    {
        foreach (SqliteCommand command in _commands.Values)
        {
            command.Dispose();
        }

        _commands.Clear();
    }
}
