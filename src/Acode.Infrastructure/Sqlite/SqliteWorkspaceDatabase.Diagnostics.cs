using Microsoft.Data.Sqlite;

namespace Acode.Infrastructure.Sqlite;

public sealed partial class SqliteWorkspaceDatabase
{
    /// <summary>The tables a workspace database holds, in the order reports list them.</summary>
    public static IReadOnlyList<string> Tables { get; } = ["sessions", "session_tasks", "steps", "tool_calls", "artifacts", "session_events", "outbox"];

    /// <summary>Runs <c>PRAGMA integrity_check</c> and <c>PRAGMA foreign_key_check</c>; reads only.</summary>
    public DatabaseCheckReport Check(CancellationToken cancellationToken = default) => Read((connection, transaction) =>
    {
        var integrity = new List<string>();
        using (SqliteCommand command = connection.CreateCommand())
        {
            command.Transaction = transaction;
            command.CommandText = "PRAGMA integrity_check;";
            using SqliteDataReader reader = command.ExecuteReader();
            while (reader.Read())
            {
                string line = reader.GetString(0);
                if (!string.Equals(line, "ok", StringComparison.Ordinal))
                {
                    integrity.Add(line);
                }
            }
        }

        var foreignKeys = new List<string>();
        using (SqliteCommand command = connection.CreateCommand())
        {
            command.Transaction = transaction;
            command.CommandText = "PRAGMA foreign_key_check;";
            using SqliteDataReader reader = command.ExecuteReader();
            while (reader.Read())
            {
                foreignKeys.Add($"{reader.GetString(0)} row {reader.GetValue(1)} references missing {reader.GetString(2)}");
            }
        }

        return new DatabaseCheckReport(integrity, foreignKeys);
    }, cancellationToken);

    /// <summary>Row counts per table and the sizes of the database and its WAL.</summary>
    public DatabaseStatistics GetStatistics(CancellationToken cancellationToken = default) => Read((connection, transaction) =>
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        using SqliteCommand command = connection.CreateCommand();
        command.Transaction = transaction;
        foreach (string table in Tables)
        {
            // A plain count(*) of the outbox walks its widest index (the idempotency keys: 3.5 times the status index) and
            // takes three times as long on a cold cache; every row has one of these statuses (CHECK), so this is the same count.
            command.CommandText = table == "outbox"
                ? "SELECT count(*) FROM outbox WHERE status IN ('Pending', 'Processed', 'Failed');"
                : $"SELECT count(*) FROM {table};";
            counts[table] = Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        }

        return new DatabaseStatistics(counts, SizeOf(Workspace.DatabasePath), SizeOf(Workspace.DatabasePath + "-wal"), SizeOf(Workspace.DatabasePath + "-shm"));
    }, cancellationToken);

    private static long SizeOf(string path)
    {
        var file = new FileInfo(path);
        return file.Exists ? file.Length : 0;
    }
}
