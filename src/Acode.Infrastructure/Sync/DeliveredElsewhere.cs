using Acode.Application.Serialization;
using Acode.Infrastructure.Sqlite;
using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;

namespace Acode.Infrastructure.Sync;

/// <summary>
/// Puts back in the queue the delivered records that a PostgreSQL this workspace syncs to lacks although they were
/// delivered after it first synced there (trial AO 1: the URL named another database for a while, and what was
/// delivered there never reached the team's, while every status said all was delivered). A delivered record's
/// idempotency key stays in the target's <c>sync_applied</c> at least as long as the workspace keeps the record
/// (<see cref="SyncAppliedPruner"/>: the longest outbox retention of any workspace and a day), so a retained record
/// delivered after the target's <c>workspaces.first_sync_at</c> whose key is not there went to another database, or
/// this one was restored from a backup older than its delivery. Delivering it again is safe: its key decides.
/// </summary>
/// <remarks>
/// Records delivered before the target first saw this workspace are left to <c>acode db sync retry --processed</c>: a
/// database the workspace is new to may be the wrong one, and the sync warns about it instead. The check reads every
/// retained record delivered since then, <see cref="ChunkSize"/> at a time (one indexed local read and one PostgreSQL
/// query of key probes per chunk, once per sync process): records delivered elsewhere need not be the newest, as a
/// sync process that started before the detour may have delivered to the target since (trial AQ 2).
/// </remarks>
internal static class DeliveredElsewhere
{
    /// <summary>Records compared per round trip.</summary>
    public const int ChunkSize = 5_000;

    private const string NewestSql = """
        SELECT id, idempotency_key, origin, processed_at FROM outbox
        WHERE status = 'Processed' AND processed_at > $since
          AND ($at IS NULL OR processed_at < $at OR (processed_at = $at AND id < $id))
        ORDER BY processed_at DESC, id DESC
        LIMIT $limit;
        """;

    private const string MissingSql = """
        SELECT k.n FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS k(idempotency_key, origin, n)
        WHERE NOT EXISTS (SELECT 1 FROM sync_applied s WHERE s.idempotency_key = k.idempotency_key AND s.origin = k.origin);
        """;

    private const string DropLeasesSql = "DELETE FROM outbox_leases WHERE outbox_id IN (SELECT value FROM json_each($ids));";

    private const string RequeueSql = """
        UPDATE outbox SET status = 'Pending', processed_at = NULL, attempts = 0, next_attempt_at = $now, updated_at = $now
        WHERE id IN (SELECT value FROM json_each($ids)) AND status = 'Processed';
        """;

    /// <summary>Requeues the records delivered after <paramref name="firstSync"/> that <paramref name="dataSource"/> lacks.</summary>
    /// <param name="database">The workspace database.</param>
    /// <param name="dataSource">The target.</param>
    /// <param name="firstSync">The target's <c>workspaces.first_sync_at</c> of this workspace (the server's clock).</param>
    /// <param name="now">Now, for the requeued records' <c>next_attempt_at</c>.</param>
    /// <param name="cancellationToken">Stops the check.</param>
    /// <returns>How many records were put back in the queue.</returns>
    public static async Task<int> RequeueAsync(SqliteWorkspaceDatabase database, NpgsqlDataSource dataSource, DateTimeOffset firstSync, DateTimeOffset now, CancellationToken cancellationToken)
    {
        string since = UtcTimestamp.Format(firstSync);
        var missing = new List<long>();
        (string At, long Id)? cursor = null;
        while (true)
        {
            List<(long Id, string Key, string Origin, string ProcessedAt)> chunk = database.Read((connection, transaction) => ReadNewest(connection, transaction, since, cursor), cancellationToken);
            if (chunk.Count == 0)
            {
                break;
            }

            missing.AddRange(await AbsentAsync(dataSource, chunk, cancellationToken).ConfigureAwait(false));
            if (chunk.Count < ChunkSize)
            {
                break;
            }

            cursor = (chunk[^1].ProcessedAt, chunk[^1].Id);
        }

        if (missing.Count == 0)
        {
            return 0;
        }

        string nowText = UtcTimestamp.Format(now);
        return await database.WriteAsync(
            (transaction, commands) =>
            {
                commands.Get(DropLeasesSql, transaction).WithJsonArray("$ids", missing).ExecuteNonQuery();
                return commands.Get(RequeueSql, transaction).WithJsonArray("$ids", missing).With("$now", nowText).ExecuteNonQuery();
            },
            cancellationToken).ConfigureAwait(false);
    }

    private static List<(long Id, string Key, string Origin, string ProcessedAt)> ReadNewest(SqliteConnection connection, SqliteTransaction transaction, string since, (string At, long Id)? cursor)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = NewestSql;
        command.With("$since", since).With("$at", cursor?.At).With("$id", cursor?.Id).With("$limit", ChunkSize);
        using SqliteDataReader reader = command.ExecuteReader();
        var chunk = new List<(long, string, string, string)>(ChunkSize);
        while (reader.Read())
        {
            chunk.Add((reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3)));
        }

        return chunk;
    }

    /// <summary>The ids of the records of <paramref name="chunk"/> whose key the target's <c>sync_applied</c> does not hold.</summary>
    private static async Task<List<long>> AbsentAsync(NpgsqlDataSource dataSource, List<(long Id, string Key, string Origin, string ProcessedAt)> chunk, CancellationToken cancellationToken)
    {
        NpgsqlCommand command = dataSource.CreateCommand(MissingSql);
        await using var commandScope = command.ConfigureAwait(false);
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = chunk.Select(r => r.Key).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = chunk.Select(r => r.Origin).ToArray() });
        var absent = new List<long>();
        NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                absent.Add(chunk[(int)reader.GetInt64(0) - 1].Id);
            }
        }

        return absent;
    }
}
