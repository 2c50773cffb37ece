using Acode.Application.Errors;
using Acode.Application.Serialization;
using Microsoft.Data.Sqlite;

namespace Acode.Infrastructure.Sqlite;

public sealed partial class SqliteRunStateStore
{
    /// <inheritdoc/>
    public Task<Session?> GetSessionAsync(SessionId id, CancellationToken cancellationToken = default)
        => Task.FromResult(_database.Read((connection, transaction) => LoadSession(connection, transaction, id), cancellationToken));

    /// <inheritdoc/>
    public Task<IReadOnlyList<SessionEvent>> ReadEventsAsync(Session session, long afterSequence = 0, int limit = 1000, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        IReadOnlyList<SessionEvent> events = _database.Read((connection, transaction) =>
        {
            SqliteCommand command = Command(connection, transaction, """
                SELECT id, sequence, type, payload, version, created_at, updated_at FROM session_events
                WHERE session_id = $id AND sequence > $after ORDER BY sequence LIMIT $limit;
                """).With("$id", session.Id.Value).With("$after", afterSequence).With("$limit", limit);
            using SqliteDataReader r = command.ExecuteReader();
            var list = new List<SessionEvent>();
            while (r.Read())
            {
                list.Add(SessionEvent.Restore(session, EventId.Parse(r.GetString(0)), r.GetInt64(1), r.GetString(2), r.GetString(3), r.GetInt64(4), Ts(r, 5), Ts(r, 6)));
            }

            return list;
        }, cancellationToken);
        return Task.FromResult(events);
    }

    /// <inheritdoc/>
    /// <remarks>A range count of the (session_id, sequence) unique index.</remarks>
    public Task<long> CountEventsAsync(SessionId sessionId, CancellationToken cancellationToken = default)
        => Task.FromResult(_database.Read(
            (connection, transaction) => (long)Command(connection, transaction, "SELECT count(*) FROM session_events WHERE session_id = $id;").With("$id", sessionId.Value).ExecuteScalar()!,
            cancellationToken));

    private Session? LoadSession(SqliteConnection connection, SqliteTransaction transaction, SessionId id)
    {
        Session session;
        SqliteCommand header = Command(connection, transaction, """
            SELECT title, goal, state, version, created_at, updated_at,
                   (SELECT ifnull(max(sequence), 0) FROM session_events WHERE session_id = $id)
            FROM sessions WHERE id = $id;
            """).With("$id", id.Value);
        using (SqliteDataReader r = header.ExecuteReader())
        {
            if (!r.Read())
            {
                return null;
            }

            session = Session.Restore(id, r.GetString(0), Text(r, 1), StoredValue.Enum<SessionState>(r.GetString(2), "sessions.state"), r.GetInt64(6), r.GetInt64(3), Ts(r, 4), Ts(r, 5), _clock.TimeProvider);
        }

        ForEachRow(connection, transaction, "SELECT id, ordinal, title, description, state, started_at, completed_at, version, created_at, updated_at FROM session_tasks WHERE session_id = $id ORDER BY ordinal, id;", id, r =>
            SessionTask.Restore(session, TaskId.Parse(r.GetString(0)), r.GetInt32(1), r.GetString(2), Text(r, 3), StoredValue.Enum<WorkState>(r.GetString(4), "session_tasks.state"), OptionalTs(r, 5), OptionalTs(r, 6), r.GetInt64(7), Ts(r, 8), Ts(r, 9)));
        ForEachRow(connection, transaction, "SELECT id, task_id, ordinal, title, description, state, started_at, completed_at, version, created_at, updated_at FROM steps WHERE session_id = $id ORDER BY task_id, ordinal, id;", id, r =>
            Step.Restore(session, StepId.Parse(r.GetString(0)), TaskId.Parse(r.GetString(1)), r.GetInt32(2), r.GetString(3), Text(r, 4), StoredValue.Enum<WorkState>(r.GetString(5), "steps.state"), OptionalTs(r, 6), OptionalTs(r, 7), r.GetInt64(8), Ts(r, 9), Ts(r, 10)));
        ForEachRow(connection, transaction, "SELECT id, step_id, tool_name, arguments, status, result, error, started_at, completed_at, duration_ticks, version, created_at, updated_at, arguments_blob, result_blob FROM tool_calls WHERE session_id = $id ORDER BY id;", id, r =>
            ToolCall.Restore(session, ToolCallId.Parse(r.GetString(0)), StepId.Parse(r.GetString(1)), r.GetString(2), BlobText(connection, transaction, r, 13) ?? r.GetString(3), StoredValue.Enum<ToolCallStatus>(r.GetString(4), "tool_calls.status"),
                BlobText(connection, transaction, r, 14) ?? Text(r, 5), Text(r, 6), OptionalTs(r, 7), OptionalTs(r, 8), r.IsDBNull(9) ? null : TimeSpan.FromTicks(r.GetInt64(9)), r.GetInt64(10), Ts(r, 11), Ts(r, 12)));
        ForEachRow(connection, transaction, "SELECT id, step_id, tool_call_id, name, kind, media_type, size, content_hash, content, version, created_at, updated_at, content_blob FROM artifacts WHERE session_id = $id ORDER BY id;", id, r =>
            Artifact.Restore(session, ArtifactId.Parse(r.GetString(0)), r.GetString(3), StoredValue.Enum<ArtifactKind>(r.GetString(4), "artifacts.kind"), r.GetString(5), r.GetInt64(6), r.GetString(7),
                BlobBytes(connection, transaction, r, 12) ?? (r.IsDBNull(8) ? null : (byte[])r.GetValue(8)), r.IsDBNull(1) ? null : StepId.Parse(r.GetString(1)), r.IsDBNull(2) ? null : ToolCallId.Parse(r.GetString(2)), r.GetInt64(9), Ts(r, 10), Ts(r, 11)));
        return session;
    }

