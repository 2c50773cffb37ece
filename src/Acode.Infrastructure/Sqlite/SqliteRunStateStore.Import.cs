using System.Diagnostics;
using Acode.Application;
using Acode.Application.Errors;
using Acode.Application.Outbox;
using Acode.Application.Redaction;
using Acode.Application.Serialization;
using Acode.Infrastructure.Imports;
using Microsoft.Data.Sqlite;

namespace Acode.Infrastructure.Sqlite;

public sealed partial class SqliteRunStateStore
{
    /// <inheritdoc/>
    public Task<ImportResult> ImportAsync(Session session, IReadOnlyList<SessionEvent> events, CancellationToken cancellationToken = default)
        => ValidatedImportAsync(session, events, NoneRedactedBefore, transcript: false, cancellationToken);

    /// <inheritdoc/>
    /// <remarks>
    /// A transcript's version is not written over a row that still holds the version <c>acode session pull</c> took from
    /// PostgreSQL unless it is later in time (<see cref="PulledVersions"/>): the two are versions of two copies of one
    /// transcript, numbered each by its own copy, and the sync orders them by time.
    /// </remarks>
    Task<ImportResult> Transcripts.IRedactingStore.ImportAsync(Session session, IReadOnlyList<SessionEvent> events, IReadOnlyDictionary<string, RedactionCounts> redactedBefore, CancellationToken cancellationToken)
        => ValidatedImportAsync(session, events, redactedBefore, transcript: true, cancellationToken);

    private Task<ImportResult> ValidatedImportAsync(Session session, IReadOnlyList<SessionEvent> events, IReadOnlyDictionary<string, RedactionCounts> redactedBefore, bool transcript, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(redactedBefore);
        if (session.IsNew || session.PendingChanges.Count > 0)
        {
            throw new ArgumentException($"Session {session.Id} has unsaved changes; import takes sessions rebuilt from an export (SessionGraphBuilder). Use SaveAsync for new work.", nameof(session));
        }

        return TracedImportAsync(session, events, redactedBefore, transcript, cancellationToken);
    }

    private static readonly IReadOnlyDictionary<string, RedactionCounts> NoneRedactedBefore = new Dictionary<string, RedactionCounts>();

    private Task<ImportResult> TracedImportAsync(Session session, IReadOnlyList<SessionEvent> events, IReadOnlyDictionary<string, RedactionCounts> redactedBefore, bool transcript, CancellationToken cancellationToken)
        => AcodeActivities.TraceAsync("acode.import", AcodeActivities.Sqlite, activity =>
        {
            activity?.SetTag("acode.event.count", events.Count);
            return ImportCoreAsync(session, events, cancellationToken, redactedBefore: redactedBefore, transcript: transcript);
        });

