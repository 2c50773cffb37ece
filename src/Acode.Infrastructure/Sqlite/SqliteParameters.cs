using System.Text;
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

    /// <summary>Binds whole numbers as one JSON array (<see cref="JsonArray"/>), for a statement that reads them with <c>json_each(name)</c>.</summary>
    public static SqliteCommand WithJsonArray(this SqliteCommand command, string name, IEnumerable<long> values)
        => command.With(name, JsonArray(values));

    /// <summary>Whole numbers as a JSON array (<c>[1,2,3]</c>), the text <c>json_each</c> reads; bind it once when two statements read it.</summary>
    public static string JsonArray(IEnumerable<long> values)
        => "[" + string.Join(',', values.Select(v => v.ToString(System.Globalization.CultureInfo.InvariantCulture))) + "]";

    /// <summary>
    /// Binds an entity row's values. Text holding a NUL character is bound as its UTF-8 bytes (a BLOB) and turned back
    /// into TEXT by the statement (<see cref="EntityRows"/> writes <c>CAST($column AS TEXT)</c>): Microsoft.Data.Sqlite
    /// binds longer strings NUL-terminated, which would silently cut such text at its first NUL.
    /// </summary>
    public static SqliteCommand WithColumns(this SqliteCommand command, IReadOnlyList<string> columns, object?[] values)
    {
        for (int i = 0; i < columns.Count; i++)
        {
            if (values[i] is string text && text.Contains('\0', StringComparison.Ordinal))
            {
                command.Parameters.Add("$" + columns[i], SqliteType.Blob).Value = Encoding.UTF8.GetBytes(text);
            }
            else
            {
                command.Parameters.AddWithValue("$" + columns[i], values[i] ?? DBNull.Value);
            }
        }

        return command;
    }
}