    private static void ForEachRow(SqliteConnection connection, SqliteTransaction transaction, string sql, SessionId id, Action<SqliteDataReader> restore)
    {
        SqliteCommand command = Command(connection, transaction, sql).With("$id", id.Value);
        using SqliteDataReader reader = command.ExecuteReader();
        while (reader.Read())
        {
            restore(reader);
        }
    }

    /// <summary>The reader connection's prepared command for <paramref name="sql"/> (reused across reads; not to be disposed).</summary>
    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction transaction, string sql)
        => SqliteWorkspaceDatabase.ReaderCommand(connection, transaction, sql);

    /// <summary>The whole content of the blob named in column <paramref name="ordinal"/> (docs/storage.md); null when the column is null.</summary>
    /// <exception cref="AcodeDbException">ACODE-DB-002: the blob is missing or does not decode.</exception>
    private static byte[]? BlobBytes(SqliteConnection connection, SqliteTransaction transaction, SqliteDataReader reader, int ordinal)
    {
        if (reader.IsDBNull(ordinal))
        {
            return null;
        }

        string hash = reader.GetString(ordinal);
        try
        {
            return SqliteBlobs.Read(connection, transaction, hash) ?? throw AcodeErrors.DamagedBlob(connection.DataSource, hash, "it is missing");
        }
        catch (InvalidDataException ex)
        {
            throw AcodeErrors.DamagedBlob(connection.DataSource, hash, ex.Message, ex);
        }
    }

    private static string? BlobText(SqliteConnection connection, SqliteTransaction transaction, SqliteDataReader reader, int ordinal)
        => BlobBytes(connection, transaction, reader, ordinal) is { } raw ? System.Text.Encoding.UTF8.GetString(raw) : null;

    private static string? Text(SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private static DateTimeOffset Ts(SqliteDataReader reader, int ordinal) => UtcTimestamp.Parse(reader.GetString(ordinal));

    private static DateTimeOffset? OptionalTs(SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : UtcTimestamp.Parse(reader.GetString(ordinal));
}
