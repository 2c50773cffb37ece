using System.Diagnostics;
using Acode.Application;
using Acode.Application.Errors;
using Acode.Application.Redaction;
using Acode.Application.Serialization;
using Acode.Infrastructure.Blobs;
using Acode.Infrastructure.Imports;
using Acode.Infrastructure.Sync;
using Npgsql;

namespace Acode.Infrastructure.PostgresStore;

public sealed partial class PostgresRunStateStore
{
    /// <summary>
    /// As the SQLite store's import: every row is written as it is (same ids, versions, timestamps; <c>hlc</c> is its
    /// <c>updated_at</c>) unless a row at the same or a newer version is stored; a tombstoned session counts as absent, as a
    /// deleted session does in SQLite. A version whose <c>updated_at</c> is not after the stored row's is written just
    /// after it (<see cref="ImportedStamp"/>), so its <c>sync_applied</c> key and its <c>hlc</c> are its own. Written rows carry this store's origin. Events are placed as
    /// <see cref="ImportedEventPlacement"/> says, under the session's advisory lock.
    /// </summary>
    public Task<ImportResult> ImportAsync(Session session, IReadOnlyList<SessionEvent> events, CancellationToken cancellationToken = default)
        => ImportCoreAsync(session, events, NoneRedactedBefore, transcript: false, cancellationToken);

    private static readonly IReadOnlyDictionary<string, RedactionCounts> NoneRedactedBefore = new Dictionary<string, RedactionCounts>();

    /// <inheritdoc/>
    /// <remarks>
    /// A transcript's version is not written over a row another workspace wrote (its <c>origin</c> is not this store's)
    /// unless it is later in time, whatever the version numbers say: the two are versions of two copies of one
    /// transcript, numbered each by its own copy, and the sync orders them by time (docs/architecture.md, "A transcript
    /// imported over the team's version").
    /// </remarks>
    Task<ImportResult> Transcripts.IRedactingStore.ImportAsync(Session session, IReadOnlyList<SessionEvent> events, IReadOnlyDictionary<string, RedactionCounts> redactedBefore, CancellationToken cancellationToken)
        => ImportCoreAsync(session, events, redactedBefore, transcript: true, cancellationToken);

    private async Task<ImportResult> ImportCoreAsync(Session session, IReadOnlyList<SessionEvent> events, IReadOnlyDictionary<string, RedactionCounts> redactedBefore, bool transcript, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(redactedBefore);
        return await AcodeActivities.TraceAsync("acode.import", AcodeActivities.Postgres, activity =>
        {
            activity?.SetTag("acode.event.count", events.Count);
            return ImportCheckedAsync(session, events, redactedBefore, transcript, cancellationToken);
        }).ConfigureAwait(false);
    }

