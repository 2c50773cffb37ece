using Acode.Application;
using Acode.Application.Errors;
using Acode.Application.Outbox;
using Acode.Application.Serialization;
using Acode.Application.Sync;
using Acode.Domain.Time;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using EventId = Acode.Domain.Ids.EventId;

namespace Acode.Infrastructure.Sqlite;

/// <summary>
/// <see cref="IRunStateStore"/> on the workspace SQLite database. Each save is one <c>BEGIN IMMEDIATE</c>
/// transaction holding the changed rows and one outbox record per change (AC-005, §6); stamps come from a
/// <see cref="HybridClock"/>, so <c>updated_at</c> strictly increases per entity and idempotency keys never repeat.
/// </summary>
public sealed partial class SqliteRunStateStore : IRunStateStore
{
    private readonly SqliteWorkspaceDatabase _database;
    private readonly HybridClock _clock;
    private readonly ILogger _logger;
    private readonly OutboxSignal? _signal;
    private readonly AcodeMetrics? _metrics;

    /// <param name="database">The opened, migrated workspace database.</param>
    /// <param name="clock">The clock stamping changes; share it with the sync service of the same process.</param>
    /// <param name="signal">Woken after every commit so a sync worker delivers the change without polling.</param>
    /// <param name="metrics">Where save counts and latencies are recorded.</param>
    public SqliteRunStateStore(SqliteWorkspaceDatabase database, HybridClock? clock = null, OutboxSignal? signal = null, AcodeMetrics? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        _database = database;
        _clock = clock ?? new HybridClock(database.Time);
        _signal = signal;
        _metrics = metrics;
        _logger = database.LoggerFactory.CreateLogger<SqliteRunStateStore>();

        // Stamps sort after every timestamp this workspace has seen in PostgreSQL (a slow clock must not lose later writes).
        _clock.Observe(new DateTimeOffset(database.GetSyncState().HlcFloorTicks, TimeSpan.Zero));
    }

    private string Origin => _database.WorkspaceId!;

    public async Task<Session> CreateSessionAsync(string title, string? goal = null, CancellationToken cancellationToken = default)
    {
        Session session = Session.Create(title, goal, _clock.TimeProvider);
        await SaveAsync(session, cancellationToken).ConfigureAwait(false);
        return session;
    }

    public Task SaveAsync(Session session, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        return SaveAllAsync([session], cancellationToken);
    }

    public async Task SaveAllAsync(IReadOnlyCollection<Session> sessions, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sessions);
        if (sessions.All(s => s.PendingChanges.Count == 0))
        {
            return;
        }

        long started = _clock.TimeProvider.GetTimestamp();
        List<EntityStamp>[] stamps = await _database.WriteAsync((transaction, commands) =>
            sessions.Select(s => WriteChanges(transaction, commands, s)).ToArray(), cancellationToken).ConfigureAwait(false);

