using System.Data.Common;
using Acode.Application.Outbox;
using Acode.Application.Serialization;
using Microsoft.Data.Sqlite;

namespace Acode.Infrastructure.Sqlite;

/// <summary>The SQLite outbox table (spec §6). Appends join the caller's transaction; reads use a reader connection.</summary>
internal sealed partial class SqliteOutbox : IOutbox
{
    private const string AppendSql = """
        INSERT INTO outbox (entity_type, entity_id, hlc, session_id, operation, base_version, version, origin, payload,
                            status, attempts, next_attempt_at, created_at, updated_at, base_hlc, pruned_before, pruned_states)
        VALUES ($entity_type, $entity_id, $hlc, $session_id, $operation, $base_version, $version, $origin, $payload,
                'Pending', 0, $now, $now, $now, $base_hlc, $pruned_before, $pruned_states)
        ON CONFLICT (entity_id, hlc) DO NOTHING;
        """;

    /// <summary>
    /// Pending and dead-lettered records counted through the status index (the backlog and the dead letters: exact whoever
    /// changed a status, and small when all is well), processed ones as the rest of the trigger-kept total (schema 1.1.0),
    /// the oldest and the last record through their indexes.
    /// </summary>
    internal const string StatisticsSql = """
        SELECT (SELECT count(*) FROM outbox WHERE status = 'Pending'),
               (SELECT count(*) FROM outbox WHERE status = 'Failed'),
               (SELECT row_count FROM row_counts WHERE name = 'outbox'),
               (SELECT created_at FROM outbox WHERE status = 'Pending' ORDER BY id LIMIT 1),
               (SELECT max(processed_at) FROM outbox WHERE processed_at IS NOT NULL);
        """;

    /// <summary>
    /// The payload of record <c>o</c>: its own text, or, for a record that refers to its entity's row (the empty text,
    /// schema 1.7.0), the document <c>entity_documents</c> rebuilds from the row at the record's version. The triggers of
    /// 1.7.0 copy the document into the record before its row changes or goes, so NULL means the row changed while they
    /// were dropped by hand.
    /// </summary>
    internal const string PayloadSql = """
        CASE WHEN o.payload <> '' THEN o.payload
             ELSE (SELECT d.document FROM entity_documents d WHERE d.entity_type = o.entity_type AND d.id = o.entity_id AND d.version = o.version) END
        """;

    /// <summary>The hashes (a JSON array, NULL when none) that the processed records older than <c>$cutoff</c> name in their payloads, found through <c>ix_outbox_processed</c>.</summary>
    private const string PrunedBlobsSql = $"""
        SELECT CASE WHEN count(*) > 0 THEN json_group_array(DISTINCT r.value) END
        FROM outbox o, {SqliteBlobs.PayloadBlobNamesSql}
        WHERE o.processed_at IS NOT NULL AND o.processed_at < $cutoff AND o.entity_type IN ('ToolCall', 'Artifact') AND o.payload <> '' AND r.value IS NOT NULL;
        """;

    // A record's lease, if any, is its row in outbox_leases (schema 1.2.0).
    private const string RecordsFrom = $"""
        SELECT o.id, o.hlc, o.entity_type, o.entity_id, o.session_id, o.operation, o.base_version, o.version, o.origin, {PayloadSql},
               o.status, o.attempts, o.next_attempt_at, o.last_error, l.owner, l.lease_until, o.created_at, o.updated_at, o.processed_at, o.base_hlc, o.pruned_before, o.pruned_states
        FROM outbox o LEFT JOIN outbox_leases l ON l.outbox_id = o.id
        """;

    private readonly SqliteWorkspaceDatabase _database;

    public SqliteOutbox(SqliteWorkspaceDatabase database) => _database = database;

