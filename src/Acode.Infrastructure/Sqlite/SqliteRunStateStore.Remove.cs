using Acode.Application.Serialization;
using Acode.Infrastructure.Retention;
using Microsoft.Data.Sqlite;

namespace Acode.Infrastructure.Sqlite;

/// <summary>Removing whole sessions: by id (<c>acode session delete</c>) and by age (<c>acode db prune</c>, retention).</summary>
public sealed partial class SqliteRunStateStore
{
    /// <summary>Sessions removed per write transaction: bounds how long one prune holds the write lock at a time.</summary>
    private const int RemovalBatchSize = 100;

    /// <summary>Undelivered outbox records name their session; one scan of the status index finds them all.</summary>
    private const string UnsyncedSessionsSql = "SELECT DISTINCT session_id FROM outbox WHERE status IN ('Pending', 'Failed');";

    /// <summary>A session's outbox records, found through the entity index by the ids of the session and its children.</summary>
    private const string DeleteSessionRecordsSql = """
        DELETE FROM outbox
        WHERE entity_id IN (SELECT $id UNION ALL SELECT id FROM session_tasks WHERE session_id = $id
                            UNION ALL SELECT id FROM steps WHERE session_id = $id UNION ALL SELECT id FROM tool_calls WHERE session_id = $id
                            UNION ALL SELECT id FROM artifacts WHERE session_id = $id UNION ALL SELECT id FROM session_events WHERE session_id = $id)
          AND session_id = $id AND (status = 'Processed' OR $all = 1);
        """;

    /// <summary>Sessions last changed (<c>updated_at</c>) before <paramref name="before"/>, in <paramref name="states"/> when any are given, oldest first. Reads only.</summary>
    internal Task<IReadOnlyList<RemovalCandidate>> FindSessionsChangedBeforeAsync(DateTimeOffset before, IReadOnlyCollection<SessionState> states, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(states);
        string[] names = states.Distinct().Select(s => s.ToString()).ToArray();
        string stateClause = names.Length == 0 ? "" : $" AND state IN ({string.Join(", ", names.Select((_, i) => $"$s{i}"))})";
        IReadOnlyList<RemovalCandidate> found = _database.Read((connection, transaction) =>
        {
            HashSet<string> unsynced = ReadUnsynced(connection, transaction);
            using SqliteCommand command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = $"SELECT id, title, state, updated_at FROM sessions WHERE updated_at < $before{stateClause} ORDER BY updated_at, id;";
            command.With("$before", UtcTimestamp.Format(before));
            for (int i = 0; i < names.Length; i++)
            {
                command.With($"$s{i}", names[i]);
            }

            return ReadCandidates(command, unsynced);
        }, cancellationToken);
        return Task.FromResult(found);
    }

