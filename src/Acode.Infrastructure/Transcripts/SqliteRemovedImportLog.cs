using Acode.Application.Serialization;
using Acode.Application.Transcripts;
using Acode.Infrastructure.Sqlite;
using Microsoft.Data.Sqlite;

namespace Acode.Infrastructure.Transcripts;

/// <summary>
/// <see cref="IRemovedImportLog"/> on the workspace database: the <c>removed_imports</c> table (schema 1.9.0; the removal's
/// time is its <c>updated_at</c>, when it was last removed). The store
/// adds a row in the transaction that removes a session (<see cref="Remember"/>), every session, as PostgreSQL keeps a
/// tombstone of every deleted session: whether a session came from a transcript cannot be told from its rows (a
/// transcript without <c>cwd</c>, version or <c>session_meta</c> leaves no <c>import.source</c> event), and only a
/// transcript's import looks an id up, with the id its transcript gives, so the id of a session that never came from
/// one is never asked for. A session that exists again (pulled, imported from an export) is not reported, whatever the
/// table holds. A removal made before 1.9.0 is found
/// through the session's deletion record while the outbox keeps it (<see cref="FindInOutboxSql"/>).
/// </summary>
internal sealed class SqliteRemovedImportLog : IRemovedImportLog
{
    /// <summary>The removal of a session (any: see the class's remarks). Run before its rows go.</summary>
    private const string RememberSql = """
        INSERT INTO removed_imports (session_id, reason, created_at, updated_at)
        SELECT $id, $reason, $at, $at WHERE EXISTS (SELECT 1 FROM sessions WHERE id = $id)
        ON CONFLICT (session_id) DO UPDATE SET reason = excluded.reason, updated_at = excluded.updated_at;
        """;

    private const string FindSql = """
        SELECT updated_at, reason FROM removed_imports WHERE session_id = $id AND NOT EXISTS (SELECT 1 FROM sessions WHERE id = $id);
        """;

    /// <summary>
    /// The reason of a removal found only as the session's deletion record in the outbox (<see cref="FindInOutboxSql"/>):
    /// the record does not say what deleted it.
    /// </summary>
    public const string OutboxDeletionReason = "deleted";

    /// <summary>
    /// A removal made before the workspace moved to schema 1.9.0, which kept no <c>removed_imports</c> row: the session's
    /// last deletion record (<c>Session</c>, <c>Delete</c>) still in the outbox, found through <c>ix_outbox_entity
    /// (entity_id, hlc)</c>, written before migration 1.9.0 was applied here, when the session is not stored (a later
    /// deletion has its <c>removed_imports</c> row). It is there
    /// while the outbox keeps it: a record not delivered yet for good, a delivered one for the outbox retention
    /// (<c>persistence:sqlite:outboxRetentionDays</c>, 7 days by default).
    /// </summary>
    internal const string FindInOutboxSql = """
        SELECT created_at FROM outbox
        WHERE entity_id = $id AND entity_type = 'Session' AND operation = 'Delete'
          AND created_at < (SELECT applied_at FROM schema_version WHERE version = '1.9.0')
          AND NOT EXISTS (SELECT 1 FROM sessions WHERE id = $id)
        ORDER BY id DESC LIMIT 1;
        """;

    private readonly SqliteWorkspaceDatabase _database;

    /// <param name="database">The workspace database (schema 1.9.0 or later).</param>
    public SqliteRemovedImportLog(SqliteWorkspaceDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        _database = database;
    }

    /// <inheritdoc/>
    public Task<RemovedImport?> FindAsync(SessionId sessionId, CancellationToken cancellationToken = default)
    {
        RemovedImport? found = _database.Read((connection, transaction) =>
        {
            using (SqliteDataReader reader = SqliteWorkspaceDatabase.ReaderCommand(connection, transaction, FindSql).With("$id", sessionId.Value).ExecuteReader())
            {
                if (reader.Read())
                {
                    return new RemovedImport(sessionId.Value, UtcTimestamp.Parse(reader.GetString(0)), reader.GetString(1));
                }
            }

            // Removed before this workspace moved to 1.9.0 (whose migration could not tell which deleted sessions had
            // been imported): the deletion's outbox record, while it is kept.
            using SqliteDataReader record = SqliteWorkspaceDatabase.ReaderCommand(connection, transaction, FindInOutboxSql).With("$id", sessionId.Value).ExecuteReader();
            return record.Read() ? new RemovedImport(sessionId.Value, UtcTimestamp.Parse(record.GetString(0)), OutboxDeletionReason) : null;
        }, cancellationToken);
        return Task.FromResult(found);
    }

    /// <inheritdoc/>
    public Task ForgetAsync(SessionId sessionId, CancellationToken cancellationToken = default)
        => _database.WriteAsync(
            (transaction, commands) => commands.Get("DELETE FROM removed_imports WHERE session_id = $id;", transaction).With("$id", sessionId.Value).ExecuteNonQuery(),
            cancellationToken);

    /// <summary>
    /// In the transaction that removes the session <paramref name="id"/>, before its rows go: remembers its removal,
    /// whatever its events (an imported session need not have an <c>import.source</c> event).
    /// </summary>
    internal static void Remember(WriterCommands commands, SqliteTransaction transaction, string id, string reason, DateTimeOffset at)
        => commands.Get(RememberSql, transaction)
            .With("$id", id).With("$at", UtcTimestamp.Format(at)).With("$reason", reason)
            .ExecuteNonQuery();
}
