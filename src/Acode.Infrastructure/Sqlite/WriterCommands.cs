using Microsoft.Data.Sqlite;

namespace Acode.Infrastructure.Sqlite;

/// <summary>Prepared commands of the single writer connection, reused by SQL text so each statement is compiled once.</summary>
internal sealed class WriterCommands : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);

    public WriterCommands(SqliteConnection connection) => _connection = connection;

    public SqliteCommand Get(string sql, SqliteTransaction transaction)
    {
        if (!_commands.TryGetValue(sql, out SqliteCommand? command))
        {
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
