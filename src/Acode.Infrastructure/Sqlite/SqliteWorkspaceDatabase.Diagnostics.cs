using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Acode.Infrastructure.Sqlite;

public sealed partial class SqliteWorkspaceDatabase
{
    /// <summary>The tables a workspace database holds, in the order reports list them.</summary>
    public static IReadOnlyList<string> Tables { get; } = ["sessions", "session_tasks", "steps", "tool_calls", "artifacts", "session_events", "outbox"];

    /// <summary>
    /// Runs <c>PRAGMA integrity_check</c> and <c>PRAGMA foreign_key_check</c>, checks the search indexes against their
    /// content and decodes every blob against its hash; reads only.
    /// </summary>
    /// <remarks>
    /// Runs on a reader connection of its own, opened for the check: <c>PRAGMA integrity_check</c> checks each FTS5 index
    /// through the index structure the connection has cached, and a reused connection's may be stale once another
    /// connection merged the index's segments (a removal's <c>'optimize'</c>, FTS5's automatic merges), which it would
    /// report as corruption ("fts5: corruption found reading blob …").
    /// </remarks>
    public DatabaseCheckReport Check(CancellationToken cancellationToken = default) => ReadOnOwnConnection((connection, transaction) =>
    {
        List<string> integrity = CheckIntegrity(connection, transaction);
        bool damaged = integrity.Count > 0;
        integrity.AddRange(UnlessDamaged("search index", () => CheckSearchIndex(connection, transaction), ref damaged));
        integrity.AddRange(UnlessDamaged("search index of large content", () => CheckBlobSearchIndex(connection, transaction), ref damaged));
        integrity.AddRange(UnlessDamaged("blobs", () => CheckBlobs(connection, transaction, cancellationToken), ref damaged));
        integrity.AddRange(UnlessDamaged("stored values", () => CheckStoredValues(connection, transaction), ref damaged));
        List<string> foreignKeys = UnlessDamaged("foreign key check", () => CheckForeignKeys(connection, transaction), ref damaged);
        return new DatabaseCheckReport(integrity, foreignKeys) { PagesDamaged = damaged };
    }, cancellationToken);

    /// <summary>
    /// Only <c>PRAGMA integrity_check</c> and <c>PRAGMA foreign_key_check</c>, which need none of acode's tables: what
    /// <c>acode db check</c> reports of a database at an older schema that was not migrated (damaged, or its migration
    /// failed). Reads only.
    /// </summary>
    public DatabaseCheckReport CheckPages(CancellationToken cancellationToken = default) => ReadOnOwnConnection((connection, transaction) =>
    {
        List<string> integrity = CheckIntegrity(connection, transaction);
        bool damaged = integrity.Count > 0;
        List<string> foreignKeys = UnlessDamaged("foreign key check", () => CheckForeignKeys(connection, transaction), ref damaged);
        return new DatabaseCheckReport(integrity, foreignKeys) { PagesDamaged = damaged };
    }, cancellationToken, anySchema: true);

    /// <summary><c>PRAGMA integrity_check</c> of the whole file, or of each table in turn when the whole check cannot finish.</summary>
    private static List<string> CheckIntegrity(SqliteConnection connection, SqliteTransaction transaction)
    {
        var integrity = new List<string>();
        try
        {
            integrity.AddRange(IntegrityCheck(connection, transaction, table: null));
        }
        catch (SqliteException ex) when (SqliteErrorMapper.IsCorrupt(ex))
        {
            // Damage where a b-tree starts (its root page) stops the whole check at once ("database disk image is
            // malformed"); a check per table still reports on the others and names the damaged ones.
            integrity.Add($"PRAGMA integrity_check could not finish ({ex.Message.TrimEnd('.')}), so each table was checked alone");
            integrity.AddRange(IntegrityCheckByTable(connection, transaction));
        }

        return integrity;
    }