    public Task<bool> AppendAsync(DbTransaction transaction, OutboxEntry entry, string originWorkspaceId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        cancellationToken.ThrowIfCancellationRequested();
        var sqliteTransaction = transaction as SqliteTransaction
            ?? throw new ArgumentException("The SQLite outbox joins SQLite transactions only.", nameof(transaction));
        using SqliteCommand command = sqliteTransaction.Connection!.CreateCommand();
        command.Transaction = sqliteTransaction;
        command.CommandText = AppendSql;
        return Task.FromResult(Bind(command, entry, originWorkspaceId, _database.Time.GetUtcNow()).ExecuteNonQuery() == 1);
    }

    public Task<IReadOnlyList<OutboxRecord>> ReadAsync(OutboxStatus status, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        IReadOnlyList<OutboxRecord> records = _database.Read((connection, transaction) =>
        {
            using SqliteCommand command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = $"{RecordsFrom} WHERE o.status = $status ORDER BY o.id LIMIT $limit;";
            command.With("$status", status.ToString()).With("$limit", limit);
            using SqliteDataReader reader = command.ExecuteReader();
            var list = new List<OutboxRecord>();
            while (reader.Read())
            {
                list.Add(ReadRecord(reader));
            }

            return list;
        }, cancellationToken);
        return Task.FromResult(records);
    }

    /// <summary>The status of outbox record <paramref name="id"/>, or null when there is none (never written, or delivered and pruned).</summary>
    internal OutboxStatus? StatusOf(long id) => _database.Read((connection, transaction) =>
    {
        using SqliteCommand command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT status FROM outbox WHERE id = $id;";
        command.With("$id", id);
        return command.ExecuteScalar() is string status ? StoredValue.Enum<OutboxStatus>(status, "outbox.status") : (OutboxStatus?)null;
    }, CancellationToken.None);

    public Task<OutboxStatistics> GetStatisticsAsync(CancellationToken cancellationToken = default)
        => Task.FromResult(_database.Read(ReadStatistics, cancellationToken));