    private Task<ImportResult> ImportCheckedAsync(Session session, IReadOnlyList<SessionEvent> events, IReadOnlyDictionary<string, RedactionCounts> redactedBefore, bool transcript, CancellationToken cancellationToken)
    {
        if (session.IsNew || session.PendingChanges.Count > 0)
        {
            throw new ArgumentException($"Session {session.Id} has unsaved changes; import takes sessions rebuilt from an export (SessionGraphBuilder). Use SaveAsync for new work.", nameof(session));
        }

        return InTransactionAsync(async (connection, transaction) =>
        {
            await LockSessionsAsync(connection, transaction, [session.Id.Value], cancellationToken).ConfigureAwait(false);
            Entity[] entities = [.. EntitiesOf(session)];
            SessionEvent[] incoming = [.. ImportedEventPlacement.InLogOrder(events)];
            var existing = new Dictionary<string, (long Version, string SessionId, long Hlc, string Origin)>(StringComparer.Ordinal);
            foreach (IGrouping<EntityType, Entity> byType in entities.Concat(incoming).GroupBy(e => e.EntityType))
            {
                await ReadExistingAsync(connection, transaction, byType.Key, byType.Select(e => e.EntityId).ToArray(), existing, cancellationToken).ConfigureAwait(false);
            }

            foreach (Entity entity in entities.Concat(incoming))
            {
                if (existing.TryGetValue(entity.EntityId, out (long Version, string SessionId, long Hlc, string Origin) row) && !string.Equals(row.SessionId, session.Id.Value, StringComparison.Ordinal))
                {
                    throw new ImportConflictException(entity.EntityType, entity.EntityId, row.SessionId, session.Id.Value);
                }
            }

            int inserted = 0, updated = 0, unchanged = 0;
            var writes = new PostgresStoreWrites(_blobThresholdBytes);
            var redacted = new RedactionCounts();
            var redactionEvent = new ImportedRedactionEvent();
            foreach (Entity entity in entities)
            {
                bool exists = existing.TryGetValue(entity.EntityId, out (long Version, string SessionId, long Hlc, string Origin) row);
                long existingVersion = exists ? row.Version : 0;
                bool theirs = exists && transcript && !string.Equals(row.Origin, Origin, StringComparison.Ordinal);
                if (!ImportedVersionRule.Writes(entity.Version, entity.UpdatedAt, existingVersion, row.Hlc, overAnotherCopy: theirs))
                {
                    unchanged++;
                    continue;
                }

                // Imported content is scanned like saved content; only what a written row changes counts (a second import,
                // or a grown transcript rewriting the session with the same goal, redacts nothing new).
                RedactionCounts[] byField = EntityRedaction.RedactFields(_redactor, entity);
                string?[]? before = exists && byField.Any(f => f.Total > 0)
                    ? await StoredFieldsAsync(connection, transaction, entity.EntityType, entity.EntityId, cancellationToken).ConfigureAwait(false)
                    : null;
                DateTimeOffset stamp = ImportedStamp.For(entity.UpdatedAt, exists ? new DateTimeOffset(row.Hlc, TimeSpan.Zero) : null,
                    () => EntityJson.Serialize(EntityDocuments.From(entity, entity.Version, entity.UpdatedAt)));
                EntityDocument document = EntityDocuments.From(entity, entity.Version, stamp);
                RedactedFields.CountChanged(redacted, byField, RedactedFields.Of(DocumentBlobs.Externalize(document, _blobThresholdBytes, (_, _) => { })), before);
                writes.Add(entity.EntityType, document, stamp, deleted: false);
                redactionEvent.Wrote(entity.EntityType, entity.EntityId, document.Version, stamp);
                _ = existingVersion == 0 ? inserted++ : updated++;
                _clock.Observe(stamp);
            }

            // An event whose id is stored is that event; a new one keeps its number unless it is taken (ImportedEventPlacement).
            var seen = new HashSet<string>(existing.Keys, StringComparer.Ordinal);
            List<SessionEvent> fresh = [.. incoming.Where(e => seen.Add(e.EntityId))];
            unchanged += incoming.Length - fresh.Count;
            long[] placed = await PlaceEventsAsync(connection, transaction, session.Id.Value, fresh, cancellationToken).ConfigureAwait(false);
            for (int i = 0; i < fresh.Count; i++)
            {
                EntityRedaction.Redact(_redactor, fresh[i], redacted);
                if (redactedBefore.TryGetValue(fresh[i].EntityId, out RedactionCounts? before))
                {
                    redacted.Add(before);
                }

                var document = (SessionEventDocument)EntityDocuments.From(fresh[i]);
                writes.Add(EntityType.SessionEvent, placed[i] == document.Sequence ? document : document.AtSequence(placed[i]), fresh[i].UpdatedAt, deleted: false);
                redactionEvent.Wrote(EntityType.SessionEvent, fresh[i].EntityId, document.Version, fresh[i].UpdatedAt);
                inserted++;
                _clock.Observe(fresh[i].UpdatedAt);
            }

            await writes.FlushAsync(connection, transaction, Origin, cancellationToken).ConfigureAwait(false);
            if (redacted.Total > 0)
            {
                await AppendRedactionEventAsync(connection, transaction, session.Id.Value, redacted, cancellationToken, (redactionEvent.IdFor(session.Id.Value, redacted.ToEventPayload()), redactionEvent.Stamp)).ConfigureAwait(false);
            }

            return new ImportResult(inserted, updated, unchanged);
        }, cancellationToken);
    }