        _signal?.Notify();
        _metrics?.RecordSave(_clock.TimeProvider.GetElapsedTime(started));
        int i = 0;
        foreach (Session session in sessions)
        {
            session.AcceptChanges(stamps[i++]);
            Log.Saved(_logger, stamps[i - 1].Count, session.Id.Value);
        }
    }

    public async Task<bool> DeleteSessionAsync(SessionId id, CancellationToken cancellationToken = default)
    {
        bool deleted = await _database.WriteAsync((transaction, commands) => DeleteWithRecord(transaction, commands, id.Value), cancellationToken).ConfigureAwait(false);
        if (deleted)
        {
            _signal?.Notify();
            Log.SessionDeleted(_logger, id.Value);
        }

        return deleted;
    }

    public async Task<(EventId Id, long Sequence)?> AppendEventAsync(SessionId sessionId, string type, string payloadJson = "{}", CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(type);
        string payload = Domain.Text.JsonText.Validate(Domain.Text.TextContent.ToWellFormed(payloadJson), nameof(payloadJson));
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
                SessionId = sessionId.Value, Sequence = sequence, Type = Domain.Text.TextContent.ToWellFormed(type), Payload = payload,
            };
            EntityRows rows = EntityRows.For(document);
            commands.Get(rows.InsertSql, transaction).WithColumns(rows.Columns, rows.ValuesOf(document)).ExecuteNonQuery();
            var entry = new OutboxEntry(EntityType.SessionEvent, id.Value, sessionId.Value, OutboxOperation.Upsert, 0, 1, stamp, EntityJson.Serialize(document));
            SqliteOutbox.Append(commands, transaction, entry, Origin, _clock.TimeProvider.GetUtcNow());
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
        foreach (Entity entity in session.PendingChanges)
        {
            long baseVersion = entity.Version;
            var stamp = new EntityStamp(entity, baseVersion + 1, _clock.Next(entity.UpdatedAt));
            EntityDocument document = EntityDocuments.From(entity, stamp.Version, stamp.UpdatedAt);
            EntityRows rows = EntityRows.For(document);
            if (entity is SessionEvent appendedEvent)
            {
                InsertEvent(commands, transaction, rows, document, appendedEvent);
            }
            else if (entity.IsNew)
            {
                commands.Get(rows.InsertSql, transaction).WithColumns(rows.Columns, rows.ValuesOf(document)).ExecuteNonQuery();
            }
            else if (commands.Get(rows.UpdateSql, transaction).WithColumns(rows.Columns, rows.ValuesOf(document)).With("$base_version", baseVersion).ExecuteNonQuery() != 1)
            {
                throw new ConcurrencyConflictException(entity.EntityType, entity.EntityId, baseVersion);
            }

            var entry = new OutboxEntry(entity.EntityType, entity.EntityId, session.Id.Value, OutboxOperation.Upsert, baseVersion, stamp.Version, stamp.UpdatedAt, EntityJson.Serialize(document));
            SqliteOutbox.Append(commands, transaction, entry, Origin, now);
            stamps.Add(stamp);
        }

        return stamps;
    }

    /// <summary>
    /// Inserts an event; its sequence number is already taken when this session object was loaded before another
    /// writer appended (AppendEventAsync or another process): that is a concurrency conflict, not a bug.
    /// </summary>
    private static void InsertEvent(WriterCommands commands, SqliteTransaction transaction, EntityRows rows, EntityDocument document, SessionEvent evt)
    {
        try
        {
            commands.Get(rows.InsertSql, transaction).WithColumns(rows.Columns, rows.ValuesOf(document)).ExecuteNonQuery();
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode == 19 && ex.Message.Contains("session_events.session_id, session_events.sequence", StringComparison.Ordinal))
        {
            throw new ConcurrencyConflictException(EntityType.Session, evt.SessionId.Value, evt.Sequence - 1);
        }
    }

    /// <summary>
    /// Deletes a session's rows (its children go by cascade) and appends its deletion to the outbox, in the caller's
    /// transaction: the tombstone carries the session's last fields at version + 1, so PostgreSQL keeps it as a tombstone.
    /// </summary>
    /// <returns>False when no session has that id.</returns>
    private bool DeleteWithRecord(SqliteTransaction transaction, WriterCommands commands, string id)
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
        var entry = new OutboxEntry(EntityType.Session, id, id, OutboxOperation.Delete, current.Version, tombstone.Version, stamp, EntityJson.Serialize(tombstone));
        SqliteOutbox.Append(commands, transaction, entry, Origin, _clock.TimeProvider.GetUtcNow());
        return true;
    }

    private static SessionDocument ReadSessionDocument(SqliteDataReader r) => new()
    {
        Id = r.GetString(0), Title = r.GetString(1), Goal = r.IsDBNull(2) ? null : r.GetString(2), State = r.GetString(3),
        Version = r.GetInt64(4), CreatedAt = r.GetString(5), UpdatedAt = r.GetString(6),
    };
}
