using Acode.Application.Errors;
using Acode.Application.Serialization;
using Acode.Infrastructure.Blobs;
using Acode.Infrastructure.Sync;
using Npgsql;

namespace Acode.Infrastructure.PostgresStore;

public sealed partial class PostgresRunStateStore
{
    /// <summary>The live (not tombstoned) session's document and the highest event sequence, in one row.</summary>
    private const string SessionSql = """
        SELECT document::text, (SELECT coalesce(max(sequence), 0) FROM session_events WHERE session_id = $1)
        FROM sessions WHERE id = $1 AND deleted_at IS NULL;
        """;

    /// <summary>
    /// A page of a session's events after a sequence number, in (sequence, id) order: the first <c>$3</c> and every other
    /// event at the last one's sequence number.
    /// </summary>
    private const string EventsPageSql = """
        SELECT document::text FROM session_events
        WHERE session_id = $1 AND sequence > $2
          AND sequence <= coalesce((SELECT sequence FROM session_events WHERE session_id = $1 AND sequence > $2 ORDER BY sequence OFFSET $3 - 1 LIMIT 1), 9223372036854775807)
        ORDER BY sequence, id COLLATE "C";
        """;

    /// <summary>
    /// The blobs the session's children name (docs/storage.md), through the columns that mirror the documents' blob
    /// references, so they are read in the same snapshot and round trip as the documents.
    /// </summary>
    private const string ChildBlobsSql = """
        SELECT hash, codec, raw_length, content FROM blobs WHERE hash IN (
            SELECT arguments_blob FROM tool_calls WHERE session_id = $1 AND arguments_blob IS NOT NULL
            UNION SELECT result_blob FROM tool_calls WHERE session_id = $1 AND result_blob IS NOT NULL
            UNION SELECT content_blob FROM artifacts WHERE session_id = $1 AND content_blob IS NOT NULL);
        """;

    /// <inheritdoc/>
    /// <remarks>
    /// One round trip: the batch opens its own <c>REPEATABLE READ</c> transaction, reads the header, the children and
    /// their blobs in that one snapshot (a concurrent save is seen whole or not at all), and commits it. On an error the
    /// pool rolls the connection's transaction back before anyone else uses it.
    /// </remarks>
    /// <exception cref="AcodeDbException">ACODE-DB-002: a blob of large content the session names is missing or does not
    /// decode (as the SQLite store's); ACODE-DB-006: PostgreSQL is unavailable.</exception>
    public Task<Session?> GetSessionAsync(SessionId id, CancellationToken cancellationToken = default)
        => ReadAsync(connection => LoadReadableAsync(connection, id, cancellationToken), cancellationToken);

    /// <summary>
    /// <see cref="LoadAsync"/>, with a document that holds a value acode never writes (a state none of the states, an id
    /// or time in no form of acode's: changed by hand with psql, or damaged) said as ACODE-DB-002 naming the session,
    /// as the SQLite store says it of its file, never an unexpected error.
    /// </summary>
    private async Task<Session?> LoadReadableAsync(NpgsqlConnection connection, SessionId id, CancellationToken cancellationToken)
    {
        try
        {
            return await LoadAsync(connection, id, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException && ex.GetType().Assembly != typeof(AcodeDbException).Assembly)
        {
            throw AcodeErrors.UnreadablePostgresValue(_redactedTarget, id.Value, ex.Message, ex);
        }
    }

    /// <inheritdoc/>
    /// <remarks>
    /// PostgreSQL may hold two events of a session at one sequence number (each added by another workspace; the sync
    /// keeps both, docs/architecture.md "Event sequence numbers"): they are read in (sequence, id) order, and a page never
    /// ends between them (it holds more than <paramref name="limit"/> events then), so paging by the last sequence read
    /// skips nothing.
    /// </remarks>
    public Task<IReadOnlyList<SessionEvent>> ReadEventsAsync(Session session, long afterSequence = 0, int limit = 1000, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        return ReadAsync<IReadOnlyList<SessionEvent>>(async connection =>
        {
            var events = new List<SessionEvent>();
            await ForEachDocumentAsync(connection, null, EventsPageSql,
                [Text(session.Id.Value), new NpgsqlParameter { Value = afterSequence }, new NpgsqlParameter { Value = limit }],
                d =>
                {
                    var e = (SessionEventDocument)d;
                    events.Add(SessionEvent.Restore(session, EventId.Parse(e.Id), e.Sequence, e.Type, e.Payload, e.Version, UtcTimestamp.Parse(e.CreatedAt), UtcTimestamp.Parse(e.UpdatedAt)));
                }, cancellationToken).ConfigureAwait(false);
            return events;
        }, cancellationToken);
    }

    /// <inheritdoc/>
    /// <exception cref="AcodeDbException">ACODE-DB-006: PostgreSQL is unavailable.</exception>
    public Task<long> CountEventsAsync(SessionId sessionId, CancellationToken cancellationToken = default)
        => ReadAsync(async connection =>
        {
            var command = new NpgsqlCommand("SELECT count(*) FROM session_events WHERE session_id = $1;", connection) { Parameters = { Text(sessionId.Value) } };
            await using (command.ConfigureAwait(false))
            {
                return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
            }
        }, cancellationToken);

    /// <summary>
    /// The session PostgreSQL files each given child row under, for those it holds under a session other than
    /// <paramref name="sessionId"/> (a row never moves between sessions: such a row of a local copy was never applied
    /// under its own session). Keyed by entity id; rows it holds under that session or not at all are left out.
    /// </summary>
    /// <exception cref="AcodeDbException">ACODE-DB-006: PostgreSQL is unavailable.</exception>
    internal Task<IReadOnlyDictionary<string, string>> FiledUnderOtherSessionsAsync(SessionId sessionId, IReadOnlyList<Entity> children, CancellationToken cancellationToken = default)
        => ReadAsync<IReadOnlyDictionary<string, string>>(async connection =>
        {
            var owners = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (IGrouping<EntityType, Entity> byType in children.Where(e => e.EntityType != EntityType.Session).GroupBy(e => e.EntityType))
            {
                var command = new NpgsqlCommand($"SELECT id, session_id FROM {Sync.MirrorTable.For(byType.Key).Name} WHERE id = ANY($1) AND session_id <> $2;", connection)
                {
                    Parameters = { TextArray(byType.Select(e => e.EntityId)), Text(sessionId.Value) },
                };
                await using (command.ConfigureAwait(false))
                {
                    NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                    await using var readerScope = reader.ConfigureAwait(false);
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        owners[reader.GetString(0)] = reader.GetString(1);
                    }
                }
            }

            return owners;
        }, cancellationToken);