    // pulled: the versions are PostgreSQL's own (session pull): only a row with an undelivered change gets an outbox record.
    // redactedBefore: by event id, what an importer replaced in text it stores only in part (IRedactingStore).
    // transcript: the versions are a transcript's; over a row holding a pulled version, only a later one is written (PulledVersions).
    private async Task<ImportResult> ImportCoreAsync(Session session, IReadOnlyList<SessionEvent> events, CancellationToken cancellationToken, bool pulled = false, IReadOnlyDictionary<string, RedactionCounts>? redactedBefore = null, bool transcript = false)
    {
        ImportResult result = await _database.WriteAsync((transaction, commands) =>
        {
            int inserted = 0, updated = 0, unchanged = 0;
            HashSet<string>? undelivered = pulled ? Undelivered(commands, transaction, session.Id.Value) : null;
            Dictionary<string, DateTimeOffset>? taken = transcript && !pulled ? PulledVersions.Read(commands, transaction, session.Id.Value) : null;
            DateTimeOffset now = _clock.TimeProvider.GetUtcNow();
            var redacted = new RedactionCounts();
            // A pull records no event (CountPulledRedaction): nothing to derive its id from.
            ImportedRedactionEvent? redactionEvent = pulled ? null : new ImportedRedactionEvent();
            List<Entity> entities = [.. EntitiesOf(session)];
            SessionEvent[] incoming = [.. ImportedEventPlacement.InLogOrder(events)];
            Dictionary<string, (long Version, DateTimeOffset UpdatedAt)> stored = StoredVersions(commands, transaction, [.. entities, .. incoming], session.Id.Value);
            foreach (Entity entity in entities)
            {
                // Unchanged rows are skipped before anything is built, scanned or serialized (a re-import does no other work).
                bool exists = stored.TryGetValue(entity.EntityId, out (long Version, DateTimeOffset UpdatedAt) existing);
                bool holdsPulled = exists && taken is not null && PulledVersions.Holds(taken, entity.EntityId, existing.UpdatedAt);
                if (!ImportedVersionRule.Writes(entity.Version, entity.UpdatedAt, existing.Version, existing.UpdatedAt.UtcTicks, overAnotherCopy: holdsPulled))
                {
                    unchanged++;
                    continue;
                }

                // Imported content is scanned like saved content; only what a written row changes counts (a second import,
                // or a grown transcript rewriting the session with the same goal, redacts nothing new).
                RedactionCounts[] byField = EntityRedaction.RedactFields(Redactor, entity);
                string?[]? before = exists && byField.Any(f => f.Total > 0) ? SqliteStoredFields.Read(commands, transaction, entity.EntityType, entity.EntityId) : null;
                DateTimeOffset stamp = ImportedStamp.For(entity.UpdatedAt, exists ? existing.UpdatedAt : null,
                    () => EntityJson.Serialize(EntityDocuments.From(entity, entity.Version, entity.UpdatedAt)));
                EntityDocument document = StoredForm(commands, transaction, EntityDocuments.From(entity, entity.Version, stamp));
                RedactedFields.CountChanged(redacted, byField, RedactedFields.Of(document), before);
                Write(commands, transaction, session, entity, document, exists ? existing : null, stamp, now, undelivered?.Contains(entity.EntityId) ?? true);
                if (pulled)
                {
                    PulledVersions.Mark(commands, transaction, session.Id.Value, entity.EntityId, stamp, now);
                }

                _ = exists ? updated++ : inserted++;
                stored[entity.EntityId] = (document.Version, stamp);
                redactionEvent?.Wrote(entity.EntityType, entity.EntityId, document.Version, stamp);
            }

            // An event whose id is stored is that event; a new one keeps its number unless it is taken (ImportedEventPlacement).
            var seen = new HashSet<string>(stored.Keys, StringComparer.Ordinal);
            List<SessionEvent> fresh = [.. incoming.Where(e => seen.Add(e.EntityId))];
            unchanged += incoming.Length - fresh.Count;
            long[] placed = PlaceEvents(commands, transaction, session.Id.Value, fresh);
            for (int i = 0; i < fresh.Count; i++)
            {
                EntityRedaction.Redact(Redactor, fresh[i], redacted);
                if (redactedBefore is not null && redactedBefore.TryGetValue(fresh[i].EntityId, out RedactionCounts? before))
                {
                    redacted.Add(before);
                }

                var document = (SessionEventDocument)StoredForm(commands, transaction, EntityDocuments.From(fresh[i]));
                Write(commands, transaction, session, fresh[i], placed[i] == document.Sequence ? document : document.AtSequence(placed[i]), null, fresh[i].UpdatedAt, now, undelivered is null);
                inserted++;
                redactionEvent?.Wrote(EntityType.SessionEvent, fresh[i].EntityId, document.Version, fresh[i].UpdatedAt);
            }

            // Stamped and named from what was imported (ImportedRedactionEvent), as every imported row is.
            if (redacted.Total > 0)
            {
                if (redactionEvent is null)
                {
                    CountPulledRedaction(commands, transaction, session.Id.Value, redacted);
                }
                else
                {
                    InsertRedactionEvent(commands, transaction, session.Id.Value, redacted, now, (redactionEvent.IdFor(session.Id.Value, redacted.ToEventPayload()), redactionEvent.Stamp));
                }
            }

            return new ImportResult(inserted, updated, unchanged);
        }, cancellationToken).ConfigureAwait(false);
        if (result.Inserted + result.Updated > 0)
        {
            _signal?.Notify();
        }

        return result;
    }

