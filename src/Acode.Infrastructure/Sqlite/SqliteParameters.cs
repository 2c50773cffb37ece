using Microsoft.Data.Sqlite;

namespace Acode.Infrastructure.Sqlite;

/// <summary>Binds values as named parameters (<c>$name</c>); nulls become SQL NULL.</summary>
internal static class SqliteParameters
{
    public static SqliteCommand With(this SqliteCommand command, string name, object? value)
    {
        command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return command;
    }

    public static SqliteCommand WithColumns(this SqliteCommand command, IReadOnlyList<string> columns, object?[] values)
    {
        for (int i = 0; i < columns.Count; i++)
        {
            command.Parameters.AddWithValue("$" + columns[i], values[i] ?? DBNull.Value);
        }

        return command;
    }
}
