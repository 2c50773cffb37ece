using Acode.Application.Outbox;
using Acode.Application.Serialization;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;

namespace Acode.Infrastructure.Sync;

/// <summary>
/// Applies a batch of outbox records to PostgreSQL in one transaction, set-based (a handful of statements per batch,
/// never a round trip per row):
/// <list type="number">
/// <item>insert the idempotency keys into <c>sync_applied</c>; the keys already there are duplicates (AC-045, AC-046);</item>
/// <item>read and row-lock the stored versions of the touched entities;</item>
/// <item>per entity, a change whose base version is not the stored version is a conflict (AC-048); the later
/// (hlc, origin) wins (AC-049) and both versions go to <c>sync_conflicts</c> (AC-052);</item>
/// <item>upsert the winners with <c>unnest</c> + <c>ON CONFLICT … WHERE (hlc, origin) &gt; …</c>.</item>
/// </list>
/// Because the outcome depends only on (hlc, origin), every order of arrival converges to the same rows.
/// </summary>
internal sealed partial class PostgresOutboxApplier
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly ILogger _logger;

    public PostgresOutboxApplier(NpgsqlDataSource dataSource, ILogger logger)
    {
        _dataSource = dataSource;
        _logger = logger;
    }

    public async Task<BatchApplyResult> ApplyAsync(IReadOnlyList<OutboxRecord> records, CancellationToken cancellationToken)
    {
        NpgsqlConnection connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var connectionScope = connection.ConfigureAwait(false);
        NpgsqlTransaction transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var transactionScope = transaction.ConfigureAwait(false);
        var outcomes = new Dictionary<long, ApplyOutcome>(records.Count);
        (HashSet<string> fresh, HashSet<string> seenElsewhere) = await InsertKeysAsync(connection, transaction, records, cancellationToken).ConfigureAwait(false);
        foreach (OutboxRecord duplicate in records.Where(r => !fresh.Contains(FreshKey(r))))
        {
            outcomes[duplicate.Id] = ApplyOutcome.Duplicate;
        }

        var conflicts = new List<ConflictRow>();
        long maxRemoteHlc = 0;

        // Children first, sessions last: a session's deletion then also removes children applied in this same batch.
        foreach (IGrouping<EntityType, OutboxRecord> byType in records.Where(r => fresh.Contains(FreshKey(r)))
                     .GroupBy(r => r.EntityType).OrderBy(g => g.Key == EntityType.Session ? 1 : 0))
        {
            MirrorTable table = MirrorTable.For(byType.Key);
            List<IGrouping<string, OutboxRecord>> entities = byType.GroupBy(r => r.EntityId).ToList();
            Dictionary<string, StoredVersion> stored = await LockAsync(connection, transaction, table, entities.Select(e => e.Key).ToArray(), cancellationToken).ConfigureAwait(false);
            var upserts = new List<OutboxRecord>();
            var deletes = new List<string>();
            foreach (IGrouping<string, OutboxRecord> all in entities)
            {
                stored.TryGetValue(all.Key, out StoredVersion? current);
                maxRemoteHlc = Math.Max(maxRemoteHlc, current?.Hlc ?? 0);

                // Older changes PostgreSQL already received from another workspace are replays, not news. One pass, no set
                // difference: a record's value equality hashes its whole payload.
                var changes = new List<OutboxRecord>();
                foreach (OutboxRecord record in all)
                {
                    if (current is null || record.Version >= current.Version || !seenElsewhere.Contains(FreshKey(record)))
                    {
                        changes.Add(record);
                    }
                    else
                    {
                        outcomes[record.Id] = ApplyOutcome.Stale;
                    }
                }

                if (changes.Count == 0)
                {
                    continue;
                }

                OutboxRecord first = changes[0];
                OutboxRecord last = changes[^1];
                long incomingHlc = HlcOf(last);

                // No conflict when these changes continue the stored version: either the chain holds the stored version itself
                // (the very same change, delivered again by a workspace that imported it) or it starts from it.
                bool conflict = current is not null && (changes.LastOrDefault(r => r.Version == current.Version) is { } atStoredVersion
                    ? !SameDocument(current.Document, atStoredVersion.Payload)
                    : first.BaseVersion != current.Version);
                bool wins = current is null || Wins(incomingHlc, last.OriginWorkspaceId, current.Hlc, current.Origin);
                foreach (OutboxRecord earlier in changes.SkipLast(1))
                {
                    outcomes[earlier.Id] = ApplyOutcome.Superseded;
                }

                outcomes[last.Id] = (wins, conflict) switch
                {
                    (true, false) => ApplyOutcome.Applied,
                    (true, true) => ApplyOutcome.ConflictWon,
                    (false, true) => ApplyOutcome.ConflictLost,
                    (false, false) => ApplyOutcome.Stale,
                };
                if (conflict)
                {
                    conflicts.Add(new ConflictRow(last, first.BaseVersion, incomingHlc, current!, wins));
                    Log.Conflict(_logger, last.EntityType.ToString(), last.EntityId, last.OriginWorkspaceId, current!.Origin, wins ? "incoming" : "existing");
                }

                if (wins)
                {
                    upserts.Add(last);
                    if (last.Operation == OutboxOperation.Delete)
                    {
                        deletes.Add(last.EntityId);
                    }
                }
            }

            await UpsertAsync(connection, transaction, table, upserts, cancellationToken).ConfigureAwait(false);
            await DeleteSessionsAsync(connection, transaction, deletes, cancellationToken).ConfigureAwait(false);
        }

        await InsertConflictsAsync(connection, transaction, conflicts, cancellationToken).ConfigureAwait(false);
        await RecordOutcomesAsync(connection, transaction, records, outcomes, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);

        foreach (OutboxRecord record in records)
        {
            if (outcomes[record.Id] == ApplyOutcome.Duplicate)
            {
                Log.Duplicate(_logger, record.IdempotencyKey);
            }
            else
            {
                Log.Applied(_logger, record.IdempotencyKey, outcomes[record.Id].ToString());
            }
        }

        return new BatchApplyResult(outcomes, maxRemoteHlc, conflicts.Select(c => c.Incoming).ToList());
    }

    /// <summary>The exact <c>updated_at</c> of the change, in ticks, from its key <c>Type:id:timestamp</c>.</summary>
    internal static long HlcOf(OutboxRecord record)
    {
        string key = record.IdempotencyKey;
        int second = key.IndexOf(':', key.IndexOf(':', StringComparison.Ordinal) + 1);
        return UtcTimestamp.Parse(key[(second + 1)..]).UtcTicks;
    }

    private static string FreshKey(OutboxRecord record) => FreshKey(record.IdempotencyKey, record.OriginWorkspaceId);

    private static string FreshKey(string key, string origin) => key + "\n" + origin;

    private static bool SameDocument(string stored, string incoming)
        => System.Text.Json.Nodes.JsonNode.DeepEquals(System.Text.Json.Nodes.JsonNode.Parse(stored), System.Text.Json.Nodes.JsonNode.Parse(PostgresText.Sanitize(incoming)));

    /// <summary>Last writer wins: the later hlc, ties broken by the ordinal order of the origin workspace ids.</summary>
    internal static bool Wins(long hlc, string origin, long otherHlc, string otherOrigin)
        => hlc != otherHlc ? hlc > otherHlc : string.CompareOrdinal(origin, otherOrigin) > 0;

    /// <summary>
    /// Inserts the keys; returns which are new for their origin, and which of those PostgreSQL already received from
    /// another workspace (the same change, delivered again by a workspace that imported it).
    /// </summary>
    private static async Task<(HashSet<string> Fresh, HashSet<string> SeenElsewhere)> InsertKeysAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<OutboxRecord> records, CancellationToken cancellationToken)
    {
        var command = new NpgsqlCommand("""
            WITH input AS (SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS u(k, t, i, o)),
            inserted AS (
                INSERT INTO sync_applied (idempotency_key, entity_type, entity_id, origin, outcome)
                SELECT k, t, i, o, 'Applied' FROM input
                ON CONFLICT (idempotency_key, origin) DO NOTHING
                RETURNING idempotency_key, origin)
            SELECT input.k, input.o,
                   EXISTS (SELECT 1 FROM inserted WHERE inserted.idempotency_key = input.k AND inserted.origin = input.o),
                   EXISTS (SELECT 1 FROM sync_applied s WHERE s.idempotency_key = input.k AND s.origin <> input.o)
            FROM input;
            """, connection, transaction);
        await using var commandScope = command.ConfigureAwait(false);
        command.Parameters.Add(TextArray(records.Select(r => r.IdempotencyKey)));
        command.Parameters.Add(TextArray(records.Select(r => r.EntityType.ToString())));
        command.Parameters.Add(TextArray(records.Select(r => r.EntityId)));
        command.Parameters.Add(TextArray(records.Select(r => r.OriginWorkspaceId)));
        var fresh = new HashSet<string>(StringComparer.Ordinal);
        var seenElsewhere = new HashSet<string>(StringComparer.Ordinal);
        NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using var readerScope = reader.ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            string key = FreshKey(reader.GetString(0), reader.GetString(1));
            if (reader.GetBoolean(2))
            {
                fresh.Add(key);
                if (reader.GetBoolean(3))
                {
                    seenElsewhere.Add(key);
                }
            }
        }

        return (fresh, seenElsewhere);
    }

    private static async Task<Dictionary<string, StoredVersion>> LockAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, MirrorTable table, string[] ids, CancellationToken cancellationToken)
    {
        var command = new NpgsqlCommand(table.LockSql, connection, transaction);
        await using var commandScope = command.ConfigureAwait(false);
        command.Parameters.Add(TextArray(ids));
        var stored = new Dictionary<string, StoredVersion>(StringComparer.Ordinal);
        NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using var readerScope = reader.ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            stored[reader.GetString(0)] = new StoredVersion(reader.GetInt64(1), reader.GetInt64(2), reader.GetString(3), reader.GetString(4));
        }

        return stored;
    }

    private static async Task UpsertAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, MirrorTable table, List<OutboxRecord> winners, CancellationToken cancellationToken)
    {
        if (winners.Count == 0)
        {
            return;
        }

        var command = new NpgsqlCommand(table.UpsertSql, connection, transaction);

        await using var commandScope = command.ConfigureAwait(false);
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb, Value = winners.Select(r => PostgresText.Sanitize(r.Payload)).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint, Value = winners.Select(HlcOf).ToArray() });
        command.Parameters.Add(TextArray(winners.Select(r => r.OriginWorkspaceId)));
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Deleted sessions stay as tombstones (so older changes arriving later lose to the deletion); their children go.</summary>
    private static async Task DeleteSessionsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, List<string> sessionIds, CancellationToken cancellationToken)
    {
        if (sessionIds.Count == 0)
        {
            return;
        }

        var batch = new NpgsqlBatch(connection, transaction);
        await using (batch.ConfigureAwait(false))
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand("UPDATE sessions SET deleted_at = now() WHERE id = ANY($1);") { Parameters = { TextArray(sessionIds) } });
            foreach (MirrorTable child in MirrorTable.Children)
            {
                batch.BatchCommands.Add(new NpgsqlBatchCommand($"DELETE FROM {child.Name} WHERE session_id = ANY($1);") { Parameters = { TextArray(sessionIds) } });
            }

            await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task InsertConflictsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, List<ConflictRow> conflicts, CancellationToken cancellationToken)
    {
        if (conflicts.Count == 0)
        {
            return;
        }

        var command = new NpgsqlCommand("""
            INSERT INTO sync_conflicts (entity_type, entity_id, session_id, incoming_key, incoming_origin, incoming_base_version, incoming_version,
                                        incoming_hlc, incoming_payload, existing_origin, existing_version, existing_hlc, existing_payload, winner)
            SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::bigint[],
                                 $8::bigint[], $9::jsonb[], $10::text[], $11::bigint[], $12::bigint[], $13::jsonb[], $14::text[]);
            """, connection, transaction);
        await using var commandScope = command.ConfigureAwait(false);
        command.Parameters.Add(TextArray(conflicts.Select(c => c.Incoming.EntityType.ToString())));
        command.Parameters.Add(TextArray(conflicts.Select(c => c.Incoming.EntityId)));
        command.Parameters.Add(TextArray(conflicts.Select(c => c.Incoming.SessionId)));
        command.Parameters.Add(TextArray(conflicts.Select(c => c.Incoming.IdempotencyKey)));
        command.Parameters.Add(TextArray(conflicts.Select(c => c.Incoming.OriginWorkspaceId)));
        command.Parameters.Add(BigintArray(conflicts.Select(c => c.BaseVersion)));
        command.Parameters.Add(BigintArray(conflicts.Select(c => c.Incoming.Version)));
        command.Parameters.Add(BigintArray(conflicts.Select(c => c.IncomingHlc)));
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb, Value = conflicts.Select(c => PostgresText.Sanitize(c.Incoming.Payload)).ToArray() });
        command.Parameters.Add(TextArray(conflicts.Select(c => c.Existing.Origin)));
        command.Parameters.Add(BigintArray(conflicts.Select(c => c.Existing.Version)));
        command.Parameters.Add(BigintArray(conflicts.Select(c => c.Existing.Hlc)));
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb, Value = conflicts.Select(c => c.Existing.Document).ToArray() });
        command.Parameters.Add(TextArray(conflicts.Select(c => c.IncomingWins ? "incoming" : "existing")));
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task RecordOutcomesAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<OutboxRecord> records, Dictionary<long, ApplyOutcome> outcomes, CancellationToken cancellationToken)
    {
        List<OutboxRecord> notPlain = records.Where(r => outcomes[r.Id] is not ApplyOutcome.Applied and not ApplyOutcome.Duplicate).ToList();
        if (notPlain.Count == 0)
        {
            return;
        }

        var command = new NpgsqlCommand(
            "UPDATE sync_applied s SET outcome = u.o FROM unnest($1::text[], $2::text[]) AS u(k, o) WHERE s.idempotency_key = u.k;", connection, transaction);
        await using var commandScope = command.ConfigureAwait(false);
        command.Parameters.Add(TextArray(notPlain.Select(r => r.IdempotencyKey)));
        command.Parameters.Add(TextArray(notPlain.Select(r => outcomes[r.Id].ToString())));
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static NpgsqlParameter TextArray(IEnumerable<string> values)
        => new() { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = values.ToArray() };

    private static NpgsqlParameter BigintArray(IEnumerable<long> values)
        => new() { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint, Value = values.ToArray() };

    private sealed record StoredVersion(long Version, long Hlc, string Origin, string Document);

    private sealed record ConflictRow(OutboxRecord Incoming, long BaseVersion, long IncomingHlc, StoredVersion Existing, bool IncomingWins);
}
