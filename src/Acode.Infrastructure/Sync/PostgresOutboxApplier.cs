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
/// <item>take a transaction-scoped advisory lock per touched session (in id order), so appliers of one session run one
/// after the other: a child is never inserted next to a concurrent deletion of its session;</item>
/// <item>read and row-lock the stored versions of the touched entities and look up which stored versions each
/// writer held (it delivered them);</item>
/// <item>per entity, <see cref="ConflictRule"/> decides: applied, stale (already covered), or a conflict that the
/// change won or lost; both versions of every conflict go to <c>sync_conflicts</c> (AC-048, AC-049, AC-052);</item>
/// <item>upsert the winners with <c>unnest</c> + <c>ON CONFLICT … WHERE (deleted, hlc, origin) &gt; …</c>; a
/// deletion removes the session's children, auditing those the deleting workspace did not hold.</item>
/// </list>
/// Because the outcome depends only on a total order of versions, every order of arrival converges to the same rows.
/// </summary>
internal sealed partial class PostgresOutboxApplier
{
    /// <summary>First key of the two-int advisory locks that serialize appliers per session ("acod" in ASCII).</summary>
    internal const int SessionLockClass = 0x61636F64;

    private readonly NpgsqlDataSource _dataSource;
    private readonly ILogger _logger;
    private readonly PostgresBlobUploader? _blobs;

    // blobs: sends the blobs a batch names before its rows (docs/storage.md); null when the records name none.
    public PostgresOutboxApplier(NpgsqlDataSource dataSource, ILogger logger, PostgresBlobUploader? blobs = null)
    {
        _dataSource = dataSource;
        _logger = logger;
        _blobs = blobs;
    }

