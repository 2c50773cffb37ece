using Acode.Application;
using Acode.Application.Outbox;
using Acode.Application.Redaction;
using Acode.Application.Serialization;
using Microsoft.Data.Sqlite;

namespace Acode.Infrastructure.Sqlite;

public sealed partial class SqliteRunStateStore
{
    // Through ix_outbox_status: the undelivered records are few, the delivered ones kept for retention many.
    private const string UndeliveredSql = "SELECT DISTINCT entity_id FROM outbox WHERE status IN ('Pending', 'Failed') AND session_id = $session_id;";

    /// <summary>
    /// <c>acode session pull</c> copying a session from PostgreSQL: <see cref="ImportAsync"/> (same ids, versions, stamps;
    /// rows stored at that version or newer left alone), except that a version taken from PostgreSQL gets no outbox record
    /// (it is PostgreSQL's already: delivering it back would only come back as a duplicate, and a reader role could never
    /// deliver it). Only a row replaced while a change of it waits undelivered in the outbox gets one, based on that
    /// change: the pulled version supersedes it and must reach PostgreSQL after it (docs/architecture.md, "Pull converges
    /// on PostgreSQL").
    /// </summary>
    internal Task<ImportResult> ImportPulledAsync(Session session, IReadOnlyList<SessionEvent> events, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(events);
        return ImportCoreAsync(session, events, cancellationToken, pulled: true);
    }

    /// <summary>
    /// <c>acode session pull</c> converging on PostgreSQL (docs/architecture.md, "Pull converges on PostgreSQL"): replaces
    /// each stored row of <paramref name="versions"/> (versions read from PostgreSQL, rows this workspace holds at another
    /// version or stamp) with PostgreSQL's version, whatever the version numbers say, unless this workspace has an
    /// undelivered change of that entity (a pending or dead-lettered outbox record: that change is still to be judged by
    /// the sync, which keeps the documented behaviour). Writes no outbox record: the version is PostgreSQL's already. An
    /// event keeps its place in the local log. Rows that are not stored, or belong to another session, are left alone.
    /// </summary>
    /// <returns>The versions written (those skipped for an undelivered change are not among them).</returns>
    internal Task<IReadOnlyList<Entity>> AdoptRemoteAsync(SessionId sessionId, IReadOnlyList<Entity> versions, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(versions);
        if (versions.Count == 0)
        {
            return Task.FromResult<IReadOnlyList<Entity>>([]);
        }

        return _database.WriteAsync<IReadOnlyList<Entity>>((transaction, commands) =>
        {
            HashSet<string> undelivered = Undelivered(commands, transaction, sessionId.Value);
            var redacted = new RedactionCounts();
            var written = new List<Entity>();
            DateTimeOffset now = _clock.TimeProvider.GetUtcNow();
            foreach (Entity entity in versions.Where(e => !undelivered.Contains(e.EntityId)))
            {
                EntityRedaction.Redact(Redactor, entity, redacted);
                EntityDocument document = StoredForm(commands, transaction, EntityDocuments.From(entity));
                EntityRows rows = EntityRows.For(document);
                if (commands.Get(rows.ReplaceSql, transaction).WithColumns(rows.Columns, rows.ValuesOf(document)).ExecuteNonQuery() == 1)
                {
                    _clock.Observe(entity.UpdatedAt);
                    if (entity is not SessionEvent)
                    {
                        PulledVersions.Mark(commands, transaction, sessionId.Value, entity.EntityId, entity.UpdatedAt, now);
                    }

                    written.Add(entity);
                }
            }

            if (redacted.Total > 0)
            {
                CountPulledRedaction(commands, transaction, sessionId.Value, redacted);
            }

            return written;
        }, cancellationToken);
    }

    /// <summary>
    /// Whether this workspace deleted the session and the deletion waits in the outbox (pending or dead-lettered, not yet
    /// delivered): <c>acode session pull</c> does not take such a session back (<see cref="PostgresStore.DeletionPendingException"/>).
    /// Through <c>ix_outbox_entity</c>.
    /// </summary>
    internal Task<bool> DeletionWaitsAsync(SessionId sessionId, CancellationToken cancellationToken = default)
        => Task.FromResult(_database.Read((connection, transaction) => SqliteWorkspaceDatabase.ReaderCommand(connection, transaction,
                "SELECT EXISTS (SELECT 1 FROM outbox WHERE entity_id = $id AND entity_type = 'Session' AND operation = 'Delete' AND status IN ('Pending', 'Failed'));")
            .With("$id", sessionId.Value).ExecuteScalar() is long found && found != 0, cancellationToken));

    /// <summary>The ids of the session's entities with a dead-lettered outbox record (a change PostgreSQL refused, which <c>acode db sync</c> does not send again).</summary>
    internal Task<IReadOnlySet<string>> DeadLetteredAsync(SessionId sessionId, CancellationToken cancellationToken = default)
        => Task.FromResult(ReadIds("SELECT DISTINCT entity_id FROM outbox WHERE status = 'Failed' AND session_id = $session_id;", sessionId, cancellationToken));

    /// <summary>The ids of the session's entities with a pending or dead-lettered outbox record (a change not yet delivered).</summary>
    internal Task<IReadOnlySet<string>> UndeliveredAsync(SessionId sessionId, CancellationToken cancellationToken = default)
        => Task.FromResult(ReadIds(UndeliveredSql, sessionId, cancellationToken));

    /// <summary>The ids of the session's entities with a pending or dead-lettered outbox record (a change not yet delivered).</summary>
    private static HashSet<string> Undelivered(WriterCommands commands, SqliteTransaction transaction, string sessionId)
    {
        using SqliteDataReader reader = commands.Get(UndeliveredSql, transaction).With("$session_id", sessionId).ExecuteReader();
        return Ids(reader);
    }

    /// <summary>The ids <paramref name="sql"/> selects (its first column), in a read; <c>$session_id</c> bound to <paramref name="sessionId"/> when given.</summary>
    private IReadOnlySet<string> ReadIds(string sql, SessionId? sessionId, CancellationToken cancellationToken)
        => _database.Read<IReadOnlySet<string>>((connection, transaction) =>
        {
            SqliteCommand command = SqliteWorkspaceDatabase.ReaderCommand(connection, transaction, sql);
            if (sessionId is { } id)
            {
                command.With("$session_id", id.Value);
            }

            using SqliteDataReader reader = command.ExecuteReader();
            return Ids(reader);
        }, cancellationToken);

    private static HashSet<string> Ids(SqliteDataReader reader)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        while (reader.Read())
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }
}