    private static OutboxStatistics ReadStatistics(SqliteConnection connection, SqliteTransaction transaction)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = StatisticsSql;
        using SqliteDataReader reader = command.ExecuteReader();
        reader.Read();
        long pending = reader.GetInt64(0), failed = reader.GetInt64(1);
        return new OutboxStatistics(pending, failed, Math.Max(0, CountOrZero(reader, 2) - pending - failed), OptionalTimestamp(reader, 3), OptionalTimestamp(reader, 4));
    }

    /// <summary>
    /// Deletes the processed records older than <paramref name="retention"/>, then, in the same transaction, the blobs that
    /// only they named (<see cref="SqliteBlobs.Sweep"/>): a blob outlives every record that names it, whatever its
    /// status, so that <c>acode db sync retry --processed</c> can send it again (docs/storage.md).
    /// </summary>
    public async Task<int> PruneProcessedAsync(TimeSpan retention, CancellationToken cancellationToken = default)
    {
        string cutoff = UtcTimestamp.Format(_database.Time.GetUtcNow() - retention);
        return await _database.WriteAsync((transaction, commands) =>
        {
            string? named = commands.Get(PrunedBlobsSql, transaction).With("$cutoff", cutoff).ExecuteScalar() as string;
            int pruned = commands.Get("DELETE FROM outbox WHERE processed_at IS NOT NULL AND processed_at < $cutoff;", transaction)
                .With("$cutoff", cutoff)
                .ExecuteNonQuery();
            if (named is not null)
            {
                SqliteBlobs.Sweep(commands, transaction, among: named);
            }

            return pruned;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Appends inside the store's own write transaction, reusing the writer's prepared command. The caller has just
    /// written the entity's row with exactly <paramref name="entry"/>'s document, so an upsert of any entity but an
    /// artifact is stored by reference (<see cref="RefersToRow"/>).
    /// </summary>
    internal static bool Append(WriterCommands commands, SqliteTransaction transaction, OutboxEntry entry, string origin, DateTimeOffset now)
        => Bind(commands.Get(AppendSql, transaction), entry, origin, now, RefersToRow(entry)).ExecuteNonQuery() == 1;

    /// <summary>
    /// Whether the record of <paramref name="entry"/> keeps the empty text instead of its payload (schema 1.7.0): an upsert
    /// whose document <c>entity_documents</c> can rebuild from the row. A deletion's tombstone outlives its row, and an
    /// artifact's inline content is bytes (base64 in JSON, which SQLite's SQL cannot write), so both keep their payloads.
    /// </summary>
    internal static bool RefersToRow(OutboxEntry entry) => entry.Operation == OutboxOperation.Upsert && entry.EntityType != EntityType.Artifact;

    /// <exception cref="ArgumentException">The payload is larger than PostgreSQL can store (<see cref="DocumentSize"/>); nothing is written.</exception>
    private static SqliteCommand Bind(SqliteCommand command, OutboxEntry entry, string origin, DateTimeOffset now, bool byReference = false)
    {
        DocumentSize.Check(entry.EntityType, entry.EntityId, entry.Payload, "session");
        return command
            .With("$entity_type", entry.EntityType.ToString())
            .With("$entity_id", entry.EntityId)
            .With("$hlc", entry.UpdatedAt.UtcTicks)
            .With("$session_id", entry.SessionId)
            .With("$operation", entry.Operation.ToString())
            .With("$base_version", entry.BaseVersion)
            .With("$version", entry.Version)
            .With("$base_hlc", entry.BaseUpdatedAt?.UtcTicks)
            .With("$pruned_before", entry.PrunedBefore?.UtcTicks)
            .With("$pruned_states", entry.PrunedStates is { Count: > 0 } states ? string.Join(',', states) : null)
            .With("$origin", origin)
            .With("$payload", byReference ? string.Empty : entry.Payload)
            .With("$now", UtcTimestamp.Format(now));
    }

    // Column 1 is hlc, the version's stamp in UTC ticks (schema 1.11.0): the key is built from it here with
    // IdempotencyKey.For, the format of the generated column outbox.idempotency_key, whose strftime and printf would cost
    // the claim about 1.5 µs per record. Column 9 is PayloadSql: NULL (read as the empty text) only if the row changed
    // while the triggers of 1.7.0 were dropped. Column 19 is base_hlc (schema 1.8.0), column 20 pruned_before (schema 1.17.0), both in UTC ticks; column 21 pruned_states (1.17.0), names with commas.
    internal static OutboxRecord ReadRecord(SqliteDataReader r)
    {
        var changedAt = new DateTimeOffset(r.GetInt64(1), TimeSpan.Zero);
        EntityType type = StoredValue.Enum<EntityType>(r.GetString(2), "outbox.entity_type");
        string entityId = r.GetString(3);
        return new(
            r.GetInt64(0), IdempotencyKey.For(type, entityId, changedAt), type, entityId, r.GetString(4),
            StoredValue.Enum<OutboxOperation>(r.GetString(5), "outbox.operation"), r.GetInt64(6), r.GetInt64(7), r.GetString(8), r.IsDBNull(9) ? string.Empty : r.GetString(9),
            StoredValue.Enum<OutboxStatus>(r.GetString(10), "outbox.status"), r.GetInt32(11), OptionalTimestamp(r, 12), r.IsDBNull(13) ? null : r.GetString(13),
            r.IsDBNull(14) ? null : r.GetString(14), OptionalTimestamp(r, 15), UtcTimestamp.Parse(r.GetString(16)), UtcTimestamp.Parse(r.GetString(17)),
            OptionalTimestamp(r, 18), changedAt)
        {
            BaseChangedAt = r.IsDBNull(19) ? null : new DateTimeOffset(r.GetInt64(19), TimeSpan.Zero),
            PrunedBefore = r.IsDBNull(20) ? null : new DateTimeOffset(r.GetInt64(20), TimeSpan.Zero),
            PrunedStates = r.IsDBNull(21) ? [] : r.GetString(21).Split(',', StringSplitOptions.RemoveEmptyEntries),
        };
    }

    private static long CountOrZero(SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? 0 : reader.GetInt64(ordinal);

    private static DateTimeOffset? OptionalTimestamp(SqliteDataReader reader, int ordinal)
        => reader.IsDBNull(ordinal) ? null : UtcTimestamp.Parse(reader.GetString(ordinal));
}
