using Npgsql;
using NpgsqlTypes;

namespace Acode.Infrastructure.Sync;

/// <summary>
/// Deletes from PostgreSQL's <c>sync_applied</c> the idempotency keys that can no longer matter (docs/postgres.md,
/// "Pruning sync_applied"). A key is pruned when both hold:
/// <list type="number">
/// <item>it was applied before the horizon: <c>now() - (max(outbox_retention_days over workspaces) + 1 day)</c>, where a
/// workspace whose retention is unknown (it last synced before schema 1.4.0) counts as <see cref="MaxRetentionDays"/>;</item>
/// <item>it is not the key of the version a mirror row holds now (<c>stored_versions</c>, tombstones included):
/// <see cref="ConflictRule"/> asks whether a writer held that version, to tell a continuation from a conflict.</item>
/// </list>
/// Runs at most once per <see cref="Interval"/> across every process (<c>sync_maintenance</c>), and only in the one process
/// that holds the session-level advisory lock <see cref="LockKey"/> (<c>pg_try_advisory_lock</c>): the others skip.
/// </summary>
internal sealed class SyncAppliedPruner
{
    /// <summary>Advisory lock (two int keys) held while pruning: <c>("acpr", 1)</c>, apart from the appliers' per-session locks ("acod", hash).</summary>
    public static readonly (int Class, int Key) LockKey = (0x61637072, 1);

    /// <summary>The largest <c>persistence:sqlite:outboxRetentionDays</c> a workspace can have: the retention of a workspace that did not report one.</summary>
    public const int MaxRetentionDays = 3650;

    /// <summary>Keys deleted per statement, so a first prune of millions of keys never holds one huge transaction.</summary>
    public const int ChunkSize = 10_000;

    public const string TaskName = "sync_applied_prune";

    private const string HorizonSql = """
        SELECT now() - make_interval(days => COALESCE((SELECT max(COALESCE(outbox_retention_days, $1)) FROM workspaces), $1) + 1);
        """;

    private const string DeleteSql = """
        DELETE FROM sync_applied WHERE ctid = ANY (ARRAY(
            SELECT a.ctid FROM sync_applied a
            WHERE a.applied_at < $1
              AND NOT EXISTS (SELECT 1 FROM stored_versions v
                              WHERE v.entity_type = a.entity_type AND v.entity_id = a.entity_id AND v.idempotency_key = a.idempotency_key)
            LIMIT $2));
        """;

    private readonly NpgsqlDataSource _dataSource;

    public SyncAppliedPruner(NpgsqlDataSource dataSource, TimeSpan? interval = null)
    {
        _dataSource = dataSource;
        Interval = interval ?? TimeSpan.FromHours(1);
    }

    /// <summary>The least time between two prunes, whichever process ran the last one. Default one hour.</summary>
    public TimeSpan Interval { get; }

    /// <summary>Prunes when due and no other process is pruning.</summary>
    /// <returns>The keys deleted, or null when skipped (another process holds the lock, or the last prune is younger than <see cref="Interval"/>).</returns>
    public async Task<long?> PruneAsync(CancellationToken cancellationToken)
    {
        NpgsqlConnection connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var connectionScope = connection.ConfigureAwait(false);
        if (!await LockAsync(connection, "pg_try_advisory_lock", cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        try
        {
            if (!await IsDueAsync(connection, cancellationToken).ConfigureAwait(false))
            {
                return null;
            }

            DateTime horizon;
            var horizonQuery = new NpgsqlCommand(HorizonSql, connection);
            await using (horizonQuery.ConfigureAwait(false))
            {
                horizonQuery.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Integer, Value = MaxRetentionDays });
                horizon = (DateTime)(await horizonQuery.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
            }

            long total = 0;
            while (true)
            {
                var delete = new NpgsqlCommand(DeleteSql, connection);
                await using var deleteScope = delete.ConfigureAwait(false);
                delete.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.TimestampTz, Value = horizon });
                delete.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Integer, Value = ChunkSize });
                int deleted = await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                total += deleted;
                if (deleted < ChunkSize)
                {
                    break;
                }
            }

            int blobs = await PostgresBlobSweeper.SweepAsync(connection, cancellationToken).ConfigureAwait(false);
            await ScalarAsync(connection, """
                INSERT INTO sync_maintenance (task, last_run_at, last_result) VALUES ($1, now(), $2)
                ON CONFLICT (task) DO UPDATE SET last_run_at = excluded.last_run_at, last_result = excluded.last_result;
                """, [TaskName, $"pruned {total} keys applied before {horizon:O}; swept {blobs} blobs"], cancellationToken).ConfigureAwait(false);
            return total;
        }
        finally
        {
            // A session-level lock ends with its session: when an outage broke the connection there is nothing left to
            // unlock, and a command on it would throw over the error that broke it (the sync must see that one).
            if (connection.State == System.Data.ConnectionState.Open)
            {
                await LockAsync(connection, "pg_advisory_unlock", CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    private async Task<bool> IsDueAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var command = new NpgsqlCommand("SELECT NOT EXISTS (SELECT 1 FROM sync_maintenance WHERE task = $1 AND last_run_at > now() - $2);", connection);
        await using var commandScope = command.ConfigureAwait(false);
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = TaskName });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Interval, Value = Interval });
        return (bool)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    private static async Task<bool> LockAsync(NpgsqlConnection connection, string function, CancellationToken cancellationToken)
    {
        var command = new NpgsqlCommand($"SELECT {function}($1, $2);", connection);
        await using var commandScope = command.ConfigureAwait(false);
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Integer, Value = LockKey.Class });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Integer, Value = LockKey.Key });
        return (bool)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    private static async Task<object?> ScalarAsync(NpgsqlConnection connection, string sql, string[] parameters, CancellationToken cancellationToken)
    {
        var command = new NpgsqlCommand(sql, connection);
        await using var commandScope = command.ConfigureAwait(false);
        foreach (string parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = parameter });
        }

        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
    }
}