    public async Task<BatchApplyResult> ApplyAsync(IReadOnlyList<OutboxRecord> records, CancellationToken cancellationToken)
    {
        NpgsqlConnection connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var connectionScope = connection.ConfigureAwait(false);
        NpgsqlTransaction transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var transactionScope = transaction.ConfigureAwait(false);
        if (_blobs is not null)
        {
            await _blobs.UploadAsync(connection, transaction, records, cancellationToken).ConfigureAwait(false);
        }

        var outcomes = new Dictionary<long, ApplyOutcome>(records.Count);
        (HashSet<string> fresh, HashSet<string> seenElsewhere) = await InsertKeysAsync(connection, transaction, records, cancellationToken).ConfigureAwait(false);
        foreach (OutboxRecord duplicate in records.Where(r => !fresh.Contains(FreshKey(r))))
        {
            outcomes[duplicate.Id] = ApplyOutcome.Duplicate;
        }

        List<OutboxRecord> news = records.Where(r => fresh.Contains(FreshKey(r))).ToList();
        Dictionary<string, StoredVersion> sessions = await LockSessionsAsync(connection, transaction, news.Select(r => r.SessionId).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray(), cancellationToken).ConfigureAwait(false);
        var conflicts = new List<ConflictRow>();
        long maxRemoteHlc = 0;

        // Children first, sessions last: a session's deletion then also removes children applied in this same batch.
        foreach (IGrouping<EntityType, OutboxRecord> byType in news.GroupBy(r => r.EntityType).OrderBy(g => g.Key == EntityType.Session ? 1 : 0))
        {
            MirrorTable table = MirrorTable.For(byType.Key);
            List<IGrouping<string, OutboxRecord>> entities = byType.GroupBy(r => r.EntityId).ToList();
            Dictionary<string, StoredVersion> stored = byType.Key == EntityType.Session
                ? sessions
                : await LockAsync(connection, transaction, table, entities.Select(e => e.Key).ToArray(), cancellationToken).ConfigureAwait(false);

            // What each writer held: the stored version of the entity it changes; under a deleted session, the deleter each change.
            var asked = new List<(string Key, string Origin)>();
            foreach (IGrouping<string, OutboxRecord> all in entities)
            {
                OutboxRecord any = all.First();
                if (byType.Key != EntityType.Session && sessions.TryGetValue(any.SessionId, out StoredVersion? session) && session.Deleted)
                {
                    asked.AddRange(all.Select(r => (r.IdempotencyKey, session.Origin)));
                }
                else if (stored.TryGetValue(all.Key, out StoredVersion? current))
                {
                    asked.Add((KeyOf(byType.Key, all.Key, current.Hlc), any.OriginWorkspaceId));
                }
            }

            HashSet<string> held = await HeldAsync(connection, transaction, asked, cancellationToken).ConfigureAwait(false);
            var upserts = new List<OutboxRecord>();
            var deletes = new List<OutboxRecord>();
            foreach (IGrouping<string, OutboxRecord> all in entities)
            {
                stored.TryGetValue(all.Key, out StoredVersion? current);
                maxRemoteHlc = Math.Max(maxRemoteHlc, current?.Hlc ?? 0);
                OutboxRecord any = all.First();
                if (byType.Key != EntityType.Session && sessions.TryGetValue(any.SessionId, out StoredVersion? tombstone) && tombstone.Deleted)
                {
                    foreach (OutboxRecord record in all)
                    {
                        outcomes[record.Id] = ConflictRule.JudgeUnderDeletedSession(held.Contains(FreshKey(record.IdempotencyKey, tombstone.Origin)));
                        if (outcomes[record.Id] == ApplyOutcome.ConflictLost)
                        {
                            conflicts.Add(ConflictRow.Of(record, record.BaseVersion, tombstone, incomingWins: false));
                        }
                    }

                    continue;
                }

                var changes = new List<OutboxRecord>();
                foreach (OutboxRecord record in all)
                {
                    if (ConflictRule.IsReplay(Incoming(record, record.BaseVersion, seenElsewhere.Contains(FreshKey(record))), current?.State))
                    {
                        outcomes[record.Id] = ApplyOutcome.Stale;
                    }
                    else
                    {
                        changes.Add(record);
                    }
                }

                if (changes.Count == 0)
                {
                    continue;
                }

                OutboxRecord first = changes[0];
                OutboxRecord last = changes[^1];
                IncomingChange incoming = Incoming(last, first.BaseVersion, false) with
                {
                    WriterHeldStored = current is not null && held.Contains(FreshKey(KeyOf(byType.Key, all.Key, current.Hlc), last.OriginWorkspaceId)),
                    ContainsStored = current is not null && changes.LastOrDefault(r => r.Version == current.Version) is { } atStored
                        && HlcOf(atStored) == current.Hlc && SameDocument(current.Document, atStored.Payload),
                };
                ApplyOutcome outcome = ConflictRule.Judge(incoming, current?.State);
                foreach (OutboxRecord record in changes)
                {
                    // Every change of a chain that lost is a lost change: each is audited, not only the newest.
                    outcomes[record.Id] = outcome == ApplyOutcome.ConflictLost ? outcome : record == last ? outcome : ApplyOutcome.Superseded;
                }

                if (outcome is ApplyOutcome.ConflictWon)
                {
                    conflicts.Add(ConflictRow.Of(last, first.BaseVersion, current!, incomingWins: true));
                }
                else if (outcome is ApplyOutcome.ConflictLost)
                {
                    conflicts.AddRange(changes.Select(r => ConflictRow.Of(r, r.BaseVersion, current!, incomingWins: false)));
                }

                if (outcome is ApplyOutcome.Applied or ApplyOutcome.ConflictWon)
                {
                    upserts.Add(last);
                    if (last.Operation == OutboxOperation.Delete)
                    {
                        deletes.Add(last);
                    }
                }
            }

            await UpsertAsync(connection, transaction, table, upserts, cancellationToken).ConfigureAwait(false);
            conflicts.AddRange(await DeleteSessionsAsync(connection, transaction, deletes, cancellationToken).ConfigureAwait(false));
        }

        foreach (ConflictRow conflict in conflicts)
        {
            Log.Conflict(_logger, conflict.EntityType.ToString(), conflict.EntityId, conflict.Incoming.OriginWorkspaceId, conflict.Existing.Origin, conflict.IncomingWins ? "incoming" : "existing");
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

        return new BatchApplyResult(outcomes, maxRemoteHlc, conflicts.Select(c => c.Incoming).Distinct().ToList());
    }

    private static IncomingChange Incoming(OutboxRecord record, long baseVersion, bool deliveredByOthers)
        => new(baseVersion, record.Version, HlcOf(record), record.OriginWorkspaceId, record.Operation == OutboxOperation.Delete, DeliveredByOthers: deliveredByOthers);

    /// <summary>The idempotency key of the stored version of an entity: <c>Type:id:updated_at</c>.</summary>
    internal static string KeyOf(EntityType type, string id, long hlc) => $"{type}:{id}:{UtcTimestamp.Format(new DateTimeOffset(hlc, TimeSpan.Zero))}";

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

    /// <summary>
    /// Takes the per-session advisory locks (in id order, so two appliers never wait on each other in a cycle) and reads
    /// the stored sessions. Held to the commit: a deletion and a child of the same session are never applied side by side.
    /// </summary>
    private static async Task<Dictionary<string, StoredVersion>> LockSessionsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string[] sessionIds, CancellationToken cancellationToken)
    {
        if (sessionIds.Length == 0)
        {
            return new Dictionary<string, StoredVersion>(StringComparer.Ordinal);
        }

        var command = new NpgsqlCommand(
            "SELECT pg_advisory_xact_lock($1, h) FROM (SELECT DISTINCT hashtext(i) AS h FROM unnest($2::text[]) AS i ORDER BY 1) AS ordered;", connection, transaction);
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Integer, Value = SessionLockClass });
            command.Parameters.Add(TextArray(sessionIds));
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        return await LockAsync(connection, transaction, MirrorTable.For(EntityType.Session), sessionIds, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Which of the (idempotency key, origin) pairs are in <c>sync_applied</c>: that workspace delivered that exact change.</summary>
    private static async Task<HashSet<string>> HeldAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, List<(string Key, string Origin)> pairs, CancellationToken cancellationToken)
    {
        var held = new HashSet<string>(StringComparer.Ordinal);
        if (pairs.Count == 0)
        {
            return held;
        }

        var command = new NpgsqlCommand("""
            SELECT s.idempotency_key, s.origin FROM sync_applied s
            JOIN unnest($1::text[], $2::text[]) AS u(k, o) ON s.idempotency_key = u.k AND s.origin = u.o;
            """, connection, transaction);
        await using var commandScope = command.ConfigureAwait(false);
        command.Parameters.Add(TextArray(pairs.Select(p => p.Key)));
        command.Parameters.Add(TextArray(pairs.Select(p => p.Origin)));
        NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using var readerScope = reader.ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            held.Add(FreshKey(reader.GetString(0), reader.GetString(1)));
        }

        return held;
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
            stored[reader.GetString(0)] = new StoredVersion(reader.GetInt64(1), reader.GetInt64(2), reader.GetString(3), reader.GetString(4), reader.GetBoolean(5));
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
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Boolean, Value = winners.Select(r => r.Operation == OutboxOperation.Delete).ToArray() });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Removes the children of sessions whose deletion was applied (the tombstone itself was upserted). A live child whose
    /// stored version the deleting workspace did not hold lost to the deletion: returned, to be audited.
    /// </summary>
    private static async Task<List<ConflictRow>> DeleteSessionsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, List<OutboxRecord> deletions, CancellationToken cancellationToken)
    {
        var removed = new List<ConflictRow>();
        if (deletions.Count == 0)
        {
            return removed;
        }

        Dictionary<string, OutboxRecord> bySession = deletions.ToDictionary(d => d.EntityId, StringComparer.Ordinal);
        string[] sessionIds = [.. bySession.Keys];
        foreach ((EntityType type, MirrorTable child) in MirrorTable.Children)
        {
            var live = new List<(string Id, string SessionId, long Hlc)>();
            var read = new NpgsqlCommand($"SELECT id, session_id, hlc FROM {child.Name} WHERE session_id = ANY($1);", connection, transaction);
            await using (read.ConfigureAwait(false))
            {
                read.Parameters.Add(TextArray(sessionIds));
                NpgsqlDataReader reader = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        live.Add((reader.GetString(0), reader.GetString(1), reader.GetInt64(2)));
                    }
                }
            }

            if (live.Count == 0)
            {
                continue;
            }

            HashSet<string> held = await HeldAsync(connection, transaction, live.Select(c => (KeyOf(type, c.Id, c.Hlc), bySession[c.SessionId].OriginWorkspaceId)).ToList(), cancellationToken).ConfigureAwait(false);
            string[] unheld = live.Where(c => ConflictRule.RemovalIsConflict(held.Contains(FreshKey(KeyOf(type, c.Id, c.Hlc), bySession[c.SessionId].OriginWorkspaceId))))
                .Select(c => c.Id).ToArray();
            if (unheld.Length > 0)
            {
                Dictionary<string, StoredVersion> lost = await LockAsync(connection, transaction, child, unheld, cancellationToken).ConfigureAwait(false);
                var sessionOf = live.ToDictionary(c => c.Id, c => c.SessionId, StringComparer.Ordinal);
                foreach ((string id, StoredVersion version) in lost.OrderBy(l => l.Key, StringComparer.Ordinal))
                {
                    OutboxRecord deletion = bySession[sessionOf[id]];
                    removed.Add(new ConflictRow(type, id, deletion.EntityId, deletion, deletion.BaseVersion, HlcOf(deletion), version, IncomingWins: true));
                }
            }

            var delete = new NpgsqlCommand($"DELETE FROM {child.Name} WHERE session_id = ANY($1);", connection, transaction);
            await using (delete.ConfigureAwait(false))
            {
                delete.Parameters.Add(TextArray(sessionIds));
                await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        return removed;
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
        command.Parameters.Add(TextArray(conflicts.Select(c => c.EntityType.ToString())));
        command.Parameters.Add(TextArray(conflicts.Select(c => c.EntityId)));
        command.Parameters.Add(TextArray(conflicts.Select(c => c.SessionId)));
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
            "UPDATE sync_applied s SET outcome = u.o FROM unnest($1::text[], $2::text[], $3::text[]) AS u(k, g, o) WHERE s.idempotency_key = u.k AND s.origin = u.g;", connection, transaction);
        await using var commandScope = command.ConfigureAwait(false);
        command.Parameters.Add(TextArray(notPlain.Select(r => r.IdempotencyKey)));
        command.Parameters.Add(TextArray(notPlain.Select(r => r.OriginWorkspaceId)));
        command.Parameters.Add(TextArray(notPlain.Select(r => outcomes[r.Id].ToString())));
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static NpgsqlParameter TextArray(IEnumerable<string> values)
        => new() { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = values.ToArray() };

    private static NpgsqlParameter BigintArray(IEnumerable<long> values)
        => new() { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint, Value = values.ToArray() };

    private sealed record StoredVersion(long Version, long Hlc, string Origin, string Document, bool Deleted)
    {
        public StoredState State => new(Version, Hlc, Origin, Deleted);
    }

    /// <summary>One <c>sync_conflicts</c> row. Under a deleted session, <see cref="Existing"/> is the session's tombstone; for a child removed by a deletion, <see cref="Incoming"/> is the deletion.</summary>
    private sealed record ConflictRow(EntityType EntityType, string EntityId, string SessionId, OutboxRecord Incoming, long BaseVersion, long IncomingHlc, StoredVersion Existing, bool IncomingWins)
    {
        public static ConflictRow Of(OutboxRecord incoming, long baseVersion, StoredVersion existing, bool incomingWins)
            => new(incoming.EntityType, incoming.EntityId, incoming.SessionId, incoming, baseVersion, HlcOf(incoming), existing, incomingWins);
    }
}