    /// <summary>The problems <c>PRAGMA integrity_check</c> reports, of the whole file or of one table and its indexes (https://www.sqlite.org/pragma.html#pragma_integrity_check).</summary>
    private static List<string> IntegrityCheck(SqliteConnection connection, SqliteTransaction transaction, string? table)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.Transaction = transaction;
        // A pragma takes no parameter: the table's name, read from sqlite_schema, goes in as a quoted identifier.
        command.CommandText = table is null ? "PRAGMA integrity_check;" : $"PRAGMA integrity_check(\"{table.Replace("\"", "\"\"", StringComparison.Ordinal)}\");";
        using SqliteDataReader reader = command.ExecuteReader();
        var problems = new List<string>();
        while (reader.Read())
        {
            string line = reader.GetString(0);
            if (!string.Equals(line, "ok", StringComparison.Ordinal))
            {
                problems.Add(line);
            }
        }

        return problems;
    }

    /// <summary>
    /// <c>PRAGMA integrity_check</c> of each table in turn, for a file whose whole check stops at the first damaged root
    /// page: the problems found in each table, and the tables whose pages cannot be checked at all.
    /// </summary>
    private static IEnumerable<string> IntegrityCheckByTable(SqliteConnection connection, SqliteTransaction transaction)
    {
        var tables = new List<string>();
        using (SqliteCommand command = connection.CreateCommand())
        {
            command.Transaction = transaction;
            command.CommandText = "SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name;";
            using SqliteDataReader reader = command.ExecuteReader();
            while (reader.Read())
            {
                tables.Add(reader.GetString(0));
            }
        }

        foreach (string table in tables)
        {
            List<string> problems;
            try
            {
                problems = IntegrityCheck(connection, transaction, table);
            }
            catch (SqliteException ex) when (SqliteErrorMapper.IsCorrupt(ex))
            {
                problems = [$"its pages or its indexes' pages cannot be read ({ex.Message.TrimEnd('.')})"];
            }

            foreach (string problem in problems)
            {
                yield return $"{table}: {problem}";
            }
        }
    }

    /// <summary>
    /// The lines of one check, or one line saying it could not be read: in a file with damaged pages a check that reads
    /// them fails, and the report must still show what <c>PRAGMA integrity_check</c> found (and the other checks).
    /// </summary>
    private static List<string> UnlessDamaged(string check, Func<IEnumerable<string>> lines, ref bool damaged)
    {
        try
        {
            return [.. lines()];
        }
        catch (SqliteException ex) when (SqliteErrorMapper.IsCorrupt(ex))
        {
            damaged = true;
            return [$"{check}: could not be done, the pages it reads are damaged ({ex.Message})"];
        }
    }

    private static IEnumerable<string> CheckForeignKeys(SqliteConnection connection, SqliteTransaction transaction)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "PRAGMA foreign_key_check;";
        using SqliteDataReader reader = command.ExecuteReader();
        while (reader.Read())
        {
            yield return $"{reader.GetString(0)} row {reader.GetValue(1)} references missing {reader.GetString(2)}";
        }
    }

    /// <summary>The columns holding an enum's name, as <see cref="StoredValue"/> reads them, with the names acode writes there.</summary>
    private static readonly (string Table, string Column, string[] Names)[] EnumColumns =
    [
        ("sessions", "state", Enum.GetNames<SessionState>()),
        ("session_tasks", "state", Enum.GetNames<WorkState>()),
        ("steps", "state", Enum.GetNames<WorkState>()),
        ("tool_calls", "status", Enum.GetNames<ToolCallStatus>()),
        ("artifacts", "kind", Enum.GetNames<ArtifactKind>()),
        ("outbox", "entity_type", Enum.GetNames<EntityType>()),
        ("outbox", "operation", Enum.GetNames<Application.Outbox.OutboxOperation>()),
        ("outbox", "status", Enum.GetNames<Application.Outbox.OutboxStatus>()),
    ];

    /// <summary>
    /// Rows whose pages are sound but whose state, status or kind is none acode writes (a CHECK constraint does not guard
    /// every such column, nor does one hold against damage): reading such a row fails with ACODE-DB-002, so the check
    /// names them; and rows whose event payload or inline tool-call arguments are not JSON (read as they are, but their
    /// session's export is refused by <c>session import</c>). One scan per column; <c>PRAGMA integrity_check</c> reads
    /// every page anyway.
    /// </summary>
    private static IEnumerable<string> CheckStoredValues(SqliteConnection connection, SqliteTransaction transaction)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.Transaction = transaction;
        foreach ((string table, string column, string[] names) in EnumColumns)
        {
            // Table and column are this list's constants; the names are a parameter.
            command.CommandText = $"SELECT count(*), min(rowid) FROM {table} WHERE {column} NOT IN (SELECT value FROM json_each($names));";
            command.Parameters.Clear();
            command.Parameters.AddWithValue("$names", System.Text.Json.JsonSerializer.Serialize(names.ToList(), EntityIdsJson.Default.ListString));
            using SqliteDataReader reader = command.ExecuteReader();
            reader.Read();
            if (reader.GetInt64(0) is > 0 and long count)
            {
                yield return string.Create(CultureInfo.InvariantCulture, $"{table}: {count:N0} row(s) whose {column} is none of the values acode writes there ({string.Join(", ", names)}), the first at rowid {reader.GetInt64(1)}: damaged, or changed by another program (restore the database from a backup)");
            }
        }

        foreach ((string table, string column, string stored) in JsonColumns)
        {
            // SQLite's json_valid() without flags accepts RFC 8259 JSON only, as the domain's JsonText.Validate does.
            command.CommandText = $"SELECT count(*), min(rowid) FROM {table} WHERE {stored} AND NOT json_valid({column});";
            command.Parameters.Clear();
            using SqliteDataReader reader = command.ExecuteReader();
            reader.Read();
            if (reader.GetInt64(0) is > 0 and long count)
            {
                yield return string.Create(CultureInfo.InvariantCulture, $"{table}: {count:N0} row(s) whose {column} is not one JSON value, which acode always writes there, the first at rowid {reader.GetInt64(1)}: damaged, or changed by another program (an export of its session cannot be imported; restore the database from a backup)");
            }
        }
    }

    /// <summary>The columns holding JSON text that acode validated before storing it, and when the row holds it inline (not as a blob).</summary>
    private static readonly (string Table, string Column, string Stored)[] JsonColumns =
    [
        ("session_events", "payload", "true"),
        ("tool_calls", "arguments", "arguments_blob IS NULL"),
    ];

    /// <summary>
    /// The search index (schema 1.3.0) against its content, read-only: FTS5 keeps one <c>search_index_docsize</c> row per
    /// indexed entry, so an entry indexed without a <c>search_entries</c> row, or a row never indexed, shows as a
    /// difference. (<c>PRAGMA integrity_check</c> checks FTS5's own structure, not an external content table.)
    /// </summary>
    private static IEnumerable<string> CheckSearchIndex(SqliteConnection connection, SqliteTransaction transaction)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT count(*) FROM sqlite_schema WHERE name = 'search_index_docsize';";
        if (Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture) == 0)
        {
            yield break;
        }

        command.CommandText = """
            SELECT (SELECT count(*) FROM search_index_docsize d WHERE NOT EXISTS (SELECT 1 FROM search_entries e WHERE e.id = d.id)),
                   (SELECT count(*) FROM search_entries e WHERE NOT EXISTS (SELECT 1 FROM search_index_docsize d WHERE d.id = e.id));
            """;
        using SqliteDataReader reader = command.ExecuteReader();
        reader.Read();
        (long orphans, long missing) = (reader.GetInt64(0), reader.GetInt64(1));
        if (orphans + missing > 0)
        {
            yield return string.Create(CultureInfo.InvariantCulture, $"search index: {orphans:N0} indexed entr(ies) without content, {missing:N0} entr(ies) not indexed (rebuild it with the sqlite3 shell: INSERT INTO search_index (search_index) VALUES ('rebuild');)");
        }
    }

    /// <summary>Reads the trigger-kept counters (schema 1.1.0): a handful of rows, whatever the size of the workspace.</summary>
    internal const string RowCountsSql = "SELECT name, row_count FROM row_counts;";

    /// <summary>Row counts per table (from the counters the triggers keep) and the sizes of the database and its WAL.</summary>
    public DatabaseStatistics GetStatistics(CancellationToken cancellationToken = default) => Read((connection, transaction) =>
    {
        Dictionary<string, long> counters = ReadCounters(connection, transaction);
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        var uncounted = new List<string>();
        foreach (string table in Tables)
        {
            counts[table] = counters.GetValueOrDefault(table);
            if (!counters.TryGetValue(table, out long kept) || kept < 0)
            {
                uncounted.Add(table);
            }
        }

        return new DatabaseStatistics(counts, SizeOf(Workspace.DatabasePath), SizeOf(Workspace.DatabasePath + "-wal"), SizeOf(Workspace.DatabasePath + "-shm"))
        {
            UncountedTables = uncounted,
        };
    }, cancellationToken);

    /// <summary>
    /// Counts every table for real (a scan of each, for <c>acode db check</c>) and compares with the counters.
    /// </summary>
    /// <returns>One line per counter that disagrees; empty when all agree.</returns>
    internal IReadOnlyList<string> CheckRowCounts(CancellationToken cancellationToken = default) => Read((connection, transaction) =>
    {
        Dictionary<string, long> counters = ReadCounters(connection, transaction);
        var problems = new List<string>();
        foreach ((string name, long actual) in CountRows(connection, transaction))
        {
            if (!counters.TryGetValue(name, out long kept))
            {
                problems.Add(string.Create(CultureInfo.InvariantCulture, $"{name}: no counter (the table holds {actual:N0})"));
            }
            else if (kept != actual)
            {
                problems.Add(string.Create(CultureInfo.InvariantCulture, $"{name}: counter says {kept:N0}, the table holds {actual:N0}"));
            }
        }

        return (IReadOnlyList<string>)problems;
    }, cancellationToken);

    /// <summary>Rebuilds the row counters from real counts, in one write transaction (<c>acode db check --recount</c>).</summary>
    /// <returns>How many counters changed.</returns>
    internal Task<int> RecountRowsAsync(CancellationToken cancellationToken = default) => WriteAsync((transaction, _) =>
    {
        SqliteConnection connection = transaction.Connection!;
        Dictionary<string, long> counters = ReadCounters(connection, transaction);
        string now = Application.Serialization.UtcTimestamp.Format(Time.GetUtcNow());
        int changed = 0;
        foreach ((string name, long actual) in CountRows(connection, transaction))
        {
            if (counters.TryGetValue(name, out long kept) && kept == actual)
            {
                continue;
            }

            using SqliteCommand upsert = connection.CreateCommand();
            upsert.Transaction = transaction;
            upsert.CommandText = """
                INSERT INTO row_counts (name, row_count, created_at, updated_at) VALUES ($name, $count, $now, $now)
                ON CONFLICT (name) DO UPDATE SET row_count = excluded.row_count, updated_at = excluded.updated_at;
                """;
            upsert.With("$name", name).With("$count", actual).With("$now", now).ExecuteNonQuery();
            changed++;
        }

        return changed;
    }, cancellationToken);

    private static Dictionary<string, long> ReadCounters(SqliteConnection connection, SqliteTransaction transaction)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = RowCountsSql;
        using SqliteDataReader reader = command.ExecuteReader();
        var counters = new Dictionary<string, long>(StringComparer.Ordinal);
        while (reader.Read())
        {
            counters[reader.GetString(0)] = reader.GetInt64(1);
        }

        return counters;
    }

    /// <summary>The real count behind each counter, one per table.</summary>
    private static IEnumerable<(string Name, long Count)> CountRows(SqliteConnection connection, SqliteTransaction transaction)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.Transaction = transaction;
        foreach (string table in Tables)
        {
            command.CommandText = $"SELECT count(*) FROM {table};";
            yield return (table, Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture));
        }
    }

    private static long SizeOf(string path)
    {
        var file = new FileInfo(path);
        return file.Exists ? file.Length : 0;
    }
}
