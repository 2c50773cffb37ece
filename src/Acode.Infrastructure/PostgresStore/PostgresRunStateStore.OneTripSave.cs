using Acode.Application.Serialization;
using Acode.Infrastructure.Sync;
using Npgsql;

namespace Acode.Infrastructure.PostgresStore;

/// <summary>
/// The save in one round trip and the commit (docs/performance.md, "PostgreSQL store (issue 12)"). A save is built on
/// the assumption that the stored rows are the versions the objects were loaded at, the session is live and no event
/// number was taken meanwhile; one batch (with Npgsql's BEGIN) then takes the same locks in the same order as
/// <see cref="SaveCheckedFirstAsync"/> — the sessions' advisory locks, the session state, the row locks — reads what
/// it locked, and writes the rows and keys. The transaction commits only if what was read under the locks (before the
/// writes) is what was assumed; otherwise it rolls back, nothing of it is visible, and the save is judged again by
/// <see cref="SaveCheckedFirstAsync"/>, which throws the conflict or numbers the events after the stored log.
/// </summary>
public sealed partial class PostgresRunStateStore
{
    /// <summary>
    /// One session's state: whether it is stored and live (null: not stored) and the highest sequence of its log. One
    /// statement per session with scalar parameters, so PostgreSQL keeps one generic plan instead of planning each save.
    /// </summary>
    private const string SessionStateSql = """
        SELECT (SELECT deleted_at IS NULL FROM sessions WHERE id = $1), (SELECT coalesce(max(sequence), 0) FROM session_events WHERE session_id = $1);
        """;

    /// <summary>Per table: row-locks the stored versions and reads what the check needs (not the document).</summary>
    private static readonly Dictionary<EntityType, string> VersionLockSql = MirrorTable.Children
        .Append((Type: EntityType.Session, Table: MirrorTable.For(EntityType.Session)))
        .ToDictionary(t => t.Type, t => $"SELECT id, version, hlc, {(t.Type == EntityType.Session ? "deleted_at IS NOT NULL, id" : "false, session_id")} FROM {t.Table.Name} WHERE id = ANY($1) FOR UPDATE;");

