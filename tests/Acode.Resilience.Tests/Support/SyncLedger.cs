using System.Globalization;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Acode.Resilience.Tests.Support;

/// <summary>
/// The ledger of a sync: what the workspace committed (its outbox and its rows) against what PostgreSQL holds
/// (<c>sync_applied</c> and the mirror tables). Lost: a local record whose key never arrived. Duplicated: a key applied
/// more than once. Stuck: a local record not marked processed. Diverged: an entity whose PostgreSQL version or stamp
/// differs from the local one (convergence is 0 diverged).
/// </summary>
internal sealed record SyncFigures(long Records, long Lost, long Duplicated, long Stuck, long Attempts, long DeadLetters, long Diverged)
{
    public bool Converged => Lost + Duplicated + Stuck + Attempts + DeadLetters + Diverged == 0;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Records} records: {Lost} lost, {Duplicated} duplicated, {Stuck} stuck, {Attempts} attempts burned, {DeadLetters} dead letters, {Diverged} entities diverged (converged: {(Converged ? "yes" : "NO")})");
}

internal static class SyncLedger
{
    private static readonly string[] Tables = ["sessions", "session_tasks", "steps", "tool_calls", "artifacts", "session_events"];

    public static async Task<SyncFigures> CompareAsync(string sqlitePath, string postgresConnectionString)
    {
        HashSet<string> localKeys;
        Dictionary<string, string> localEntities = new(StringComparer.Ordinal);
        long stuck, attempts, dead;
        using (SqliteConnection sqlite = Db.Open(sqlitePath))
        {
            localKeys = [.. Db.Strings(sqlite, "SELECT idempotency_key, origin FROM outbox;")];
            stuck = Db.Count(sqlite, "SELECT count(*) FROM outbox WHERE status <> 'Processed';");
            attempts = Db.Count(sqlite, "SELECT coalesce(sum(attempts), 0) FROM outbox;");
            dead = Db.Count(sqlite, "SELECT count(*) FROM outbox WHERE status = 'Failed';");
            foreach (string table in Tables)
            {
                foreach (string row in Db.Strings(sqlite, $"SELECT id, version, updated_at FROM {table};"))
                {
                    string[] parts = row.Split('|');
                    localEntities[$"{table}:{parts[0]}"] = $"{parts[1]}|{parts[2]}";
                }
            }
        }

        await using var pg = new NpgsqlConnection(postgresConnectionString);
        await pg.OpenAsync();
        List<string> pgKeys = await RowsAsync(pg, "SELECT idempotency_key, origin FROM sync_applied;");
        var pgKeySet = new HashSet<string>(pgKeys, StringComparer.Ordinal);
        long lost = localKeys.Count(k => !pgKeySet.Contains(k));
        long duplicated = pgKeys.Count - pgKeys.Distinct(StringComparer.Ordinal).Count();
        var pgEntities = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string table in Tables)
        {
            string live = table == "sessions" ? " WHERE deleted_at IS NULL" : "";
            foreach (string row in await RowsAsync(pg, $"SELECT id, version, document->>'updatedAt' FROM {table}{live};"))
            {
                string[] parts = row.Split('|');
                pgEntities[$"{table}:{parts[0]}"] = $"{parts[1]}|{parts[2]}";
            }
        }

        long diverged = localEntities.Count(e => !pgEntities.TryGetValue(e.Key, out string? v) || v != e.Value) + pgEntities.Keys.Count(k => !localEntities.ContainsKey(k));
        return new SyncFigures(localKeys.Count, lost, duplicated, stuck, attempts, dead, diverged);
    }

    public static async Task<List<string>> RowsAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await using NpgsqlDataReader reader = await command.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync())
        {
            rows.Add(string.Join("|", Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? "∅" : Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture))));
        }

        return rows;
    }

    /// <summary>Every mirror row (id, version, hlc, origin, document), ordered: two databases with equal snapshots hold the same state.</summary>
    public static async Task<List<string>> MirrorSnapshotAsync(string connectionString)
    {
        await using var pg = new NpgsqlConnection(connectionString);
        await pg.OpenAsync();
        var all = new List<string>();
        foreach (string table in Tables)
        {
            all.AddRange((await RowsAsync(pg, $"SELECT id, version, hlc, origin, document::text FROM {table} ORDER BY id;")).Select(r => $"{table}:{r}"));
        }

        return all;
    }
}