    /// <summary>
    /// Writes one imported row (inserted when <paramref name="existing"/> is null, else replaced) and, when
    /// <paramref name="deliver"/>, its outbox record, based on the replaced row's version and stamp; <paramref name="stamp"/>
    /// is the document's <c>updated_at</c> (<see cref="ImportedStamp"/>).
    /// </summary>
    private void Write(WriterCommands commands, SqliteTransaction transaction, Session session, Entity entity, EntityDocument document, (long Version, DateTimeOffset UpdatedAt)? existing, DateTimeOffset stamp, DateTimeOffset now, bool deliver)
    {
        EntityRows rows = EntityRows.For(document);
        // A transcript's version over a pulled one may number fewer (PulledVersions): the upsert keeps only higher numbers.
        string sql = existing is not { } replaced ? rows.InsertSql : document.Version > replaced.Version ? rows.UpsertSql : rows.ReplaceSql;
        commands.Get(sql, transaction).WithColumns(rows.Columns, rows.ValuesOf(document)).ExecuteNonQuery();
        _clock.Observe(stamp);
        if (!deliver)
        {
            return;
        }

        var entry = new OutboxEntry(entity.EntityType, entity.EntityId, session.Id.Value, OutboxOperation.Upsert, existing?.Version ?? 0, document.Version, stamp, EntityJson.Serialize(document))
        {
            BaseUpdatedAt = existing?.UpdatedAt,
        };
        SqliteOutbox.Append(commands, transaction, entry, Origin, now);
    }

    /// <summary>The sequence number each of the new events <paramref name="fresh"/> is stored at (<see cref="ImportedEventPlacement"/>).</summary>
    private static long[] PlaceEvents(WriterCommands commands, SqliteTransaction transaction, string sessionId, List<SessionEvent> fresh)
    {
        if (fresh.Count == 0)
        {
            return [];
        }

        var taken = new HashSet<long>();
        using (SqliteDataReader reader = commands.Get("SELECT sequence FROM session_events WHERE session_id = $id AND sequence IN (SELECT value FROM json_each($sequences));", transaction)
            .With("$id", sessionId).WithJsonArray("$sequences", fresh.Select(e => e.Sequence)).ExecuteReader())
        {
            while (reader.Read())
            {
                taken.Add(reader.GetInt64(0));
            }
        }

        long last = Convert.ToInt64(commands.Get(NextSequenceSql, transaction).With("$id", sessionId).ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) - 1;
        return ImportedEventPlacement.Place([.. fresh.Select(e => e.Sequence)], taken, last);
    }

    /// <summary>
    /// The stored version and <c>updated_at</c> of every row among <paramref name="entities"/> that exists (absent ids are not in the map), read with
    /// one statement per table (<see cref="EntityRows.VersionsSql"/>).
    /// </summary>
    /// <exception cref="ImportConflictException">A row with one of the ids belongs to another session.</exception>
    private static Dictionary<string, (long Version, DateTimeOffset UpdatedAt)> StoredVersions(WriterCommands commands, SqliteTransaction transaction, List<Entity> entities, string sessionId)
    {
        var stored = new Dictionary<string, (long, DateTimeOffset)>(entities.Count, StringComparer.Ordinal);
        foreach (IGrouping<EntityType, Entity> group in entities.GroupBy(e => e.EntityType))
        {
            string ids = System.Text.Json.JsonSerializer.Serialize(group.Select(e => e.EntityId).ToList(), EntityIdsJson.Default.ListString);
            using SqliteDataReader reader = commands.Get(EntityRows.For(group.Key).VersionsSql, transaction).With("$ids", ids).ExecuteReader();
            while (reader.Read())
            {
                string id = reader.GetString(0);

                // An id is never shared between sessions: a document that would move a row of another session into this
                // one is forged or corrupt, and importing it would break the other session.
                string owner = reader.GetString(2);
                if (!string.Equals(owner, sessionId, StringComparison.Ordinal))
                {
                    throw new ImportConflictException(group.Key, id, owner, sessionId);
                }

                stored[id] = (reader.GetInt64(1), UtcTimestamp.Parse(reader.GetString(3)));
            }
        }

        return stored;
    }

    /// <summary>The session and its children, parents first.</summary>
    private static IEnumerable<Entity> EntitiesOf(Session session)
    {
        yield return session;
        foreach (SessionTask task in session.Tasks)
        {
            yield return task;
        }

        foreach (SessionTask task in session.Tasks)
        {
            foreach (Step step in task.Steps)
            {
                yield return step;
            }
        }

        foreach (SessionTask task in session.Tasks)
        {
            foreach (Step step in task.Steps)
            {
                foreach (ToolCall call in step.ToolCalls)
                {
                    yield return call;
                }
            }
        }

        foreach (Artifact artifact in session.Artifacts)
        {
            yield return artifact;
        }
    }
}
