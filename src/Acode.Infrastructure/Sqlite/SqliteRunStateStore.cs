using System.Diagnostics;
using Acode.Application;
using Acode.Application.Errors;
using Acode.Application.Outbox;
using Acode.Application.Redaction;
using Acode.Application.Serialization;
using Acode.Application.Sync;
using Acode.Domain.Time;
using Acode.Infrastructure.Blobs;
using Acode.Infrastructure.Imports;
using Acode.Infrastructure.Transcripts;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using EventId = Acode.Domain.Ids.EventId;

namespace Acode.Infrastructure.Sqlite;

/// <summary>
/// <see cref="IRunStateStore"/> on the workspace SQLite database. Each save is one <c>BEGIN IMMEDIATE</c>
/// transaction holding the changed rows and one outbox record per change (AC-005, §6); stamps come from a
/// <see cref="HybridClock"/>, so <c>updated_at</c> strictly increases per entity and idempotency keys never repeat.
/// </summary>
public sealed partial class SqliteRunStateStore : IRunStateStore, IRedactingStore
{
    /// <summary>The number after the last event of session <c>$id</c> (1 for a session without events).</summary>
    private const string NextSequenceSql = "SELECT ifnull(max(sequence), 0) + 1 FROM session_events WHERE session_id = $id;";

    private readonly SqliteWorkspaceDatabase _database;
    private readonly HybridClock _clock;
    private readonly ILogger _logger;
    private readonly OutboxSignal? _signal;
    private readonly AcodeMetrics? _metrics;
    private readonly int _blobThresholdBytes;
    private ISecretRedactor? _redactor;

    /// <summary>A store on the workspace database; every save also appends its outbox records in the same transaction.</summary>
    /// <param name="database">The opened, migrated workspace database.</param>
    /// <param name="clock">The clock stamping changes; share it with the sync service of the same process.</param>
    /// <param name="signal">Woken after every commit so a sync worker delivers the change without polling.</param>
    /// <param name="metrics">Where save counts and latencies are recorded; its outbox gauges read this database from now on.</param>
    /// <param name="redactor">Replaces secrets before anything is written (docs/secrets.md); the built-in rules when omitted.</param>
    /// <param name="blobThresholdBytes">Content larger than this many bytes is stored once, compressed, in the <c>blobs</c> table (docs/storage.md; <c>persistence:store:blobThresholdBytes</c>).</param>
    public SqliteRunStateStore(SqliteWorkspaceDatabase database, HybridClock? clock = null, OutboxSignal? signal = null, AcodeMetrics? metrics = null, ISecretRedactor? redactor = null, int blobThresholdBytes = DocumentBlobs.DefaultThresholdBytes)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentOutOfRangeException.ThrowIfNegative(blobThresholdBytes);
        _blobThresholdBytes = blobThresholdBytes;
        _database = database;
        _clock = clock ?? new HybridClock(database.Time);
        _signal = signal;
        _metrics = metrics;
        _redactor = redactor;
        _metrics?.ReadOutboxFrom(database);
        _logger = database.LoggerFactory.CreateLogger<SqliteRunStateStore>();

