using Acode.Benchmarks.Harness;
using Microsoft.Data.Sqlite;

namespace Acode.Benchmarks.Workloads;

/// <summary>
/// Where a session read's time goes: the raw read, then one ingredient of acode's read path added at a time
/// (a pooled connection opened per read with its commands prepared per read; acode's per-open pragmas; acode's five
/// statements), interleaved with acode itself. Shown under the table; not part of the JSON.
/// </summary>
public static class ReadLadder
{
    private const string Pragmas = "PRAGMA busy_timeout = 30000; PRAGMA foreign_keys = ON; PRAGMA synchronous = 2; PRAGMA query_only = ON;";

    private static readonly string[] AcodeStatements =
    [
        "SELECT title, goal, state, version, created_at, updated_at, (SELECT ifnull(max(sequence), 0) FROM session_events WHERE session_id = $id) FROM sessions WHERE id = $id;",
        "SELECT id, ordinal, title, description, state, started_at, completed_at, version, created_at, updated_at FROM session_tasks WHERE session_id = $id ORDER BY ordinal;",
        "SELECT id, task_id, ordinal, title, description, state, started_at, completed_at, version, created_at, updated_at FROM steps WHERE session_id = $id ORDER BY task_id, ordinal;",
        "SELECT id, step_id, tool_name, arguments, status, result, error, started_at, completed_at, duration_ticks, version, created_at, updated_at FROM tool_calls WHERE session_id = $id ORDER BY id;",
        "SELECT id, step_id, tool_call_id, name, kind, media_type, size, content_hash, content, version, created_at, updated_at FROM artifacts WHERE session_id = $id ORDER BY id;",
    ];

    private static readonly string[] TwoStatements =
    [
        "SELECT id, title, goal, state, version, created_at, updated_at FROM sessions WHERE id = $id;",
        "SELECT id, ordinal, title, description, state, started_at, completed_at, version, created_at, updated_at FROM session_tasks WHERE session_id = $id ORDER BY ordinal;",
    ];

    public static async Task<IReadOnlyList<(string Step, double P50)>> RunAsync(string databasePath, Func<string, Task> acodeRead, Func<string, Task> rawRead, string[] targets, int rounds, int blockSize)
    {
        string pooled = new SqliteConnectionStringBuilder { DataSource = databasePath, Mode = SqliteOpenMode.ReadWrite, Pooling = true, DefaultTimeout = 30 }.ToString();
        string Target(int round, int i) => targets[((round + 1) * blockSize + i) % targets.Length];
        using var held = new SqliteConnection(pooled.Replace("Pooling=True", "Pooling=False", StringComparison.OrdinalIgnoreCase));
        held.Open();
        SqliteCommand[] prepared = [.. AcodeStatements.Select(sql =>
        {
            SqliteCommand command = held.CreateCommand();
            command.CommandText = sql;
            command.Parameters.Add(new SqliteParameter { ParameterName = "$id" });
            command.Prepare();
            return command;
        })];
        var steps = new List<Latency.Contender>
        {
            new("1 raw: open connection, prepared header + tasks", (round, i) => rawRead(Target(round, i))),
            new("2 + pooled open and new commands per read", (round, i) => Read(pooled, null, TwoStatements, Target(round, i))),
            new("3 + acode's pragmas on every open", (round, i) => Read(pooled, Pragmas, TwoStatements, Target(round, i))),
            new("4 + acode's five statements (steps, tool calls, artifacts, last event)", (round, i) => Read(pooled, Pragmas, AcodeStatements, Target(round, i))),
            new("5 acode GetSessionAsync (adds building the domain objects)", (round, i) => acodeRead(Target(round, i))),
            new("6 acode's five statements on one open connection, prepared once", (round, i) => ReadPrepared(held, prepared, Target(round, i))),
        };
        Dictionary<string, Samples> samples = await Latency.InterleavedAsync(steps, warmup: 300, rounds, blockSize, TimeSpan.FromSeconds(0.3));
        foreach (SqliteCommand command in prepared)
        {
            command.Dispose();
        }

        return [.. steps.Select(s => (s.Name, samples[s.Name].P50))];
    }

    private static Task ReadPrepared(SqliteConnection connection, SqliteCommand[] commands, string id)
    {
        using SqliteTransaction transaction = connection.BeginTransaction(deferred: true);
        foreach (SqliteCommand command in commands)
        {
            command.Transaction = transaction;
            command.Parameters[0].Value = id;
            using SqliteDataReader reader = command.ExecuteReader();
            Drain(reader);
        }

        return Task.CompletedTask;
    }

    private static void Drain(SqliteDataReader reader)
    {
        while (reader.Read())
        {
            for (int c = 0; c < reader.FieldCount; c++)
            {
                _ = reader.GetValue(c);
            }
        }
    }

    private static Task Read(string connectionString, string? pragmas, string[] statements, string id)
    {
        using var connection = new SqliteConnection(connectionString);
        connection.Open();
        if (pragmas is not null)
        {
            using SqliteCommand command = connection.CreateCommand();
            command.CommandText = pragmas;
            command.ExecuteNonQuery();
            command.CommandText = "PRAGMA journal_mode;";
            _ = command.ExecuteScalar();
        }

        using SqliteTransaction transaction = connection.BeginTransaction(deferred: true);
        foreach (string sql in statements)
        {
            using SqliteCommand command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = sql;
            command.Parameters.AddWithValue("$id", id);
            using SqliteDataReader reader = command.ExecuteReader();
            Drain(reader);
        }

        return Task.CompletedTask;
    }
}
