using Acode.Benchmarks.Raw;
using Npgsql;
using NpgsqlTypes;

namespace Acode.Benchmarks.Workloads;

/// <summary>
/// The wire's limit of the sync (issue 15 part 2): as <see cref="RawSync"/>, but each batch travels with one binary
/// <c>COPY</c> into a temporary staging table (created once per connection, emptied at each commit) and is merged from
/// there set-based: one key insert and one upsert per entity type, the latest change of each entity picked by
/// <c>DISTINCT ON</c> in PostgreSQL, all sent in one round trip. No leases, no conflict audit, no poison isolation.
/// </summary>
public static class RawCopySync
{
    private const string StagingSql = """
        CREATE TEMP TABLE IF NOT EXISTS raw_staging (n integer, key text, type text, entity_id text, origin text, hlc bigint, d jsonb) ON COMMIT DELETE ROWS;
        """;

    private const string KeysSql = """
        INSERT INTO sync_applied (idempotency_key, entity_type, entity_id, origin, outcome)
        SELECT key, type, entity_id, origin, 'Applied' FROM raw_staging
        ON CONFLICT DO NOTHING;
        """;

    /// <param name="sqlitePath">The workspace database whose outbox is drained.</param>
    /// <param name="postgres">The target.</param>
    /// <param name="batchSize">Records per transaction.</param>
    public static long Run(string sqlitePath, string postgres, int batchSize)
    {
        using var sqlite = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={sqlitePath};Pooling=False");
        sqlite.Open();
        using (Microsoft.Data.Sqlite.SqliteCommand pragmas = sqlite.CreateCommand())
        {
            pragmas.CommandText = "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;";
            pragmas.ExecuteNonQuery();
        }

        using Microsoft.Data.Sqlite.SqliteCommand select = sqlite.CreateCommand();
        select.CommandText = RawSync.RawSelectSql;
        select.Parameters.AddWithValue("$n", batchSize);
        select.Prepare();
        using Microsoft.Data.Sqlite.SqliteCommand mark = sqlite.CreateCommand();
        mark.CommandText = "UPDATE outbox SET status = 'Processed', processed_at = $now, updated_at = $now WHERE id = $id;";
        Microsoft.Data.Sqlite.SqliteParameter now = mark.Parameters.Add("$now", Microsoft.Data.Sqlite.SqliteType.Text);
        Microsoft.Data.Sqlite.SqliteParameter markId = mark.Parameters.Add("$id", Microsoft.Data.Sqlite.SqliteType.Integer);
        mark.Prepare();

        using var pg = new NpgsqlConnection(postgres);
        pg.Open();
        using (var staging = new NpgsqlCommand(StagingSql, pg))
        {
            staging.ExecuteNonQuery();
        }

        // One round trip: the key insert, then an upsert per type (sessions last, like acode), the latest change of each entity.
        using var merge = new NpgsqlBatch(pg);
        merge.BatchCommands.Add(new NpgsqlBatchCommand(KeysSql));
        foreach ((string type, (string table, (string Column, string Expression)[] columns)) in RawSync.Mirrors.OrderBy(m => m.Key == "Session" ? 1 : 0))
        {
            string latest = $"(SELECT DISTINCT ON (entity_id) d, hlc, origin FROM raw_staging WHERE type = '{type}' ORDER BY entity_id, n DESC) AS u";
            merge.BatchCommands.Add(new NpgsqlBatchCommand(RawSync.UpsertSql(table, columns, latest)));
        }

        merge.Prepare();
        long done = 0;
        var batch = new List<(long Id, string Key, string Type, string EntityId, string Origin, string Payload)>(batchSize);
        while (true)
        {
            batch.Clear();
            using (Microsoft.Data.Sqlite.SqliteDataReader r = select.ExecuteReader())
            {
                while (r.Read())
                {
                    batch.Add((r.GetInt64(0), RawSync.KeyOf(r), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5)));
                }
            }

            if (batch.Count == 0)
            {
                break;
            }

            using (NpgsqlTransaction transaction = pg.BeginTransaction())
            {
                using (NpgsqlBinaryImporter copy = pg.BeginBinaryImport("COPY raw_staging (n, key, type, entity_id, origin, hlc, d) FROM STDIN (FORMAT BINARY)"))
                {
                    for (int i = 0; i < batch.Count; i++)
                    {
                        var record = batch[i];
                        copy.StartRow();
                        copy.Write(i, NpgsqlDbType.Integer);
                        copy.Write(record.Key, NpgsqlDbType.Text);
                        copy.Write(record.Type, NpgsqlDbType.Text);
                        copy.Write(record.EntityId, NpgsqlDbType.Text);
                        copy.Write(record.Origin, NpgsqlDbType.Text);
                        copy.Write(RawSync.HlcOf(record.Key), NpgsqlDbType.Bigint);
                        copy.Write(record.Payload, NpgsqlDbType.Jsonb);
                    }

                    copy.Complete();
                }

                merge.Transaction = transaction;
                merge.ExecuteNonQuery();
                transaction.Commit();
            }

            using (Microsoft.Data.Sqlite.SqliteTransaction transaction = sqlite.BeginTransaction())
            {
                mark.Transaction = transaction;
                now.Value = RawIds.Format(DateTime.UtcNow);
                foreach (var record in batch)
                {
                    markId.Value = record.Id;
                    mark.ExecuteNonQuery();
                }

                transaction.Commit();
            }

            done += batch.Count;
        }

        return done;
    }
}
