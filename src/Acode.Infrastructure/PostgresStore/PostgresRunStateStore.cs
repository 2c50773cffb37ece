using System.Diagnostics;
using Acode.Application;
using Acode.Application.Errors;
using Acode.Application.Redaction;
using Acode.Application.Serialization;
using Acode.Domain.Time;
using Acode.Infrastructure.Blobs;
using Acode.Infrastructure.Migrations;
using Acode.Infrastructure.Postgres;
using Acode.Infrastructure.Sync;
using Acode.Infrastructure.Transcripts;
using Npgsql;
using NpgsqlTypes;
using EventId = Acode.Domain.Ids.EventId;

namespace Acode.Infrastructure.PostgresStore;

/// <summary>
/// <see cref="IRunStateStore"/> on the shared PostgreSQL database, over the mirror tables the sync writes
/// (docs/postgres.md, "The PostgreSQL store"). Direct writes and synced writes meet in the same rows:
/// <list type="bullet">
/// <item>each save is one transaction that takes the sync's per-session advisory lock, row-locks the stored versions of
/// what it changes and refuses a change based on another version (<see cref="ConcurrencyConflictException"/>, nothing
/// written) — the same optimistic rule as the SQLite store;</item>
/// <item>rows carry <c>version</c>, <c>hlc</c> (exact ticks of <c>updated_at</c>, from the shared <see cref="HybridClock"/>),
/// <c>origin</c> (<see cref="Origin"/>, this store's stable id) and the entity <c>document</c>, exactly as the applier writes them;</item>
/// <item>every written version leaves its idempotency key in <c>sync_applied</c> under this store's origin, as if it had
/// been delivered by a workspace, so a workspace's later change to the same entity is judged by the same
/// <see cref="ConflictRule"/> and audited in <c>sync_conflicts</c> when it was based on an older version;</item>
/// <item>a deleted session stays as a tombstone (<c>deleted_at</c>) and its children are removed, as the applier does.</item>
/// </list>
/// Unreachable or refusing servers throw ACODE-DB-006 (<see cref="PostgresErrorMapper"/>), never a driver exception; its hint
/// says that nothing was kept locally (a failed save saved nothing: retry it once PostgreSQL answers).
/// Text PostgreSQL cannot store (U+0000) is normalized as the sync normalizes it (<see cref="PostgresText"/>).
/// </summary>
/// <remarks>
/// Secrets are replaced in the held objects before a save or an append writes them, as the SQLite store does
/// (docs/secrets.md); what was replaced is counted in a <c>secrets.redacted</c> event saved with the changes.
/// </remarks>
public sealed partial class PostgresRunStateStore : IRunStateStore, IRedactingStore
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly HybridClock _clock;
    private readonly string _redactedTarget;
    private readonly PostgresMigrator? _migrator;
    private readonly ISecretRedactor _redactor;
    private readonly int _blobThresholdBytes;
    private Task? _schema;

    /// <summary>What this store redacts with (the transcript importers cut titles from text redacted by it).</summary>
    internal ISecretRedactor Redactor => _redactor;

    /// <inheritdoc/>
    ISecretRedactor IRedactingStore.Redactor => Redactor;

    /// <summary>A store writing and reading the PostgreSQL mirror tables directly (no SQLite file, no outbox).</summary>
    /// <param name="dataSource">A data source for a PostgreSQL database migrated to acode's schema.</param>
    /// <param name="origin">This store's stable id, written into <c>origin</c> (see <see cref="PostgresStoreOrigin"/>).</param>
    /// <param name="clock">The clock stamping changes; share it with anything else of the same process that stamps.</param>
    /// <param name="migrator">When given, the database is brought to acode's schema before the first operation (an agent host's store).</param>
    /// <param name="redactor">Replaces secrets before anything is written; <see cref="SecretRedactor.Default"/> when null.</param>
    /// <param name="blobThresholdBytes">Content larger than this many bytes is stored once, compressed, in the <c>blobs</c> table (docs/storage.md; <c>persistence:store:blobThresholdBytes</c>).</param>
    public PostgresRunStateStore(NpgsqlDataSource dataSource, string origin, HybridClock? clock = null, PostgresMigrator? migrator = null, ISecretRedactor? redactor = null, int blobThresholdBytes = DocumentBlobs.DefaultThresholdBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(blobThresholdBytes);
        _blobThresholdBytes = blobThresholdBytes;
        _migrator = migrator;
        _redactor = redactor ?? SecretRedactor.Default;
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentException.ThrowIfNullOrWhiteSpace(origin);
        _dataSource = dataSource;
        Origin = origin;
        _clock = clock ?? new HybridClock();
        _redactedTarget = PostgresConnectionSettings.Redact(dataSource.ConnectionString);
    }

    /// <summary>Replaces the secrets of the session's pending changes in the held objects and counts them in a <c>secrets.redacted</c> event.</summary>
    private void RedactPending(Session session)
    {
        if (!_redactor.Enabled)
        {
            return;
        }

        var counts = new RedactionCounts();
        foreach (Entity entity in session.PendingChanges.ToArray())
        {
            EntityRedaction.Redact(_redactor, entity, counts);
        }

        if (counts.Total > 0)
        {
            session.AppendEvent(SessionEventTypes.SecretsRedacted, counts.ToEventPayload());
        }
    }

    /// <summary>The id this store writes into <c>origin</c> and <c>sync_applied</c>.</summary>
    public string Origin { get; }

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
        => AcodeActivities.TraceAsync("acode.save", AcodeActivities.Postgres, async activity =>
        {
            await SaveAllCoreAsync(sessions, activity, cancellationToken).ConfigureAwait(false);
            return true;
        });

    private async Task SaveAllCoreAsync(IReadOnlyCollection<Session> sessions, Activity? activity, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sessions);
        if (sessions.Any(s => s is null))
        {
            // Trial AL 8: a NullReferenceException from inside the save.
            throw new ArgumentException("The sessions to save hold a null entry; nothing was saved.", nameof(sessions));
        }

        Session[] distinct = sessions.Distinct<Session>(ReferenceEqualityComparer.Instance).ToArray();
        activity?.SetTag("acode.session.count", distinct.Length);
        activity?.SetTag("acode.change.count", distinct.Sum(s => s.PendingChanges.Count));
        if (distinct.All(s => s.PendingChanges.Count == 0))
        {
            return;
        }

        using SessionSaveGuard saving = SessionSaveGuard.Enter(distinct);
        foreach (Session session in distinct)
        {
            RedactPending(session);
        }

        // Nearly every save is based on what is stored: it is written in one round trip and checked under the same locks.
        // Otherwise (a conflict, an event number taken meanwhile) that transaction is rolled back and the save is judged again.
        List<EntityStamp>[] stamps = await TrySaveInOneTripAsync(distinct, cancellationToken).ConfigureAwait(false)
            ?? await SaveCheckedFirstAsync(distinct, cancellationToken).ConfigureAwait(false);

        for (int i = 0; i < distinct.Length; i++)
        {
            distinct[i].AcceptChanges(stamps[i]);
        }
    }

    /// <summary>
    /// The save that reads the stored state before it writes: locks the sessions, row-locks and checks the stored versions
    /// of what it changes, numbers events after the stored log, then writes (three round trips and the commit).
    /// </summary>
    private Task<List<EntityStamp>[]> SaveCheckedFirstAsync(Session[] distinct, CancellationToken cancellationToken)
        => InTransactionAsync(async (connection, transaction) =>
        {
            var writes = new PostgresStoreWrites(_blobThresholdBytes);
            Dictionary<string, (bool Live, long LastSequence)> stored = await LockAndReadSessionsAsync(connection, transaction, distinct, cancellationToken).ConfigureAwait(false);
            var result = new List<EntityStamp>[distinct.Length];
            for (int i = 0; i < distinct.Length; i++)
            {
                result[i] = await StageChangesAsync(connection, transaction, distinct[i], stored, writes, cancellationToken).ConfigureAwait(false);
            }

            await writes.FlushAsync(connection, transaction, Origin, cancellationToken).ConfigureAwait(false);
            return result;
        }, cancellationToken);

    /// <inheritdoc/>
    public Task<bool> DeleteSessionAsync(SessionId id, CancellationToken cancellationToken = default)
        => AcodeActivities.TraceAsync("acode.delete", AcodeActivities.Postgres, async activity =>
        {
            bool deleted = await DeleteSessionCoreAsync(id, cancellationToken).ConfigureAwait(false);
            activity?.SetTag("acode.deleted", deleted);
            return deleted;
        });

    private Task<bool> DeleteSessionCoreAsync(SessionId id, CancellationToken cancellationToken)
        => InTransactionAsync(async (connection, transaction) =>
        {
            await LockSessionsAsync(connection, transaction, [id.Value], cancellationToken).ConfigureAwait(false);
            Dictionary<string, StoredRow> stored = await LockRowsAsync(connection, transaction, EntityType.Session, [id.Value], cancellationToken).ConfigureAwait(false);
            if (!stored.TryGetValue(id.Value, out StoredRow? current) || current.Deleted)
            {
                return false;
            }

            var document = (SessionDocument)StoredDocument.Read(current.Document);
            DateTimeOffset stamp = _clock.Next(new DateTimeOffset(current.Hlc, TimeSpan.Zero));
            var tombstone = new SessionDocument
            {
                Id = document.Id, Title = document.Title, Goal = document.Goal, State = document.State,
                Version = current.Version + 1, CreatedAt = document.CreatedAt, UpdatedAt = UtcTimestamp.Format(stamp),
            };
            foreach ((EntityType _, MirrorTable child) in MirrorTable.Children)
            {
                await ExecuteAsync(connection, transaction, $"DELETE FROM {child.Name} WHERE session_id = $1;", cancellationToken, Text(id.Value)).ConfigureAwait(false);
            }

            var writes = new PostgresStoreWrites(_blobThresholdBytes);
            writes.Add(EntityType.Session, tombstone, stamp, deleted: true);
            await writes.FlushAsync(connection, transaction, Origin, cancellationToken).ConfigureAwait(false);
            return true;
        }, cancellationToken);

    /// <summary>
    /// The append's one statement, run right after the session's advisory lock in the same batch (so its snapshot sees
    /// every event committed before the lock was granted): when the session is stored and live, the event document
    /// <c>$1</c> gets the number after the log's end, is stored as <see cref="MirrorTable.StoreSql"/> stores it, with its
    /// idempotency key <c>$5</c> in <c>sync_applied</c> under the origin <c>$3</c>; returns the number, or no row.
    /// </summary>
    private static readonly string AppendEventSql = $$"""
        WITH u AS (
            SELECT jsonb_set($1::jsonb, '{sequence}', to_jsonb(coalesce((SELECT max(e.sequence) FROM session_events e WHERE e.session_id = $4), 0) + 1)) AS d,
                   $2::bigint AS hlc, $3::text AS origin, false AS deleted
            WHERE EXISTS (SELECT 1 FROM sessions WHERE id = $4 AND deleted_at IS NULL)
        ), stored AS (
            {{MirrorTable.For(EntityType.SessionEvent).StoreFromSql("u")}}
            RETURNING id, sequence
        ), held AS (
            INSERT INTO sync_applied (idempotency_key, entity_type, entity_id, origin, outcome)
            SELECT $5, '{{nameof(EntityType.SessionEvent)}}', stored.id, $3, 'Applied' FROM stored
            ON CONFLICT (idempotency_key, origin) DO NOTHING
        )
        SELECT sequence FROM stored;
        """;

    /// <inheritdoc/>
    /// <remarks>
    /// One round trip and the commit: a batch takes the session's advisory lock (as every writer of its log does) and
    /// then runs <see cref="AppendEventSql"/>, which numbers, stores and keys the event only if the session is live.
    /// </remarks>
    public Task<(EventId Id, long Sequence)?> AppendEventAsync(SessionId sessionId, string type, string payloadJson = "{}", CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(type);
        string payload = Domain.Text.JsonText.Validate(Domain.Text.TextContent.ToWellFormed(payloadJson), nameof(payloadJson));
        string eventType = Domain.Text.TextContent.ToWellFormed(type);
        var redacted = new RedactionCounts();
        if (_redactor.Enabled)
        {
            payload = _redactor.RedactJson(payload, redacted);
            eventType = _redactor.Redact(eventType, redacted);
        }

        return InTransactionAsync<(EventId, long)?>(async (connection, transaction) =>
        {
            EventId id = EventId.New();
            DateTimeOffset stamp = _clock.Next();
            string at = UtcTimestamp.Format(stamp);
            var document = new SessionEventDocument
            {
                Id = id.Value, Version = 1, CreatedAt = at, UpdatedAt = at,
                SessionId = sessionId.Value, Sequence = 0, Type = eventType, Payload = payload, // numbered by the statement
            };
            var batch = new NpgsqlBatch(connection, transaction)
            {
                BatchCommands =
                {
                    LockSessionsCommand([sessionId.Value]),
                    new NpgsqlBatchCommand(AppendEventSql)
                    {
                        Parameters =
                        {
                            new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Jsonb, Value = PostgresText.Sanitize(EntityJson.Serialize(document)) },
                            new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bigint, Value = stamp.UtcTicks },
                            Text(Origin),
                            Text(sessionId.Value),
                            Text(PostgresOutboxApplier.KeyOf(EntityType.SessionEvent, id.Value, stamp.UtcTicks)),
                        },
                    },
                },
            };
            await using var batchScope = batch.ConfigureAwait(false);
            NpgsqlDataReader reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using var readerScope = reader.ConfigureAwait(false);
            await reader.NextResultAsync(cancellationToken).ConfigureAwait(false); // past the advisory lock
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                return null;
            }

            long sequence = reader.GetInt64(0);
            await reader.DisposeAsync().ConfigureAwait(false);
            if (redacted.Total > 0)
            {
                // What was replaced is counted after the event, as the SQLite store does (a second round trip only then).
                await AppendRedactionEventAsync(connection, transaction, sessionId.Value, redacted, cancellationToken).ConfigureAwait(false);
            }

            return (id, sequence);
        }, cancellationToken);
    }

    /// <summary>
    /// Records in <c>sync_applied</c> that the workspace <paramref name="origin"/> holds these exact versions (it pulled
    /// them), so its next change to each is a continuation under <see cref="ConflictRule"/>, not a conflict; and its
    /// outbox delivering the pulled versions themselves back is a duplicate. Idempotent.
    /// </summary>
    internal Task RecordHeldAsync(string origin, IReadOnlyList<(EntityType Type, string Id, long Hlc)> versions, CancellationToken cancellationToken)
        => InTransactionAsync(async (connection, transaction) =>
        {
            await PostgresStoreWrites.RecordHeldAsync(connection, transaction, versions, origin, cancellationToken).ConfigureAwait(false);
            return true;
        }, cancellationToken);

    /// <summary>Checks and stages one session's pending changes; returns their stamps (applied to the objects after the commit).</summary>
    private async Task<List<EntityStamp>> StageChangesAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Session session,
        Dictionary<string, (bool Live, long LastSequence)> storedSessions, PostgresStoreWrites writes, CancellationToken cancellationToken)
    {
        var stamps = new List<EntityStamp>(session.PendingChanges.Count);
        if (session.PendingChanges.Count == 0)
        {
            return stamps;
        }

        // The stored versions of everything this save changes (not inserts), row-locked until the commit, one query per table.
        var stored = new Dictionary<string, StoredRow>(StringComparer.Ordinal);
        foreach (IGrouping<EntityType, Entity> byType in session.PendingChanges.Where(e => !e.IsNew && e is not SessionEvent).GroupBy(e => e.EntityType))
        {
            foreach ((string id, StoredRow row) in await LockRowsAsync(connection, transaction, byType.Key, byType.Select(e => e.EntityId).ToArray(), cancellationToken).ConfigureAwait(false))
            {
                stored[id] = row;
            }
        }

        // Whether the stored session is live and where its log ends, read with the locks (a new session has neither yet).
        (bool sessionLive, long? storedLastSequence) = session.IsNew ? (true, (long?)null)
            : storedSessions.TryGetValue(session.Id.Value, out (bool Live, long LastSequence) held) && held.Live ? (true, held.LastSequence) : (false, null);
        long? lastSequence = null;
        foreach (Entity entity in session.PendingChanges)
        {
            long baseVersion = entity.Version;
            var stamp = new EntityStamp(entity, baseVersion + 1, _clock.Next(entity.UpdatedAt));
            EntityDocument document = EntityDocuments.From(entity, stamp.Version, stamp.UpdatedAt);
            if (entity is Session && entity.IsNew)
            {
                sessionLive = true;
            }
            else if (entity.IsNew || entity is SessionEvent)
            {
                if (!sessionLive)
                {
                    throw ConcurrencyConflictException.SessionDeleted(session.Id.Value, entity.EntityType, entity.EntityId);
                }

                if (document is SessionEventDocument evt)
                {
                    // Events go at the end of the log: a number taken meanwhile (an append, another copy) moves this one and the next.
                    // Another copy of the same session earlier in this SaveAllAsync has staged events not yet written: count them.
                    lastSequence ??= Math.Max(
                        storedLastSequence ?? await LastSequenceAsync(connection, transaction, session.Id.Value, cancellationToken).ConfigureAwait(false),
                        writes.LastStagedSequence(session.Id.Value));
                    long sequence = Math.Max(evt.Sequence, lastSequence.Value + 1);
                    lastSequence = sequence;
                    if (sequence != evt.Sequence)
                    {
                        document = MovedEvent(evt, sequence);
                        stamp = stamp with { EventSequence = sequence };
                    }
                }
            }
            else if (stored.TryGetValue(entity.EntityId, out StoredRow? owned) && !string.Equals(owned.SessionId, session.Id.Value, StringComparison.Ordinal))
            {
                // A row never moves between sessions (docs/architecture.md, "Conflicts"): a copy of another session's child.
                throw ConcurrencyConflictException.OtherSession(session.Id.Value, entity.EntityType, entity.EntityId, owned.SessionId);
            }
            else if (!stored.TryGetValue(entity.EntityId, out StoredRow? row) || row.Deleted || row.Version != baseVersion || row.Hlc != entity.UpdatedAt.UtcTicks)
            {
                // Gone, a tombstone, another version, or the same version number written by another lineage (another hlc).
                throw new ConcurrencyConflictException(entity.EntityType, entity.EntityId, baseVersion, row is { Deleted: false } ? row.Version : null);
            }

            writes.Add(entity.EntityType, document, stamp.UpdatedAt, deleted: false);
            stamps.Add(stamp);
        }

        return stamps;
    }

    private static SessionEventDocument MovedEvent(SessionEventDocument d, long sequence) => new()
    {
        Schema = d.Schema, Id = d.Id, Version = d.Version, CreatedAt = d.CreatedAt, UpdatedAt = d.UpdatedAt,
        SessionId = d.SessionId, Sequence = sequence, Type = d.Type, Payload = d.Payload,
    };

    /// <summary>
    /// <see cref="LockSessionsAsync"/> and, in the same round trip once the locks are held, whether each stored (not new)
    /// session is live and the highest sequence of its log; a session missing from the result is gone.
    /// </summary>
    private static async Task<Dictionary<string, (bool Live, long LastSequence)>> LockAndReadSessionsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Session[] sessions, CancellationToken cancellationToken)
    {
        var batch = new NpgsqlBatch(connection, transaction) { BatchCommands = { LockSessionsCommand(sessions.Select(s => s.Id.Value)) } };
        await using var batchScope = batch.ConfigureAwait(false);
        string[] stored = sessions.Where(s => !s.IsNew).Select(s => s.Id.Value).Distinct(StringComparer.Ordinal).ToArray();
        if (stored.Length > 0)
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand(
                "SELECT s.id, s.deleted_at IS NULL, (SELECT coalesce(max(e.sequence), 0) FROM session_events e WHERE e.session_id = s.id) FROM sessions s WHERE s.id = ANY($1);")
            { Parameters = { TextArray(stored) } });
        }

        var result = new Dictionary<string, (bool Live, long LastSequence)>(StringComparer.Ordinal);
        NpgsqlDataReader reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using var readerScope = reader.ConfigureAwait(false);
        if (stored.Length > 0 && await reader.NextResultAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                result[reader.GetString(0)] = (reader.GetBoolean(1), reader.GetInt64(2));
            }
        }

        return result;
    }

    private static NpgsqlBatchCommand LockSessionsCommand(IEnumerable<string> sessionIds) => new(
        "SELECT pg_advisory_xact_lock($1, h) FROM (SELECT DISTINCT hashtext(i) AS h FROM unnest($2::text[]) AS i ORDER BY 1) AS ordered;")
    {
        Parameters =
        {
            new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Integer, Value = PostgresOutboxApplier.SessionLockClass },
            TextArray(sessionIds.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)),
        },
    };

    /// <summary>Takes the sync's per-session advisory locks (the same keys as <see cref="PostgresOutboxApplier"/>, in the same order).</summary>
    private static async Task LockSessionsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IEnumerable<string> sessionIds, CancellationToken cancellationToken)
    {
        var batch = new NpgsqlBatch(connection, transaction) { BatchCommands = { LockSessionsCommand(sessionIds) } };
        await using var batchScope = batch.ConfigureAwait(false);
        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task<Dictionary<string, StoredRow>> LockRowsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, EntityType type, string[] ids, CancellationToken cancellationToken)
    {
        var command = new NpgsqlCommand(MirrorTable.For(type).LockSql, connection, transaction);
        await using var commandScope = command.ConfigureAwait(false);
        command.Parameters.Add(TextArray(ids));
        var stored = new Dictionary<string, StoredRow>(StringComparer.Ordinal);
        NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using var readerScope = reader.ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            stored[reader.GetString(0)] = new StoredRow(reader.GetInt64(1), reader.GetInt64(2), reader.GetString(3), reader.GetString(4), reader.GetBoolean(5), reader.GetString(6));
        }

        return stored;
    }

    private static async Task<long> LastSequenceAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sessionId, CancellationToken cancellationToken)
        => (long)(await ScalarAsync(connection, transaction, "SELECT coalesce(max(sequence), 0) FROM session_events WHERE session_id = $1;", cancellationToken, Text(sessionId)).ConfigureAwait(false))!;

    /// <summary>Runs <paramref name="work"/> in one transaction and commits it; server outages and refusals become ACODE-DB-006.</summary>
    private Task<T> InTransactionAsync<T>(Func<NpgsqlConnection, NpgsqlTransaction, Task<T>> work, CancellationToken cancellationToken)
        => InTransactionAsync(work, static _ => true, cancellationToken);

    /// <summary>
    /// Runs <paramref name="work"/> in one transaction, commits it when <paramref name="commit"/> says so of the result and
    /// rolls it back otherwise; server outages and refusals become ACODE-DB-006.
    /// </summary>
    private async Task<T> InTransactionAsync<T>(Func<NpgsqlConnection, NpgsqlTransaction, Task<T>> work, Func<T, bool> commit, CancellationToken cancellationToken)
    {
        try
        {
            await EnsureSchemaAsync().ConfigureAwait(false);
            NpgsqlConnection connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var connectionScope = connection.ConfigureAwait(false);
            // Npgsql sends the BEGIN with the transaction's first statement, not in a round trip of its own.
            NpgsqlTransaction transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using var transactionScope = transaction.ConfigureAwait(false);
            T result = await work(connection, transaction).ConfigureAwait(false);
            if (commit(result))
            {
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
            }

            return result;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && PostgresErrorMapper.MapForStore(ex, _redactedTarget, write: true) is { } unavailable)
        {
            throw unavailable;
        }
    }

    /// <summary>Runs a read on one connection (a snapshot per statement); server outages and refusals become ACODE-DB-006.</summary>
    private async Task<T> ReadAsync<T>(Func<NpgsqlConnection, Task<T>> work, CancellationToken cancellationToken)
    {
        try
        {
            await EnsureSchemaAsync().ConfigureAwait(false);
            NpgsqlConnection connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var connectionScope = connection.ConfigureAwait(false);
            return await work(connection).ConfigureAwait(false);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && PostgresErrorMapper.MapForStore(ex, _redactedTarget, write: false) is { } unavailable)
        {
            throw unavailable;
        }
    }

    /// <summary>Runs the migrator once (concurrent callers share the run; a failed run is tried again by the next call).</summary>
    private async Task EnsureSchemaAsync()
    {
        if (_migrator is null)
        {
            return;
        }

        Task schema = _schema ??= _migrator.MigrateAsync(_dataSource, CancellationToken.None);
        try
        {
            await schema.ConfigureAwait(false);
        }
        catch
        {
            _ = Interlocked.CompareExchange(ref _schema, null, schema);
            throw;
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, CancellationToken cancellationToken, params NpgsqlParameter[] parameters)
    {
        var command = new NpgsqlCommand(sql, connection, transaction);
        await using var commandScope = command.ConfigureAwait(false);
        command.Parameters.AddRange(parameters);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task<object?> ScalarAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, CancellationToken cancellationToken, params NpgsqlParameter[] parameters)
    {
        var command = new NpgsqlCommand(sql, connection, transaction);
        await using var commandScope = command.ConfigureAwait(false);
        command.Parameters.AddRange(parameters);
        object? value = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return value is DBNull ? null : value;
    }

    internal static NpgsqlParameter Text(string value) => new() { NpgsqlDbType = NpgsqlDbType.Text, Value = value };

    internal static NpgsqlParameter TextArray(IEnumerable<string> values) => new() { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = values.ToArray() };

    /// <summary>A stored row as read (and row-locked) before a change: its version, exact <c>updated_at</c> ticks, origin, document, tombstone flag, session.</summary>
    private sealed record StoredRow(long Version, long Hlc, string Origin, string Document, bool Deleted, string SessionId);
}