        // Stamps sort after every timestamp this workspace has seen in PostgreSQL (a slow clock must not lose later writes).
        _clock.Observe(new DateTimeOffset(database.GetSyncState().HlcFloorTicks, TimeSpan.Zero));
    }

    private string Origin => _database.WorkspaceId!;

    /// <summary>The redactor given, else the built-in rules, built on first use (a store that only reads never compiles them).</summary>
    internal ISecretRedactor Redactor => _redactor ??= SecretRedactor.Default;

    /// <inheritdoc/>
    ISecretRedactor IRedactingStore.Redactor => Redactor;

    /// <inheritdoc/>
    public async Task<Session> CreateSessionAsync(string title, string? goal = null, CancellationToken cancellationToken = default)
    {
        Session session = Session.Create(title, goal, _clock.TimeProvider);
        await SaveAsync(session, cancellationToken).ConfigureAwait(false);
        return session;
    }

    /// <inheritdoc/>
    public Task SaveAsync(Session session, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        return SaveAllAsync([session], cancellationToken);
    }

    /// <inheritdoc/>
    public Task SaveAllAsync(IReadOnlyCollection<Session> sessions, CancellationToken cancellationToken = default)
        => AcodeActivities.TraceAsync("acode.save", AcodeActivities.Sqlite, async activity =>
        {
            await SaveAllCoreAsync(sessions, activity, cancellationToken).ConfigureAwait(false);
            return true;
        });

    /// <inheritdoc/>
    public Task<bool> DeleteSessionAsync(SessionId id, CancellationToken cancellationToken = default)
        => AcodeActivities.TraceAsync("acode.delete", AcodeActivities.Sqlite, async activity =>
        {
            bool deleted = await DeleteSessionCoreAsync(id, cancellationToken).ConfigureAwait(false);
            activity?.SetTag("acode.deleted", deleted);
            return deleted;
        });

    private async Task SaveAllCoreAsync(IReadOnlyCollection<Session> sessions, Activity? activity, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sessions);
        if (sessions.Any(s => s is null))
        {
            // Trial AL 8: a NullReferenceException from inside the save.
            throw new ArgumentException("The sessions to save hold a null entry; nothing was saved.", nameof(sessions));
        }


        // The same object listed twice is saved once: its changes are written once and stamped once.
        Session[] distinct = sessions.Distinct<Session>(ReferenceEqualityComparer.Instance).ToArray();
        activity?.SetTag("acode.session.count", distinct.Length);
        activity?.SetTag("acode.change.count", distinct.Sum(s => s.PendingChanges.Count));
        if (distinct.All(s => s.PendingChanges.Count == 0))
        {
            return;
        }

        using SessionSaveGuard saving = SessionSaveGuard.Enter(distinct);
        long started = _clock.TimeProvider.GetTimestamp();
        long redacted = distinct.Sum(RedactPending);
        List<EntityStamp>[] stamps = await _database.WriteAsync((transaction, commands) =>
        {
            List<EntityStamp>[] written = distinct.Select(s => WriteChanges(transaction, commands, s)).ToArray();
            AddToRedactedTally(commands, transaction, redacted);
            return written;
        }, cancellationToken).ConfigureAwait(false);

        _signal?.Notify();
        _metrics?.RecordSave(_clock.TimeProvider.GetElapsedTime(started));
        int i = 0;
        foreach (Session session in distinct)
        {
            session.AcceptChanges(stamps[i++]);
            Log.Saved(_logger, stamps[i - 1].Count, session.Id.Value);
        }
    }

    /// <summary>
    /// Replaces the secrets of the session's pending changes in the held objects, before the save writes them: the held
    /// session, the row, the outbox payload and PostgreSQL then agree, and the next save finds nothing new to redact. What
    /// was replaced is counted in a <c>secrets.redacted</c> event saved with the changes.
    /// </summary>
    /// <returns>How many values were replaced.</returns>
    private long RedactPending(Session session)
    {
        if (!Redactor.Enabled)
        {
            return 0;
        }

        var counts = new RedactionCounts();
        foreach (Entity entity in session.PendingChanges)
        {
            EntityRedaction.Redact(Redactor, entity, counts);
        }

        if (counts.Total > 0)
        {
            session.AppendEvent(SessionEventTypes.SecretsRedacted, counts.ToEventPayload());
            LogRedacted(counts, session.Id.Value);
        }

        return counts.Total;
    }

    /// <summary>Adds to the workspace's tally of redacted values (read by <c>acode db status</c>), in the writer's transaction.</summary>
    private void AddToRedactedTally(WriterCommands commands, SqliteTransaction transaction, long count)
    {
        if (count > 0)
        {
            commands.Get(SqliteWorkspaceDatabase.AddRedactedSecretsSql, transaction)
                .With("$count", count).With("$now", UtcTimestamp.Format(_clock.TimeProvider.GetUtcNow())).ExecuteNonQuery();
        }
    }

    private void LogRedacted(RedactionCounts counts, string sessionId) =>
        Log.SecretsRedacted(_logger, counts.Total, sessionId, string.Join(", ", counts.ByKind.Select(k => $"{k.Key}: {k.Value}")));

    /// <summary>
    /// What a pull replaced in this workspace's copy of rows PostgreSQL keeps as they were written: counted in the
    /// workspace's total (<c>acode db status</c>) and logged, but recorded in no event. An event would be a row of the
    /// session's log that PostgreSQL lacks: delivered, it told the team's database of a redaction it never had and left
    /// the pull's outbox pending; kept here only, the next pull took it for a row PostgreSQL lost (trial BB F2).
    /// </summary>
    private void CountPulledRedaction(WriterCommands commands, SqliteTransaction transaction, string sessionId, RedactionCounts counts)
    {
        AddToRedactedTally(commands, transaction, counts.Total);
        LogRedacted(counts, sessionId);
    }

    /// <summary>
    /// Inserts a <c>secrets.redacted</c> event at the end of the session's log, with its outbox record (import and append
    /// paths); <paramref name="imported"/>: the id and stamp an import derives from what it wrote (<see cref="ImportedRedactionEvent"/>),
    /// else a new id at the clock's next stamp.
    /// </summary>
    private void InsertRedactionEvent(WriterCommands commands, SqliteTransaction transaction, string sessionId, RedactionCounts counts, DateTimeOffset now, (string Id, DateTimeOffset Stamp)? imported = null)
    {
        long sequence = Convert.ToInt64(commands.Get(NextSequenceSql, transaction).With("$id", sessionId).ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        DateTimeOffset stamp = imported?.Stamp ?? _clock.Next();
        _clock.Observe(stamp);
        string at = UtcTimestamp.Format(stamp);
        string id = imported?.Id ?? EventId.New().Value;
        var document = new SessionEventDocument
        {
            Id = id, Version = 1, CreatedAt = at, UpdatedAt = at,
            SessionId = sessionId, Sequence = sequence, Type = SessionEventTypes.SecretsRedacted, Payload = counts.ToEventPayload(),
        };
        EntityRows rows = EntityRows.For(document);
        commands.Get(rows.InsertSql, transaction).WithColumns(rows.Columns, rows.ValuesOf(document)).ExecuteNonQuery();
        var entry = new OutboxEntry(EntityType.SessionEvent, id, sessionId, OutboxOperation.Upsert, 0, 1, stamp, EntityJson.Serialize(document));
        SqliteOutbox.Append(commands, transaction, entry, Origin, now);
        AddToRedactedTally(commands, transaction, counts.Total);
        LogRedacted(counts, sessionId);
    }

    /// <summary>The <c>removed_imports</c> reason of a session removed by <see cref="DeleteSessionAsync"/> (a host's call).</summary>
    private const string DeletedByHostReason = "DeleteSessionAsync";

    private async Task<bool> DeleteSessionCoreAsync(SessionId id, CancellationToken cancellationToken)
    {
        bool deleted = await _database.WriteAsync((transaction, commands) =>
        {
            Transcripts.SqliteRemovedImportLog.Remember(commands, transaction, id.Value, DeletedByHostReason, _clock.TimeProvider.GetUtcNow());
            return DeleteWithRecord(transaction, commands, id.Value);
        }, cancellationToken).ConfigureAwait(false);
        if (deleted)
        {
            _signal?.Notify();
            Log.SessionDeleted(_logger, id.Value);
        }

        return deleted;
    }

    /// <inheritdoc/>
    public async Task<(EventId Id, long Sequence)?> AppendEventAsync(SessionId sessionId, string type, string payloadJson = "{}", CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(type);
        string payload = Domain.Text.JsonText.Validate(Domain.Text.TextContent.ToWellFormed(payloadJson), nameof(payloadJson));
        var redacted = new RedactionCounts();
        payload = Redactor.RedactJson(payload, redacted);
        string eventType = Redactor.Redact(Domain.Text.TextContent.ToWellFormed(type), redacted);
        (EventId Id, long Sequence)? appended = await _database.WriteAsync<(EventId, long)?>((transaction, commands) =>
        {
            object? next = commands.Get("""
                SELECT (SELECT ifnull(max(sequence), 0) + 1 FROM session_events WHERE session_id = $id)
                FROM sessions WHERE id = $id;
                """, transaction).With("$id", sessionId.Value).ExecuteScalar();
            if (next is null)
            {
                return null;
            }

            long sequence = Convert.ToInt64(next, System.Globalization.CultureInfo.InvariantCulture);
            EventId id = EventId.New();
            DateTimeOffset stamp = _clock.Next();
            string at = UtcTimestamp.Format(stamp);
            var document = new SessionEventDocument
            {
                Id = id.Value, Version = 1, CreatedAt = at, UpdatedAt = at,
                SessionId = sessionId.Value, Sequence = sequence, Type = eventType, Payload = payload,
            };
            EntityRows rows = EntityRows.For(document);
            commands.Get(rows.InsertSql, transaction).WithColumns(rows.Columns, rows.ValuesOf(document)).ExecuteNonQuery();
            var entry = new OutboxEntry(EntityType.SessionEvent, id.Value, sessionId.Value, OutboxOperation.Upsert, 0, 1, stamp, EntityJson.Serialize(document));
            SqliteOutbox.Append(commands, transaction, entry, Origin, _clock.TimeProvider.GetUtcNow());
            if (redacted.Total > 0)
            {
                InsertRedactionEvent(commands, transaction, sessionId.Value, redacted, _clock.TimeProvider.GetUtcNow());
            }

            return (id, sequence);
        }, cancellationToken).ConfigureAwait(false);
        if (appended is not null)
        {
            _signal?.Notify();
        }

        return appended;
    }

    private List<EntityStamp> WriteChanges(SqliteTransaction transaction, WriterCommands commands, Session session)
    {
        var stamps = new List<EntityStamp>(session.PendingChanges.Count);
        DateTimeOffset now = _clock.TimeProvider.GetUtcNow();
        long? nextSequence = null;
        foreach (Entity entity in session.PendingChanges)
        {
            long baseVersion = entity.Version;
            var stamp = new EntityStamp(entity, baseVersion + 1, _clock.Next(entity.UpdatedAt));
            EntityDocument document = StoredForm(commands, transaction, EntityDocuments.From(entity, stamp.Version, stamp.UpdatedAt));
            EntityRows rows = EntityRows.For(document);
            if (entity is SessionEvent)
            {
                document = InsertEvent(commands, transaction, rows, (SessionEventDocument)document, ref nextSequence);
                long committed = ((SessionEventDocument)document).Sequence;
                stamp = committed == ((SessionEvent)entity).Sequence ? stamp : stamp with { EventSequence = committed };
            }
            else if (entity.IsNew)
            {
                InsertChild(commands, transaction, rows, document, session.Id.Value, entity);
            }
            else if (commands.Get(rows.UpdateSql, transaction).WithColumns(rows.Columns, rows.ValuesOf(document)).With("$base_version", baseVersion).With("$base_updated_at", UtcTimestamp.Format(entity.UpdatedAt)).ExecuteNonQuery() != 1)
            {
                throw UpdateRefused(commands, transaction, rows, entity, baseVersion, session.Id.Value);
            }

            // The optimistic update above matched the row at exactly this stamp, so it is the base's stamp.
            var entry = new OutboxEntry(entity.EntityType, entity.EntityId, session.Id.Value, OutboxOperation.Upsert, baseVersion, stamp.Version, stamp.UpdatedAt, EntityJson.Serialize(document))
            {
                BaseUpdatedAt = baseVersion == 0 ? null : entity.UpdatedAt,
            };
            SqliteOutbox.Append(commands, transaction, entry, Origin, now);
            stamps.Add(stamp);
        }

        return stamps;
    }

    /// <summary>
    /// The document as rows and outbox payloads hold it: large content moved into blobs (stored in this transaction when
    /// new), after redaction, so no blob ever holds an unredacted value (docs/storage.md).
    /// </summary>
    private EntityDocument StoredForm(WriterCommands commands, SqliteTransaction transaction, EntityDocument document)
        => DocumentBlobs.Externalize(document, _blobThresholdBytes, (hash, raw) => SqliteBlobs.Put(commands, transaction, hash, raw));

    /// <summary>
    /// Inserts a new event of a held session. Its sequence number is taken when another writer appended after the event
    /// was created (<see cref="AppendEventAsync"/>, another copy of the session, another process): an event is an
    /// insert-only entry of a log, so nothing is lost by putting it at the end, and this and every later event of the same
    /// save take the next free numbers, in order. This is why appending and saving compose (docs/architecture.md).
    /// </summary>
    /// <remarks><c>nextSequence</c> is null until a number is found taken; then the next free number, advanced per event.</remarks>
    /// <returns>The document as committed (with its new sequence number when it moved).</returns>
    private static SessionEventDocument InsertEvent(WriterCommands commands, SqliteTransaction transaction, EntityRows rows, SessionEventDocument document, ref long? nextSequence)
    {
        try
        {
            return InsertEventRow(commands, transaction, rows, document, ref nextSequence);
        }
        catch (SqliteException ex) when (IsForeignKeyFailure(ex))
        {
            throw ConcurrencyConflictException.SessionDeleted(document.SessionId, EntityType.SessionEvent, document.Id);
        }
    }

    private static SessionEventDocument InsertEventRow(WriterCommands commands, SqliteTransaction transaction, EntityRows rows, SessionEventDocument document, ref long? nextSequence)
    {
        if (nextSequence is null)
        {
            try
            {
                commands.Get(rows.InsertSql, transaction).WithColumns(rows.Columns, rows.ValuesOf(document)).ExecuteNonQuery();
                return document;
            }
            catch (SqliteException ex) when (ex.SqliteExtendedErrorCode == SQLitePCL.raw.SQLITE_CONSTRAINT_UNIQUE)
            {
                // A constraint failure undoes only this statement; the transaction goes on.
                nextSequence = Convert.ToInt64(commands.Get(NextSequenceSql, transaction).With("$id", document.SessionId).ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        var moved = new SessionEventDocument
        {
            Schema = document.Schema, Id = document.Id, Version = document.Version, CreatedAt = document.CreatedAt, UpdatedAt = document.UpdatedAt,
            SessionId = document.SessionId, Sequence = nextSequence.Value, Type = document.Type, Payload = document.Payload,
        };
        nextSequence++;
        commands.Get(rows.InsertSql, transaction).WithColumns(rows.Columns, rows.ValuesOf(moved)).ExecuteNonQuery();
        return moved;
    }

    /// <summary>
    /// Why a row's optimistic update matched nothing: it belongs to another session (a row never moves between sessions),
    /// it is at another version (or at this version number with another stamp: another lineage), or it is gone (deleted).
    /// </summary>
    private static ConcurrencyConflictException UpdateRefused(WriterCommands commands, SqliteTransaction transaction, EntityRows rows, Entity entity, long baseVersion, string sessionId)
    {
        using SqliteDataReader reader = commands.Get(rows.VersionSql, transaction).With("$id", entity.EntityId).ExecuteReader();
        if (!reader.Read())
        {
            return new ConcurrencyConflictException(entity.EntityType, entity.EntityId, baseVersion, null);
        }

        return reader.GetString(1) is { } owner && !string.Equals(owner, sessionId, StringComparison.Ordinal)
            ? ConcurrencyConflictException.OtherSession(sessionId, entity.EntityType, entity.EntityId, owner)
            : new ConcurrencyConflictException(entity.EntityType, entity.EntityId, baseVersion, reader.GetInt64(0));
    }

    /// <summary>
    /// Inserts a new row. A parent that is gone can only mean the session was deleted since this copy was loaded
    /// (tasks, steps and tool calls are never deleted alone): a concurrency conflict, and the save rolls back.
    /// </summary>
    private static void InsertChild(WriterCommands commands, SqliteTransaction transaction, EntityRows rows, EntityDocument document, string sessionId, Entity entity)
    {
        try
        {
            commands.Get(rows.InsertSql, transaction).WithColumns(rows.Columns, rows.ValuesOf(document)).ExecuteNonQuery();
        }
        catch (SqliteException ex) when (IsForeignKeyFailure(ex))
        {
            throw ConcurrencyConflictException.SessionDeleted(sessionId, entity.EntityType, entity.EntityId);
        }
    }

    /// <summary>SQLITE_CONSTRAINT_FOREIGNKEY: a row refers to a parent that does not exist.</summary>
    private static bool IsForeignKeyFailure(SqliteException ex) => ex.SqliteExtendedErrorCode == SQLitePCL.raw.SQLITE_CONSTRAINT_FOREIGNKEY;

    /// <summary>
    /// Deletes a session's rows (its children go by cascade) and appends its deletion to the outbox, in the caller's
    /// transaction: the tombstone carries the session's last fields at version + 1, so PostgreSQL keeps it as a tombstone.
    /// A <c>db prune --remote</c> gives its cutoff as <paramref name="prunedBefore"/> and its states as <paramref name="prunedStates"/>,
    /// which the record carries (<see cref="OutboxEntry.PrunedBefore"/>, <see cref="OutboxEntry.PrunedStates"/>).
    /// </summary>
    /// <returns>False when no session has that id.</returns>
    private bool DeleteWithRecord(SqliteTransaction transaction, WriterCommands commands, string id, DateTimeOffset? prunedBefore = null, IReadOnlyList<string>? prunedStates = null)
    {
        SqliteCommand select = commands.Get("SELECT id, title, goal, state, version, created_at, updated_at FROM sessions WHERE id = $id;", transaction).With("$id", id);
        SessionDocument? current;
        using (SqliteDataReader reader = select.ExecuteReader())
        {
            current = reader.Read() ? ReadSessionDocument(reader) : null;
        }

        if (current is null)
        {
            return false;
        }

        DateTimeOffset stamp = _clock.Next(UtcTimestamp.Parse(current.UpdatedAt));
        var tombstone = new SessionDocument
        {
            Id = current.Id, Title = current.Title, Goal = current.Goal, State = current.State,
            Version = current.Version + 1, CreatedAt = current.CreatedAt, UpdatedAt = UtcTimestamp.Format(stamp),
        };
        commands.Get("DELETE FROM sessions WHERE id = $id;", transaction).With("$id", id).ExecuteNonQuery();
        SqliteBlobs.Sweep(commands, transaction);
        var entry = new OutboxEntry(EntityType.Session, id, id, OutboxOperation.Delete, current.Version, tombstone.Version, stamp, EntityJson.Serialize(tombstone))
        {
            BaseUpdatedAt = UtcTimestamp.Parse(current.UpdatedAt),
            PrunedBefore = prunedBefore,
            PrunedStates = prunedBefore is null ? null : prunedStates,
        };
        SqliteOutbox.Append(commands, transaction, entry, Origin, _clock.TimeProvider.GetUtcNow());
        return true;
    }

    private static SessionDocument ReadSessionDocument(SqliteDataReader r) => new()
    {
        Id = r.GetString(0), Title = r.GetString(1), Goal = r.IsDBNull(2) ? null : r.GetString(2), State = r.GetString(3),
        Version = r.GetInt64(4), CreatedAt = r.GetString(5), UpdatedAt = r.GetString(6),
    };
}
