using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Acode.Infrastructure.Tests.Support;

/// <summary>
/// Looks at a database file through a second, independent, unpooled connection: what the store wrote is
/// checked as any other process would see it, never through the store itself.
/// </summary>
internal static class SqliteProbe
{
    /// <summary>
    /// Every column of the outbox as the sync reads it: <c>payload</c> is the record's own text or, for a record that
    /// refers to its row (schema 1.7.0), the document rebuilt from the row (<see cref="Acode.Infrastructure.Sqlite.SqliteOutbox.PayloadSql"/>);
    /// <c>stored_payload</c> is the column as stored. Append a <c>WHERE</c> or <c>ORDER BY</c> on <c>o</c>.
    /// </summary>
    public const string OutboxRecordsSql = $"""
        SELECT o.id, o.idempotency_key, o.entity_type, o.entity_id, o.session_id, o.operation, o.base_version, o.version, o.origin,
               {Acode.Infrastructure.Sqlite.SqliteOutbox.PayloadSql} AS payload, o.payload AS stored_payload, o.status, o.attempts, o.next_attempt_at,
               o.last_error, o.created_at, o.updated_at, o.processed_at
        FROM outbox o
        """;

    /// <summary>
    /// Writes each record's rebuilt document into its <c>payload</c> (schema 1.7.0), so that the records can be copied to
    /// another database, where their rows do not exist, and still deliver what they did here.
    /// </summary>
    public static int MaterializeOutboxPayloads(string path)
        => Execute(path, $"UPDATE outbox AS o SET payload = ({Acode.Infrastructure.Sqlite.SqliteOutbox.PayloadSql}) WHERE o.payload = '';");

    /// <summary>Opens an independent read-write connection (never creates the file).</summary>
    public static SqliteConnection Open(string path)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWrite,
            Pooling = false,
        }.ToString());
        connection.Open();
        return connection;
    }

    public static object? Scalar(string path, string sql, params (string Name, object? Value)[] parameters)
    {
        using SqliteConnection connection = Open(path);
        return Scalar(connection, sql, parameters);
    }

    public static object? Scalar(SqliteConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        using SqliteCommand command = Command(connection, sql, parameters);
        return command.ExecuteScalar();
    }

    public static long Count(string path, string sql, params (string Name, object? Value)[] parameters)
        => Convert.ToInt64(Scalar(path, sql, parameters), CultureInfo.InvariantCulture);

    public static long Count(SqliteConnection connection, string sql, params (string Name, object? Value)[] parameters)
        => Convert.ToInt64(Scalar(connection, sql, parameters), CultureInfo.InvariantCulture);

    public static int Execute(string path, string sql, params (string Name, object? Value)[] parameters)
    {
        using SqliteConnection connection = Open(path);
        return Execute(connection, sql, parameters);
    }

    public static int Execute(SqliteConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        using SqliteCommand command = Command(connection, sql, parameters);
        return command.ExecuteNonQuery();
    }

    /// <summary>Every row of the query, each as a column-name → value map (NULL as null).</summary>
    public static List<Dictionary<string, object?>> Rows(string path, string sql, params (string Name, object? Value)[] parameters)
    {
        using SqliteConnection connection = Open(path);
        return Rows(connection, sql, parameters);
    }

    public static List<Dictionary<string, object?>> Rows(SqliteConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        using SqliteCommand command = Command(connection, sql, parameters);
        using SqliteDataReader reader = command.ExecuteReader();
        var rows = new List<Dictionary<string, object?>>();
        while (reader.Read())
        {
            var row = new Dictionary<string, object?>(StringComparer.Ordinal);
            for (int i = 0; i < reader.FieldCount; i++)
            {
                row[reader.GetName(i)] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }

            rows.Add(row);
        }

        return rows;
    }

    /// <summary>The column names of <paramref name="table"/>, in declaration order.</summary>
    public static List<string> Columns(string path, string table)
        => Rows(path, "SELECT name FROM pragma_table_info($table) ORDER BY cid;", ("$table", table)).Select(r => (string)r["name"]!).ToList();

    /// <summary>"table:id" → updated_at of every row of the run-entity tables.</summary>
    public static Dictionary<string, string> EntityStamps(string path)
    {
        var stamps = new Dictionary<string, string>(StringComparer.Ordinal);
        using SqliteConnection connection = Open(path);
        foreach (string table in new[] { "sessions", "session_tasks", "steps", "tool_calls", "artifacts", "session_events" })
        {
            foreach (Dictionary<string, object?> row in Rows(connection, $"SELECT id, updated_at FROM {table};"))
            {
                stamps[$"{table}:{row["id"]}"] = (string)row["updated_at"]!;
            }
        }

        return stamps;
    }

    private static SqliteCommand Command(SqliteConnection connection, string sql, (string Name, object? Value)[] parameters)
    {
        SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        foreach ((string name, object? value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command;
    }
}