    /// <summary>
    /// A <c>secrets.redacted</c> event counting what an import or an append replaced, at the end of the session's log (as
    /// the SQLite store records it), under the session's advisory lock the caller holds; <paramref name="imported"/>: the
    /// id and stamp an import derives from what it wrote (<see cref="ImportedRedactionEvent"/>), else a new id at the clock's next stamp.
    /// </summary>
    private async Task AppendRedactionEventAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sessionId, RedactionCounts counts, CancellationToken cancellationToken, (string Id, DateTimeOffset Stamp)? imported = null)
    {
        var next = new NpgsqlCommand("SELECT coalesce(max(sequence), 0) + 1 FROM session_events WHERE session_id = $1;", connection, transaction);
        await using var nextScope = next.ConfigureAwait(false);
        next.Parameters.Add(Text(sessionId));
        long sequence = (long)(await next.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        DateTimeOffset stamp = imported?.Stamp ?? _clock.Next();
        _clock.Observe(stamp);
        string at = UtcTimestamp.Format(stamp);
        var document = new SessionEventDocument
        {
            Id = imported?.Id ?? EventId.New().Value, Version = 1, CreatedAt = at, UpdatedAt = at,
            SessionId = sessionId, Sequence = sequence, Type = SessionEventTypes.SecretsRedacted, Payload = counts.ToEventPayload(),
        };
        var writes = new PostgresStoreWrites(_blobThresholdBytes);
        writes.Add(EntityType.SessionEvent, document, stamp, deleted: false);
        await writes.FlushAsync(connection, transaction, Origin, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The stored values of the fields a redaction scans (<see cref="RedactedFields.Of"/>) of row <paramref name="id"/>, or null when there is none.</summary>
    private static async Task<string?[]?> StoredFieldsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, EntityType type, string id, CancellationToken cancellationToken)
    {
        var command = new NpgsqlCommand($"SELECT document::text FROM {MirrorTable.For(type).Name} WHERE id = $1;", connection, transaction);
        await using var commandScope = command.ConfigureAwait(false);
        command.Parameters.Add(Text(id));
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is string json ? RedactedFields.Of(StoredDocument.Read(json)) : null;
    }

    /// <summary>The sequence number each of the new events <paramref name="fresh"/> is stored at (<see cref="ImportedEventPlacement"/>), read under the session's lock.</summary>
    private static async Task<long[]> PlaceEventsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sessionId, List<SessionEvent> fresh, CancellationToken cancellationToken)
    {
        if (fresh.Count == 0)
        {
            return [];
        }

        var command = new NpgsqlCommand("""
            SELECT (SELECT coalesce(max(sequence), 0) FROM session_events WHERE session_id = $1),
                   ARRAY(SELECT sequence FROM session_events WHERE session_id = $1 AND sequence = ANY($2));
            """, connection, transaction);
        await using var commandScope = command.ConfigureAwait(false);
        command.Parameters.Add(Text(sessionId));
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Bigint, Value = fresh.Select(e => e.Sequence).ToArray() });
        NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using var readerScope = reader.ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        long last = reader.GetInt64(0);
        var taken = new HashSet<long>(reader.GetFieldValue<long[]>(1));
        return ImportedEventPlacement.Place([.. fresh.Select(e => e.Sequence)], taken, last);
    }

    /// <summary>The stored version, session and <c>hlc</c> of each id (a tombstoned session is absent).</summary>
    private static async Task ReadExistingAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, EntityType type, string[] ids, Dictionary<string, (long, string, long, string)> into, CancellationToken cancellationToken)
    {
        MirrorTable table = MirrorTable.For(type);
        string sql = type == EntityType.Session
            ? "SELECT id, version, id, hlc, origin FROM sessions WHERE id = ANY($1) AND deleted_at IS NULL FOR UPDATE;"
            : $"SELECT id, version, session_id, hlc, origin FROM {table.Name} WHERE id = ANY($1) FOR UPDATE;";
        var command = new NpgsqlCommand(sql, connection, transaction);
        await using var commandScope = command.ConfigureAwait(false);
        command.Parameters.Add(TextArray(ids));
        NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using var readerScope = reader.ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            into[reader.GetString(0)] = (reader.GetInt64(1), reader.GetString(2), reader.GetInt64(3), reader.GetString(4));
        }
    }

    /// <summary>The session and its children, parents first.</summary>
    private static IEnumerable<Entity> EntitiesOf(Session session)
    {
        yield return session;
        foreach (SessionTask task in session.Tasks)
        {
            yield return task;
        }

        foreach (Step step in session.Tasks.SelectMany(t => t.Steps))
        {
            yield return step;
        }

        foreach (ToolCall call in session.Tasks.SelectMany(t => t.Steps).SelectMany(s => s.ToolCalls))
        {
            yield return call;
        }

        foreach (Artifact artifact in session.Artifacts)
        {
            yield return artifact;
        }
    }
}