    /// <summary>
    /// Writes the sessions' pending changes in one transaction of one round trip plus the commit (and the blobs' round
    /// trips when the changes carry large content), or returns null with nothing written when the stored state is not
    /// the one the changes are based on, or when two copies of one session are saved together.
    /// </summary>
    private async Task<List<EntityStamp>[]?> TrySaveInOneTripAsync(Session[] sessions, CancellationToken cancellationToken)
    {
        string[] ids = [.. sessions.Select(s => s.Id.Value)];
        if (ids.Distinct(StringComparer.Ordinal).Count() != ids.Length)
        {
            return null;
        }

        var writes = new PostgresStoreWrites(_blobThresholdBytes);
        var assumed = new Assumptions();
        var stamps = new List<EntityStamp>[sessions.Length];
        for (int i = 0; i < sessions.Length; i++)
        {
            if (StageAsBased(sessions[i], writes, assumed) is not { } staged)
            {
                return null;
            }

            stamps[i] = staged;
        }

        return await InTransactionAsync<List<EntityStamp>[]?>(async (connection, transaction) =>
        {
            var batch = new NpgsqlBatch(connection, transaction) { BatchCommands = { LockSessionsCommand(ids) } };
            await using var batchScope = batch.ConfigureAwait(false);
            foreach (string id in ids)
            {
                batch.BatchCommands.Add(new NpgsqlBatchCommand(SessionStateSql) { Parameters = { Text(id) } });
            }

            EntityType[] lockedTypes = [.. assumed.Rows.Select(r => r.Type).Distinct()];
            foreach (EntityType type in lockedTypes)
            {
                batch.BatchCommands.Add(new NpgsqlBatchCommand(VersionLockSql[type]) { Parameters = { TextArray(assumed.Rows.Where(r => r.Type == type).Select(r => r.Id)) } });
            }

            writes.AddStatementsTo(batch, Origin);
            var state = new Dictionary<string, (bool Live, long LastSequence)>(StringComparer.Ordinal);
            var rows = new Dictionary<(EntityType, string), (long Version, long Hlc, bool Deleted, string SessionId)>();
            NpgsqlDataReader reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                foreach (string id in ids)
                {
                    await reader.NextResultAsync(cancellationToken).ConfigureAwait(false); // past the advisory locks, then the previous session's
                    await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                    state[id] = (!reader.IsDBNull(0) && reader.GetBoolean(0), reader.GetInt64(1));
                }

                foreach (EntityType type in lockedTypes)
                {
                    await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        rows[(type, reader.GetString(0))] = (reader.GetInt64(1), reader.GetInt64(2), reader.GetBoolean(3), reader.GetString(4));
                    }
                }

                // The writes' results: an error of theirs is thrown here, before anything is committed.
                while (await reader.NextResultAsync(cancellationToken).ConfigureAwait(false))
                {
                }
            }

            if (!assumed.HoldFor(state, rows))
            {
                return null;
            }

            await writes.PutBlobsAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
            return stamps;
        }, static stamps => stamps is not null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Stages one session's pending changes as <see cref="StageChangesAsync"/> would if the stored state is the assumed
    /// one, and records those assumptions; null when the events are not in increasing order (the careful path renumbers them).
    /// </summary>
    private List<EntityStamp>? StageAsBased(Session session, PostgresStoreWrites writes, Assumptions assumed)
    {
        var stamps = new List<EntityStamp>(session.PendingChanges.Count);
        bool needsLive = false;
        long? firstSequence = null;
        long lastSequence = long.MinValue;
        foreach (Entity entity in session.PendingChanges)
        {
            long baseVersion = entity.Version;
            var stamp = new EntityStamp(entity, baseVersion + 1, _clock.Next(entity.UpdatedAt));
            EntityDocument document = EntityDocuments.From(entity, stamp.Version, stamp.UpdatedAt);
            if (entity is Session && entity.IsNew)
            {
                // A new session is live: nothing to check.
            }
            else if (entity.IsNew || entity is SessionEvent)
            {
                needsLive |= !session.IsNew;
                if (document is SessionEventDocument evt)
                {
                    if (evt.Sequence <= lastSequence)
                    {
                        return null;
                    }

                    firstSequence ??= evt.Sequence;
                    lastSequence = evt.Sequence;
                }
            }
            else
            {
                assumed.Rows.Add((entity.EntityType, entity.EntityId, baseVersion, entity.UpdatedAt.UtcTicks, session.Id.Value));
            }

            writes.Add(entity.EntityType, document, stamp.UpdatedAt, deleted: false);
            stamps.Add(stamp);
        }

        if (session.PendingChanges.Count > 0)
        {
            assumed.Sessions.Add((session.Id.Value, needsLive, firstSequence));
        }

        return stamps;
    }

    /// <summary>What a save built without reading assumes of the stored state.</summary>
    private sealed class Assumptions
    {
        /// <summary>Changed (not new) rows: stored, not a tombstone, at this version and this exact hlc, in this session.</summary>
        public List<(EntityType Type, string Id, long Version, long Hlc, string SessionId)> Rows { get; } = [];

        /// <summary>Per session: whether it must be stored and live (it gains rows or events), and its first event's number (above the stored log's end).</summary>
        public List<(string Id, bool NeedsLive, long? FirstSequence)> Sessions { get; } = [];

        public bool HoldFor(Dictionary<string, (bool Live, long LastSequence)> state, Dictionary<(EntityType, string), (long Version, long Hlc, bool Deleted, string SessionId)> rows)
        {
            foreach ((EntityType type, string id, long version, long hlc, string sessionId) in Rows)
            {
                if (!rows.TryGetValue((type, id), out (long Version, long Hlc, bool Deleted, string SessionId) row) || row.Deleted || row.Version != version || row.Hlc != hlc
                    || !string.Equals(row.SessionId, sessionId, StringComparison.Ordinal))
                {
                    return false;
                }
            }

            foreach ((string id, bool needsLive, long? firstSequence) in Sessions)
            {
                (bool live, long lastSequence) = state.GetValueOrDefault(id);
                if ((needsLive && !live) || firstSequence <= lastSequence)
                {
                    return false;
                }
            }

            return true;
        }
    }
}
