using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Acode.Resilience.Tests.Support;

/// <summary>
/// Looks at a workspace database from the outside (an independent, unpooled connection), the way any other process
/// would: integrity, the probe invariants, every entity's version.
/// </summary>
internal static class Db
{
    public static readonly string[] EntityTables = ["sessions", "session_tasks", "steps", "tool_calls", "artifacts", "session_events"];

    public static SqliteConnection Open(string path)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWrite, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }

    public static long Count(string path, string sql)
    {
        using SqliteConnection connection = Open(path);
        return Count(connection, sql);
    }

    public static long Count(SqliteConnection connection, string sql)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    public static List<string> Strings(SqliteConnection connection, string sql)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        using SqliteDataReader reader = command.ExecuteReader();
        var list = new List<string>();
        while (reader.Read())
        {
            list.Add(string.Join("|", Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? "∅" : Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture))));
        }

        return list;
    }

    public static List<string> Strings(string path, string sql)
    {
        using SqliteConnection connection = Open(path);
        return Strings(connection, sql);
    }

    /// <summary>What is wrong with the file as a whole: integrity_check and foreign_key_check, empty when all is well.</summary>
    public static List<string> IntegrityProblems(SqliteConnection connection)
    {
        var problems = Strings(connection, "PRAGMA integrity_check;").Where(r => r != "ok").ToList();
        problems.AddRange(Strings(connection, "PRAGMA foreign_key_check;").Select(r => "foreign key: " + r));
        return problems;
    }

    /// <summary>The probe invariants (see ProbeUnits): partial units, outbox records not one per change, orphan records.</summary>
    public static (long Partial, long OutboxMismatch, long Orphans) ProbeInvariants(SqliteConnection connection)
        => (Count(connection, Acode.Resilience.Driver.Shared.ProbeUnits.PartialUnitsSql), Count(connection, Acode.Resilience.Driver.Shared.ProbeUnits.OutboxMismatchSql), Count(connection, Acode.Resilience.Driver.Shared.ProbeUnits.OrphanOutboxSql));

    /// <summary>Every run entity's id and version.</summary>
    public static Dictionary<string, long> Versions(SqliteConnection connection)
    {
        var versions = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (string table in EntityTables)
        {
            using SqliteCommand command = connection.CreateCommand();
            command.CommandText = $"SELECT id, version FROM {table};";
            using SqliteDataReader reader = command.ExecuteReader();
            while (reader.Read())
            {
                versions[reader.GetString(0)] = reader.GetInt64(1);
            }
        }

        return versions;
    }
}

/// <summary>
/// What a child acknowledged: every <c>ACK id:version …</c> line, kept as the highest acknowledged version per entity.
/// A save is lost when, after the crash, an entity it acknowledged is missing or older.
/// </summary>
internal sealed class AckLedger
{
    private readonly Dictionary<string, long> _acked = new(StringComparer.Ordinal);

    public int Saves { get; private set; }

    public int Entities => _acked.Count;

    /// <summary>Records the ACK lines among <paramref name="lines"/>; returns how many there were.</summary>
    public int Add(IEnumerable<string> lines)
    {
        int added = 0;
        foreach (string line in lines.Where(l => l.StartsWith("ACK ", StringComparison.Ordinal)))
        {
            foreach (string token in line[4..].Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                int colon = token.LastIndexOf(':');
                string id = token[..colon];
                long version = long.Parse(token[(colon + 1)..], CultureInfo.InvariantCulture);
                _acked[id] = Math.Max(_acked.GetValueOrDefault(id), version);
            }

            added++;
        }

        Saves += added;
        return added;
    }

    /// <summary>Acknowledged entities missing from <paramref name="stored"/> or stored at an older version.</summary>
    public List<string> Lost(IReadOnlyDictionary<string, long> stored)
        => _acked.Where(a => !stored.TryGetValue(a.Key, out long v) || v < a.Value)
            .Select(a => $"{a.Key} acknowledged at v{a.Value}, stored {(stored.TryGetValue(a.Key, out long v) ? "v" + v.ToString(CultureInfo.InvariantCulture) : "nowhere")}")
            .ToList();
}