    private async Task<Session?> LoadAsync(NpgsqlConnection connection, SessionId id, CancellationToken cancellationToken)
    {
        // The header, the children's result sets in ChildQueries' order, then the blobs, between BEGIN and COMMIT.
        var batch = new NpgsqlBatch(connection) { BatchCommands = { new NpgsqlBatchCommand("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY;") } };
        await using var batchScope = batch.ConfigureAwait(false);
        foreach (string sql in ChildQueries.Prepend(SessionSql).Append(ChildBlobsSql))
        {
            var command = new NpgsqlBatchCommand(sql);
            command.Parameters.Add(Text(id.Value));
            batch.BatchCommands.Add(command);
        }

        batch.BatchCommands.Add(new NpgsqlBatchCommand("COMMIT;"));
        SessionDocument? header = null;
        long lastSequence = 0;
        var children = new List<EntityDocument>();
        var blobs = new Dictionary<string, StoredBlob>(StringComparer.Ordinal);
        NpgsqlDataReader reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            // BEGIN and COMMIT return no rows: the reader's result sets are the SELECTs'.
            if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                header = (SessionDocument)StoredDocument.Read(reader.GetString(0));
                lastSequence = reader.GetInt64(1);
            }

            for (int set = 0; set < ChildQueries.Length; set++)
            {
                await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    children.Add(StoredDocument.Read(reader.GetString(0)));
                }
            }

            await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                StoredBlob blob = PostgresBlobs.ReadStored(reader);
                blobs[blob.Hash] = blob;
            }

            while (await reader.NextResultAsync(cancellationToken).ConfigureAwait(false))
            {
            }
        }

        if (header is null)
        {
            return null;
        }

        Session session = Session.Restore(id, header.Title, header.Goal, StoredValue.Enum<SessionState>(header.State, "sessions.state"), lastSequence, header.Version, UtcTimestamp.Parse(header.CreatedAt), UtcTimestamp.Parse(header.UpdatedAt), _clock.TimeProvider);

        // A document naming a blob its row's column does not (not written by acode) is read back outside the snapshot.
        string[] missing = [.. children.SelectMany(DocumentBlobs.References).Where(hash => !blobs.ContainsKey(hash)).Distinct(StringComparer.Ordinal)];
        if (missing.Length > 0)
        {
            foreach ((string hash, StoredBlob blob) in await PostgresBlobs.ReadAsync(connection, null, missing, cancellationToken).ConfigureAwait(false))
            {
                blobs[hash] = blob;
            }
        }

        // Parents before children, in the SQLite store's order, so both engines give the same object. A child whose parent
        // PostgreSQL does not hold yet is left out, as a record not yet delivered is: the mirror has no foreign keys, and a
        // parent can arrive after its child (its record held back by a sync that failed on it, or applied by a second sync
        // of the same workspace a moment later); the next read that finds the parent has the child too.
        var decoded = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (EntityDocument child in children.Where(c => ParentsRestored(session, c)))
        {
            RestoreChild(session, DocumentBlobs.Resolve(child, hash => Decode(blobs, decoded, id, hash)));
        }

        return session;
    }

    /// <summary>The raw bytes of the blob <paramref name="hash"/> that session <paramref name="id"/> names, decoded once.</summary>
    /// <exception cref="AcodeDbException">ACODE-DB-002: the blob is missing or does not decode.</exception>
    private byte[] Decode(Dictionary<string, StoredBlob> blobs, Dictionary<string, byte[]> decoded, SessionId id, string hash)
    {
        if (decoded.TryGetValue(hash, out byte[]? raw))
        {
            return raw;
        }

        if (!blobs.TryGetValue(hash, out StoredBlob? blob))
        {
            throw AcodeErrors.DamagedPostgresBlob(_redactedTarget, id.Value, hash, "it is missing");
        }

        try
        {
            raw = BlobCodec.Decompress(blob.Codec, blob.Content, blob.RawLength);
        }
        catch (InvalidDataException ex)
        {
            throw AcodeErrors.DamagedPostgresBlob(_redactedTarget, id.Value, hash, $"its {blob.Content.LongLength} stored bytes ({blob.Codec}) do not decode to its {blob.RawLength} bytes", ex);
        }

        decoded[hash] = raw;
        return raw;
    }

    private static readonly string[] ChildQueries =
    [
        "SELECT document::text FROM session_tasks WHERE session_id = $1 ORDER BY ordinal, id COLLATE \"C\";",
        "SELECT document::text FROM steps WHERE session_id = $1 ORDER BY task_id COLLATE \"C\", ordinal, id COLLATE \"C\";",
        "SELECT document::text FROM tool_calls WHERE session_id = $1 ORDER BY id COLLATE \"C\";",
        "SELECT document::text FROM artifacts WHERE session_id = $1 ORDER BY id COLLATE \"C\";",
    ];

    /// <summary>Whether the task, step or tool call <paramref name="document"/> belongs to or names is restored in <paramref name="session"/> already.</summary>
    private static bool ParentsRestored(Session session, EntityDocument document) => document switch
    {
        StepDocument p => session.FindTask(TaskId.Parse(p.TaskId)) is not null,
        ToolCallDocument c => session.FindStep(StepId.Parse(c.StepId)) is not null,
        ArtifactDocument a => (a.StepId is null || session.FindStep(StepId.Parse(a.StepId)) is not null)
                              && (a.ToolCallId is null || session.FindToolCall(ToolCallId.Parse(a.ToolCallId)) is not null),
        _ => true,
    };

    private static void RestoreChild(Session session, EntityDocument document)
    {
        DateTimeOffset created = UtcTimestamp.Parse(document.CreatedAt);
        DateTimeOffset updated = UtcTimestamp.Parse(document.UpdatedAt);
        switch (document)
        {
            case SessionTaskDocument t:
                SessionTask.Restore(session, TaskId.Parse(t.Id), t.Ordinal, t.Title, t.Description, StoredValue.Enum<WorkState>(t.State, "session_tasks.state"), Optional(t.StartedAt), Optional(t.CompletedAt), t.Version, created, updated);
                break;
            case StepDocument p:
                Step.Restore(session, StepId.Parse(p.Id), TaskId.Parse(p.TaskId), p.Ordinal, p.Title, p.Description, StoredValue.Enum<WorkState>(p.State, "steps.state"), Optional(p.StartedAt), Optional(p.CompletedAt), p.Version, created, updated);
                break;
            case ToolCallDocument c:
                ToolCall.Restore(session, ToolCallId.Parse(c.Id), StepId.Parse(c.StepId), c.ToolName, c.Arguments, StoredValue.Enum<ToolCallStatus>(c.Status, "tool_calls.status"), c.Result, c.Error,
                    Optional(c.StartedAt), Optional(c.CompletedAt), c.DurationTicks is { } ticks ? TimeSpan.FromTicks(ticks) : null, c.Version, created, updated);
                break;
            case ArtifactDocument a:
                Artifact.Restore(session, ArtifactId.Parse(a.Id), a.Name, StoredValue.Enum<ArtifactKind>(a.Kind, "artifacts.kind"), a.MediaType, a.Size, a.ContentHash, a.Content,
                    a.StepId is null ? null : StepId.Parse(a.StepId), a.ToolCallId is null ? null : ToolCallId.Parse(a.ToolCallId), a.Version, created, updated);
                break;
            default:
                throw new InvalidOperationException($"Unexpected document {document.GetType().Name} among the children of session {session.Id}.");
        }
    }

    private static DateTimeOffset? Optional(string? text) => text is null ? null : UtcTimestamp.Parse(text);

    private static async Task ForEachDocumentAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, NpgsqlParameter[] parameters, Action<EntityDocument> each, CancellationToken cancellationToken)
    {
        var command = new NpgsqlCommand(sql, connection, transaction);
        await using var commandScope = command.ConfigureAwait(false);
        command.Parameters.AddRange(parameters);
        NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using var readerScope = reader.ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            each(StoredDocument.Read(reader.GetString(0)));
        }
    }
}