    /// <summary>The sessions among <paramref name="ids"/> that exist, in the order given. Reads only.</summary>
    internal Task<IReadOnlyList<RemovalCandidate>> FindSessionsAsync(IReadOnlyCollection<SessionId> ids, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ids);
        IReadOnlyList<RemovalCandidate> found = _database.Read((connection, transaction) =>
        {
            HashSet<string> unsynced = ReadUnsynced(connection, transaction);
            var candidates = new List<RemovalCandidate>();
            foreach (SessionId id in ids.Distinct())
            {
                SqliteCommand command = SqliteWorkspaceDatabase.ReaderCommand(connection, transaction, "SELECT id, title, state, updated_at FROM sessions WHERE id = $id;").With("$id", id.Value);
                candidates.AddRange(ReadCandidates(command, unsynced));
            }

            return (IReadOnlyList<RemovalCandidate>)candidates;
        }, cancellationToken);
        return Task.FromResult(found);
    }

    /// <summary>
    /// Ids of the sessions with a dead-lettered outbox record: a change PostgreSQL refused, which <c>acode db sync</c> does
    /// not send again until <c>acode db sync retry</c> requeues it. Reads only.
    /// </summary>
    internal IReadOnlySet<string> FindDeadLetteredSessionIds(CancellationToken cancellationToken = default)
        => ReadIds("SELECT DISTINCT session_id FROM outbox WHERE status = 'Failed';", sessionId: null, cancellationToken);

    /// <summary>
    /// What the outbox holds for the session: its own row's records (through <c>ix_outbox_entity</c>) and its parts'
    /// undelivered ones (through <c>ix_outbox_status</c>: undelivered records are few). Reads only.
    /// </summary>
    internal Task<SessionOutboxState> ReadSessionOutboxStateAsync(SessionId sessionId, CancellationToken cancellationToken = default)
        => Task.FromResult(_database.Read((connection, transaction) =>
        {
            using SqliteDataReader reader = SqliteWorkspaceDatabase.ReaderCommand(connection, transaction, """
                SELECT EXISTS (SELECT 1 FROM outbox WHERE entity_id = $id AND entity_type = 'Session' AND status = 'Pending'),
                       EXISTS (SELECT 1 FROM outbox WHERE entity_id = $id AND entity_type = 'Session' AND status = 'Failed'),
                       EXISTS (SELECT 1 FROM outbox WHERE status IN ('Pending', 'Failed') AND session_id = $id AND entity_id <> $id),
                       EXISTS (SELECT 1 FROM outbox WHERE entity_id = $id AND entity_type = 'Session' AND status = 'Processed');
                """).With("$id", sessionId.Value).ExecuteReader();
            reader.Read();
            return new SessionOutboxState(reader.GetBoolean(0), reader.GetBoolean(1), reader.GetBoolean(2), reader.GetBoolean(3));
        }, cancellationToken));

    /// <summary>Ids of the sessions with changes not yet delivered to PostgreSQL (pending or dead-lettered outbox records). Reads only.</summary>
    internal Task<IReadOnlyCollection<string>> FindUnsyncedSessionIdsAsync(CancellationToken cancellationToken = default)
        => Task.FromResult<IReadOnlyCollection<string>>(_database.Read(ReadUnsynced, cancellationToken));

    /// <summary>
    /// Removes whole sessions (their tasks, steps, tool calls, artifacts and events) and the outbox records of theirs that were
    /// delivered (and, with <see cref="SessionRemoval.DropUndelivered"/>, those that were not), as <paramref name="how"/> says,
    /// <see cref="RemovalBatchSize"/> sessions per transaction. Every condition of <paramref name="how"/> is checked again
    /// inside the transaction that removes the session, so a session changed meanwhile is never removed by mistake.
    /// </summary>
    /// <param name="ids">The sessions to remove.</param>
    /// <param name="how">Which of them, and what becomes of their outbox records.</param>
    /// <param name="cancellationToken">Cancels the removal: a batch in progress rolls back and <see cref="OperationCanceledException"/> is thrown.</param>
    /// <param name="stop">
    /// Stops the removal between two batches (a command's Ctrl+C or SIGTERM): the batch in progress is finished, and the
    /// result, <see cref="SessionRemovalResult.Stopped"/>, names the sessions removed until then.
    /// </param>
    /// <exception cref="Application.Errors.AcodeDbException">ACODE-DB-001, 002, 005; sessions of earlier batches stay removed.</exception>
    internal async Task<SessionRemovalResult> RemoveSessionsAsync(IReadOnlyList<SessionId> ids, SessionRemoval how, CancellationToken cancellationToken = default, CancellationToken stop = default)
    {
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentNullException.ThrowIfNull(how);
        var removed = new List<string>();
        var skipped = new List<string>();
        var notFound = new List<string>();
        HashSet<string> states = how.States.Select(s => s.ToString()).ToHashSet(StringComparer.Ordinal);
        bool stopped = false;
        foreach (SessionId[] batch in ids.Distinct().Chunk(RemovalBatchSize))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (stop.IsCancellationRequested)
            {
                stopped = true;
                break;
            }

            var outcome = await _database.WriteAsync((transaction, commands) =>
            {
                HashSet<string> unsynced = how.SkipUnsynced ? ReadUnsynced(transaction.Connection!, transaction) : [];
                var done = new List<(string Id, int Outcome)>();
                foreach (SessionId id in batch)
                {
                    done.Add((id.Value, RemoveOne(transaction, commands, id.Value, how, states, unsynced)));
                }

                if (done.Any(d => d.Outcome == 0))
                {
                    SqliteBlobs.Sweep(commands, transaction);
                }

                return done;
            }, cancellationToken).ConfigureAwait(false);
            foreach ((string id, int result) in outcome)
            {
                (result switch { 0 => removed, 1 => skipped, _ => notFound }).Add(id);
            }
        }

        if (removed.Count > 0 && how.RecordDeletion)
        {
            _signal?.Notify();
        }

        foreach (string id in removed)
        {
            Log.SessionDeleted(_logger, id);
        }

        return new SessionRemovalResult(removed, skipped, notFound) { Stopped = stopped };
    }

    /// <returns>0 removed, 1 skipped (unsynced), 2 not found or no longer matching.</returns>
    private int RemoveOne(SqliteTransaction transaction, WriterCommands commands, string id, SessionRemoval how, HashSet<string> states, HashSet<string> unsynced)
    {
        string? updatedAt = null;
        string? state = null;
        using (SqliteDataReader reader = commands.Get("SELECT updated_at, state FROM sessions WHERE id = $id;", transaction).With("$id", id).ExecuteReader())
        {
            if (reader.Read())
            {
                updatedAt = reader.GetString(0);
                state = reader.GetString(1);
            }
        }

        if (updatedAt is null
            || (how.ChangedBefore is { } before && string.CompareOrdinal(updatedAt, UtcTimestamp.Format(before)) >= 0)
            || (states.Count > 0 && !states.Contains(state!)))
        {
            return 2;
        }

        if (unsynced.Contains(id))
        {
            return 1;
        }

        // Before the rows go: the records are found through the ids of the session's children; the removal is
        // remembered while the session is still there (docs/import.md, "A session you removed stays removed").
        commands.Get(DeleteSessionRecordsSql, transaction).With("$id", id).With("$all", how.DropUndelivered ? 1 : 0).ExecuteNonQuery();
        Transcripts.SqliteRemovedImportLog.Remember(commands, transaction, id, how.Reason, _clock.TimeProvider.GetUtcNow());
        if (how.RecordDeletion && !how.KeptInPostgres.Contains(id))
        {
            DeleteWithRecord(transaction, commands, id, how.ChangedBefore, [.. how.States.Select(s => s.ToString())]);
        }
        else
        {
            commands.Get("DELETE FROM sessions WHERE id = $id;", transaction).With("$id", id).ExecuteNonQuery();
        }

        return 0;
    }

    private static HashSet<string> ReadUnsynced(SqliteConnection connection, SqliteTransaction transaction)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = UnsyncedSessionsSql;
        using SqliteDataReader reader = command.ExecuteReader();
        return Ids(reader);
    }

    private static List<RemovalCandidate> ReadCandidates(SqliteCommand command, HashSet<string> unsynced)
    {
        var candidates = new List<RemovalCandidate>();
        using SqliteDataReader reader = command.ExecuteReader();
        while (reader.Read())
        {
            string id = reader.GetString(0);
            candidates.Add(new RemovalCandidate(id, reader.GetString(1), StoredValue.Enum<SessionState>(reader.GetString(2), "sessions.state"), UtcTimestamp.Parse(reader.GetString(3)), unsynced.Contains(id)));
        }

        return candidates;
    }
}
