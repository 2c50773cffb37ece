using Acode.Application.Errors;
using Acode.Application.Outbox;
using System.Text.Json.Nodes;
using Acode.Application.Serialization;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;

namespace Acode.Infrastructure.Sync;

/// <summary>
/// Applies a batch of outbox records to PostgreSQL in one transaction, set-based, in a handful of round trips per batch
/// whatever its size (docs/architecture.md, "The sync engine"):
/// <list type="number">
/// <item>the batch travels once, by binary <c>COPY</c> into a temporary staging table (<c>acode_sync_staging</c>,
/// created once per connection, emptied at each commit): every later statement reads it from there;</item>
/// <item>insert the idempotency keys into <c>sync_applied</c>; the keys already there are duplicates (AC-045, AC-046);</item>
/// <item>take a transaction-scoped advisory lock per touched session (in id order), so appliers of one session run one
/// after the other (a child is never inserted next to a concurrent deletion of its session), and read and row-lock the
/// stored versions of the touched entities, all in one round trip; then look up which stored versions each writer held
/// (it delivered them);</item>
/// <item>per entity, <see cref="ConflictRule"/> decides: applied, stale (already covered), or a conflict that the
/// change won or lost; both versions of every conflict go to <c>sync_conflicts</c> (AC-048, AC-049, AC-052);</item>
/// <item>merge the winners from the staging table with <c>ON CONFLICT … WHERE (deleted, hlc, origin) &gt; …</c>, one
/// statement per entity type sent together; a deletion removes the session's children, auditing those the deleting
/// workspace did not hold.</item>
/// </list>
/// Because the outcome depends only on a total order of versions, every order of arrival converges to the same rows.
/// The connection of a batch that committed is kept for the next one (its staging table with it) until
/// <see cref="ReleaseConnection"/>; a batch that fails drops its connection.
/// </summary>
internal sealed partial class PostgresOutboxApplier : IDisposable
{
    /// <summary>First key of the two-int advisory locks that serialize appliers per session ("acod" in ASCII).</summary>
    internal const int SessionLockClass = 0x61636F64;

    private const string StagingTable = "acode_sync_staging";

    /// <summary>The property of an event's document holding its sequence number (<c>session_events.sequence</c>, <see cref="MirrorTable"/>).</summary>
    private const string EventSequenceProperty = "sequence";

    private const string CreateStagingSql = $"""
        CREATE TEMP TABLE IF NOT EXISTS {StagingTable} (
            n integer NOT NULL, idempotency_key text NOT NULL, entity_type text NOT NULL, entity_id text NOT NULL,
            origin text NOT NULL, hlc bigint NOT NULL, deleted boolean NOT NULL, d jsonb NOT NULL) ON COMMIT DELETE ROWS;
        """;

    private const string CopySql = $"COPY {StagingTable} (n, idempotency_key, entity_type, entity_id, origin, hlc, deleted, d) FROM STDIN (FORMAT BINARY)";

    // Only the exceptions come back: keys already delivered by the same workspace (duplicates, with the outcome recorded
    // at their first delivery) and new keys another workspace delivered too. A batch of fresh changes returns no row. The staging table has no statistics: the lookup
    // in sync_applied is a per-row index probe (LIMIT keeps it a subplan), never a join the planner could turn into a
    // scan of the whole table.
    private const string InsertKeysSql = $"""
        WITH inserted AS (
            INSERT INTO sync_applied (idempotency_key, entity_type, entity_id, origin, outcome)
            SELECT idempotency_key, entity_type, entity_id, origin, 'Applied' FROM {StagingTable}
            ON CONFLICT (idempotency_key, origin) DO NOTHING
            RETURNING idempotency_key, origin)
        SELECT n, fresh, elsewhere,
               CASE WHEN NOT fresh THEN (SELECT s.outcome FROM sync_applied s WHERE s.idempotency_key = judged.idempotency_key AND s.origin = judged.origin) END AS first_outcome
        FROM (
            SELECT u.n, u.idempotency_key, u.origin,
                   (u.idempotency_key, u.origin) IN (SELECT idempotency_key, origin FROM inserted) AS fresh,
                   coalesce((SELECT true FROM sync_applied s WHERE s.idempotency_key = u.idempotency_key AND s.origin <> u.origin LIMIT 1), false) AS elsewhere
            FROM {StagingTable} u) AS judged
        WHERE NOT fresh OR elsewhere;
        """;

    private readonly NpgsqlDataSource _dataSource;
    private readonly ILogger _logger;
    private NpgsqlConnection? _held;
    private readonly PostgresBlobUploader? _blobs;
    private readonly Version? _schemaLatest;

    // blobs: sends the blobs a batch names before its rows (docs/storage.md); null when the records name none.
    // schemaLatest: the newest PostgreSQL schema this program knows (PostgresMigrator.Latest); each batch then checks, under
    // the migrations' lock taken shared, that no newer acode migrated since (GuardSchemaAsync); null: no check.
    public PostgresOutboxApplier(NpgsqlDataSource dataSource, ILogger logger, PostgresBlobUploader? blobs = null, Version? schemaLatest = null)
    {
        _dataSource = dataSource;
        _logger = logger;
        _blobs = blobs;
        _schemaLatest = schemaLatest;
    }

    /// <summary>Gives the connection kept between batches back to the pool (at the end of a sync run).</summary>
    public void ReleaseConnection() => Interlocked.Exchange(ref _held, null)?.Dispose();

    public void Dispose() => ReleaseConnection();

    /// <summary>Applies <paramref name="records"/> (distinct <see cref="OutboxRecord.Id"/>s, in outbox order) in one transaction.</summary>
    /// <param name="records">The records, distinct ids, in outbox order.</param>
    /// <param name="cancellationToken">Stops the batch (rolled back).</param>
    /// <returns>An outcome per record id, the newest stored stamp seen, the records that met a conflict.</returns>
    public async Task<BatchApplyResult> ApplyAsync(IReadOnlyList<OutboxRecord> records, CancellationToken cancellationToken)
    {
        NpgsqlConnection connection = Interlocked.Exchange(ref _held, null) ?? await OpenAsync(cancellationToken).ConfigureAwait(false);
        BatchApplyResult result;
        try
        {
            result = await ApplyAsync(connection, records, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // Whatever failed (a record, the connection, a cancellation) leaves nothing behind for the next batch.
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        if (Interlocked.CompareExchange(ref _held, connection, null) is not null)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }

        return result;
    }

    private async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        NpgsqlConnection connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var command = new NpgsqlCommand(CreateStagingSql, connection);
            await using (command.ConfigureAwait(false))
            {
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Before the batch writes anything: takes the advisory lock acode's migrations hold (<see cref="Migrations.PostgresMigrator.AdvisoryLockKey"/>)
    /// shared for this transaction, so a migration by another acode waits for the batch to end or the batch for the
    /// migration, and then reads the schema's versions (a statement of its own, whose snapshot is taken after the wait).
    /// The run checked them before its first batch; this closes the window in which a newer acode migrates between that
    /// check and a batch, which would otherwise be written by a program that does not know the new schema. The same lock,
    /// held exclusively by a read of the changes lost since (<see cref="LostSinceReader"/>), makes that read wait for the
    /// batches in flight, so the conflicts they record are not missed by it.
    /// </summary>
    /// <exception cref="AcodeDbException">ACODE-DB-004 (<see cref="AcodeErrors.SchemaTooNew"/>): a version newer than <c>schemaLatest</c> is recorded; the batch is rolled back.</exception>
    private async Task GuardSchemaAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        if (_schemaLatest is null)
        {
            return;
        }

        var batch = new NpgsqlBatch(connection, transaction);
        await using var batchScope = batch.ConfigureAwait(false);
        var share = new NpgsqlBatchCommand("SELECT pg_advisory_xact_lock_shared($1);");
        share.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bigint, Value = Migrations.PostgresMigrator.AdvisoryLockKey });
        batch.BatchCommands.Add(share);
        batch.BatchCommands.Add(new NpgsqlBatchCommand("SELECT version FROM schema_version;"));
        Version? newest = null;
        NpgsqlDataReader reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                if (Version.TryParse(reader.GetString(0), out Version? version) && (newest is null || version > newest))
                {
                    newest = version;
                }
            }
        }

        if (newest is not null && newest > _schemaLatest)
        {
            throw AcodeErrors.SchemaTooNew(newest.ToString(3), _schemaLatest.ToString(3), "PostgreSQL database");
        }
    }

    private async Task<BatchApplyResult> ApplyAsync(NpgsqlConnection connection, IReadOnlyList<OutboxRecord> records, CancellationToken cancellationToken)
    {
        NpgsqlTransaction transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var transactionScope = transaction.ConfigureAwait(false);
        await GuardSchemaAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
        long[] hlcs = records.Select(HlcOf).ToArray();

        // The blobs the records name, uploaded in this transaction before the batch is staged and merged (each once per
        // PostgreSQL: the uploader sends only those the server lacks; docs/storage.md).
        if (_blobs is not null)
        {
            await _blobs.UploadAsync(connection, transaction, records, cancellationToken).ConfigureAwait(false);
        }

        await StageAsync(connection, records, hlcs, cancellationToken).ConfigureAwait(false);
        var outcomes = new Dictionary<long, ApplyOutcome>(records.Count);
        (bool[] fresh, bool[] seenElsewhere, bool[] wasApplied) = await InsertKeysAsync(connection, transaction, records.Count, cancellationToken).ConfigureAwait(false);
        for (int n = 0; n < records.Count; n++)
        {
            if (!fresh[n])
            {
                outcomes[records[n].Id] = ApplyOutcome.Duplicate;
            }
        }

        var index = new Dictionary<OutboxRecord, int>(records.Count, ReferenceEqualityComparer.Instance);
        for (int n = 0; n < records.Count; n++)
        {
            index[records[n]] = n;
        }

        // The stored rows of the children delivered again are read with those of the new changes: a duplicate whose row is
        // gone, or under another session, is judged again (RejudgeDuplicatesNotThere).
        bool[] rejudged = new bool[records.Count];
        List<IGrouping<EntityType, OutboxRecord>> read = records.Where((r, n) => fresh[n] || (r.EntityType != EntityType.Session && r.Operation == OutboxOperation.Upsert))
            .GroupBy(r => r.EntityType).ToList();
        (Dictionary<string, StoredVersion> sessions, Dictionary<EntityType, Dictionary<string, StoredVersion>> storedByType) = await LockAsync(
            connection, transaction, records.Select(r => r.SessionId).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray(),
            read.Where(t => t.Key != EntityType.Session).Select(t => (t.Key, t.Select(r => r.EntityId).Distinct(StringComparer.Ordinal).ToArray())).ToList(),
            cancellationToken).ConfigureAwait(false);
        RejudgeDuplicatesNotThere(records, fresh, rejudged, sessions, storedByType, outcomes);
        List<OutboxRecord> news = records.Where((_, n) => fresh[n]).ToList();

        // Children first, sessions last: a session's deletion then also removes children applied in this same batch. The
        // sessions of the duplicates are read too: a duplicate of a session deleted since is not "there already".
        List<IGrouping<EntityType, OutboxRecord>> types = news.GroupBy(r => r.EntityType).OrderBy(g => g.Key == EntityType.Session ? 1 : 0).ToList();
        JudgeDuplicatesOfDeletedSessions(records, wasApplied, sessions, outcomes);

        // What each writer held: the stored version of the entity it changes; under a deleted session, the deleter each change.
        var asked = new List<(string Key, string Origin)>();
        foreach (IGrouping<EntityType, OutboxRecord> byType in types)
        {
            Dictionary<string, StoredVersion> stored = byType.Key == EntityType.Session ? sessions : storedByType[byType.Key];
            foreach (IGrouping<string, OutboxRecord> all in byType.GroupBy(r => r.EntityId))
            {
                OutboxRecord any = all.First();
                if (byType.Key != EntityType.Session && sessions.TryGetValue(any.SessionId, out StoredVersion? session) && session.Deleted)
                {
                    asked.AddRange(all.Select(r => (r.IdempotencyKey, session.Origin)));
                }
                else if (stored.TryGetValue(all.Key, out StoredVersion? current))
                {
                    asked.Add((KeyOf(byType.Key, all.Key, current.Hlc), any.OriginWorkspaceId));
                }
            }
        }

        HashSet<string> held = await HeldAsync(connection, transaction, asked, cancellationToken).ConfigureAwait(false);
        var conflicts = new List<ConflictRow>();
        var upserts = new List<(MirrorTable Table, int[] Rows)>();
        var chains = new Dictionary<int, List<OutboxRecord>>();
        var deletes = new List<OutboxRecord>();
        var prunedOver = new List<int>();
        long maxRemoteHlc = 0;
        foreach (IGrouping<EntityType, OutboxRecord> byType in types)
        {
            Dictionary<string, StoredVersion> stored = byType.Key == EntityType.Session ? sessions : storedByType[byType.Key];
            var winners = new List<int>();
            foreach (IGrouping<string, OutboxRecord> all in byType.GroupBy(r => r.EntityId))
            {
                stored.TryGetValue(all.Key, out StoredVersion? current);
                maxRemoteHlc = Math.Max(maxRemoteHlc, current?.Hlc ?? 0);
                OutboxRecord any = all.First();
                if (byType.Key != EntityType.Session && sessions.TryGetValue(any.SessionId, out StoredVersion? tombstone) && tombstone.Deleted)
                {
                    foreach (OutboxRecord record in all)
                    {
                        outcomes[record.Id] = ConflictRule.JudgeUnderDeletedSession(held.Contains(FreshKey(record.IdempotencyKey, tombstone.Origin)));
                        if (outcomes[record.Id] == ApplyOutcome.ConflictLost)
                        {
                            conflicts.Add(ConflictRow.Of(record, record.BaseVersion, tombstone, incomingWins: false));
                        }
                    }

                    continue;
                }

                // A chain in version order, whatever order the records came in: the newest change is the one judged and
                // applied. (Outbox ids give one entity's changes in order only as long as nobody renumbered or replayed them.)
                var changes = new List<OutboxRecord>();
                foreach (OutboxRecord record in all.OrderBy(r => r.Version).ThenBy(HlcOf))
                {
                    if (ConflictRule.IsReplay(Incoming(record, record.BaseVersion, seenElsewhere[index[record]]), current?.State))
                    {
                        outcomes[record.Id] = ApplyOutcome.Stale;
                    }
                    else
                    {
                        changes.Add(record);
                    }
                }

                if (changes.Count == 0)
                {
                    continue;
                }

                OutboxRecord first = changes[0];
                OutboxRecord last = changes[^1];
                IncomingChange incoming = Incoming(last, first.BaseVersion, false) with
                {
                    BaseHlc = first.BaseChangedAt?.UtcTicks,
                    WriterHeldStored = current is not null && (held.Contains(FreshKey(KeyOf(byType.Key, all.Key, current.Hlc), last.OriginWorkspaceId))
                        || ConflictRule.CoveredByPrune(current.Hlc, PrunedBefore(last))),
                    ContainsStored = current is not null && changes.LastOrDefault(r => r.Version == current.Version) is { } atStored
                        && HlcOf(atStored) == current.Hlc && SameDocument(byType.Key, current.Document, atStored.Payload),
                    OutsidePrunedStates = current is not null && OutsidePrunedStates(last, current.SessionState),
                };
                ApplyOutcome outcome = ConflictRule.Judge(incoming, current?.State);
                if (outcome == ApplyOutcome.Applied && byType.Key == EntityType.Session && PrunedBefore(last) > 0 && current is { Deleted: false }
                    && !ConflictRule.Continues(incoming, current.State))
                {
                    prunedOver.Add(index[last]);
                }

                foreach (OutboxRecord record in changes)
                {
                    // Every change of a chain that lost is a lost change: each is audited, not only the newest.
                    outcomes[record.Id] = outcome == ApplyOutcome.ConflictLost ? outcome : record == last ? outcome : ApplyOutcome.Superseded;
                }

                if (outcome is ApplyOutcome.ConflictWon)
                {
                    conflicts.Add(ConflictRow.Of(last, first.BaseVersion, current!, incomingWins: true));
                }
                else if (outcome is ApplyOutcome.ConflictLost)
                {
                    conflicts.AddRange(changes.Select(r => ConflictRow.Of(r, r.BaseVersion, current!, incomingWins: false)));
                }

                if (outcome is ApplyOutcome.Applied or ApplyOutcome.ConflictWon)
                {
                    winners.Add(index[last]);
                    chains[index[last]] = changes;
                    if (last.Operation == OutboxOperation.Delete)
                    {
                        deletes.Add(last);
                    }
                }
            }

            if (winners.Count > 0)
            {
                upserts.Add((MirrorTable.For(byType.Key), winners.ToArray()));
            }
        }

        await TombstoneStoredAsync(connection, transaction, prunedOver, cancellationToken).ConfigureAwait(false);
        List<HashSet<string>> written = await MergeAsync(connection, transaction, upserts, cancellationToken).ConfigureAwait(false);
        for (int t = 0; t < upserts.Count; t++)
        {
            (MirrorTable table, int[] rows) = upserts[t];
            int[] missed = rows.Where(n => !written[t].Contains(records[n].EntityId)).ToArray();
            if (missed.Length > 0)
            {
                await LostToConcurrentAsync(connection, transaction, table, missed.Select(n => chains[n]).ToList(), outcomes, conflicts, deletes, cancellationToken).ConfigureAwait(false);
            }
        }

        conflicts.AddRange(await DeleteSessionsAsync(connection, transaction, deletes, cancellationToken).ConfigureAwait(false));
        HashSet<string> deletedNow = JudgeDuplicatesOfSessionsDeletedNow(records, wasApplied, deletes, outcomes);
        deletedNow.UnionWith(JudgeChangesRemovedByDeletion(records, deletes, outcomes));
        await ApplyFreedByDeletionAsync(connection, transaction, records, deletes, sessions, storedByType, outcomes, conflicts, rejudged, cancellationToken).ConfigureAwait(false);
        foreach (ConflictRow conflict in conflicts)
        {
            Log.Conflict(_logger, conflict.EntityType.ToString(), conflict.EntityId, conflict.Incoming.OriginWorkspaceId, conflict.Existing.Origin, conflict.IncomingWins ? "incoming" : "existing");
        }

        // A key already in sync_applied for its origin keeps the outcome recorded at its first delivery.
        // A duplicate judged again has its key recorded with its first outcome: the new one replaces it, whatever it is.
        List<OutboxRecord> notPlain = records.Where((r, n) => rejudged[n] || (fresh[n] && outcomes[r.Id] is not ApplyOutcome.Applied)).ToList();
        await RecordAsync(connection, transaction, conflicts, notPlain, outcomes, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        if (_logger.IsEnabled(LogLevel.Debug))
        {
            foreach (OutboxRecord record in records)
            {
                if (outcomes[record.Id] == ApplyOutcome.Duplicate)
                {
                    Log.Duplicate(_logger, record.IdempotencyKey);
                }
                else
                {
                    Log.Applied(_logger, record.IdempotencyKey, outcomes[record.Id].ToString());
                }
            }
        }

        return new BatchApplyResult(outcomes, maxRemoteHlc, conflicts.Select(c => c.Incoming).Distinct().ToList())
        {
            DeletedSessionIds = sessions.Where(s => s.Value.Deleted).Select(s => s.Key).Concat(deletedNow).ToHashSet(StringComparer.Ordinal),
            OwnedByOtherSession = conflicts
                .Where(c => !c.IncomingWins && outcomes.GetValueOrDefault(c.Incoming.Id) == ApplyOutcome.ConflictLost
                    && !string.Equals(c.Existing.SessionId, c.Incoming.SessionId, StringComparison.Ordinal))
                .GroupBy(c => c.Incoming.Id)
                .ToDictionary(g => g.Key, g => g.First().Existing.SessionId),
        };
    }

    /// <summary>
    /// A change of a session's child that this batch applied (or superseded by one it applied) while it also applies that
    /// session's deletion is removed at once by it (<see cref="DeleteSessionsAsync"/> removes every child, those of this
    /// batch too): PostgreSQL holds none of it, so it counts as not applied because of the deletion (<see
    /// cref="ApplyOutcome.Stale"/> under a deleted session), not as applied. That is the case of the rows of a session
    /// imported again after <c>session delete</c> (<c>import … --include-removed</c>, <c>session import</c> of an export)
    /// delivered with the deletion, and of a session created and deleted between two syncs.
    /// </summary>
    /// <returns>The sessions whose deletion removed such changes (for <see cref="BatchApplyResult.DeletedSessionIds"/>).</returns>
    private static HashSet<string> JudgeChangesRemovedByDeletion(IReadOnlyList<OutboxRecord> records, List<OutboxRecord> deletes, Dictionary<long, ApplyOutcome> outcomes)
    {
        HashSet<string> deleted = deletes
            .Where(d => d.EntityType == EntityType.Session && outcomes.GetValueOrDefault(d.Id) is ApplyOutcome.Applied or ApplyOutcome.ConflictWon)
            .Select(d => d.SessionId).ToHashSet(StringComparer.Ordinal);
        var found = new HashSet<string>(StringComparer.Ordinal);
        foreach (OutboxRecord record in records)
        {
            if (record.EntityType != EntityType.Session && deleted.Contains(record.SessionId)
                && outcomes[record.Id] is ApplyOutcome.Applied or ApplyOutcome.Superseded)
            {
                outcomes[record.Id] = ApplyOutcome.Stale;
                found.Add(record.SessionId);
            }
        }

        return found;
    }

    /// <summary>
    /// Like <see cref="JudgeDuplicatesOfDeletedSessions"/>, for a session whose deletion this batch applies (delivered for
    /// the first time): a change of it applied at its first delivery and delivered again alongside the deletion (rows
    /// imported or pulled again after <c>session delete</c>, before the deletion was synced), older than the deletion, is
    /// removed by it, so it counts as not applied because of the deletion (<see cref="ApplyOutcome.Stale"/> under a
    /// deleted session), not as a duplicate; the session's own row counts as superseded by its deletion. Nothing is applied
    /// either way.
    /// </summary>
    /// <returns>The sessions whose deletion had such changes (for <see cref="BatchApplyResult.DeletedSessionIds"/>).</returns>
    private static HashSet<string> JudgeDuplicatesOfSessionsDeletedNow(IReadOnlyList<OutboxRecord> records, bool[] wasApplied, List<OutboxRecord> deletes, Dictionary<long, ApplyOutcome> outcomes)
    {
        var found = new HashSet<string>(StringComparer.Ordinal);
        if (deletes.Count == 0)
        {
            return found;
        }

        var deletedAt = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (OutboxRecord deletion in deletes.Where(d => d.EntityType == EntityType.Session && outcomes.GetValueOrDefault(d.Id) is ApplyOutcome.Applied or ApplyOutcome.ConflictWon))
        {
            deletedAt[deletion.SessionId] = HlcOf(deletion);
        }

        for (int n = 0; n < records.Count; n++)
        {
            OutboxRecord record = records[n];
            if (wasApplied[n] && outcomes[record.Id] == ApplyOutcome.Duplicate && record.Operation != OutboxOperation.Delete
                && deletedAt.TryGetValue(record.SessionId, out long deletion) && HlcOf(record) < deletion)
            {
                // The session's own row is an older version of the deletion's entity: carried on by it, as in a chain.
                if (record.EntityType == EntityType.Session)
                {
                    outcomes[record.Id] = ApplyOutcome.Superseded;
                    continue;
                }

                outcomes[record.Id] = ApplyOutcome.Stale;
                found.Add(record.SessionId);
            }
        }

        return found;
    }

    /// <summary>
    /// Changes to children of a live session whose row PostgreSQL filed under a session this batch deletes: lost to that
    /// row (a row never moves between sessions), or duplicates of a first delivery that left it there. The deletion
    /// removed the row, so nothing holds it any more: the newest change of each such row is applied after the deletion
    /// (<see cref="ApplyOutcome.Applied"/>, the older ones <see cref="ApplyOutcome.Superseded"/>), and their conflicts are
    /// no longer recorded. Trial AB: deleting the session that held a partial transcript copy's rows and importing that
    /// copy again, synced together, left its rows under no session. A row another session's applier wrote meanwhile keeps
    /// its session, and the change stays lost.
    /// </summary>
    private static async Task ApplyFreedByDeletionAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<OutboxRecord> records, List<OutboxRecord> deletes,
        Dictionary<string, StoredVersion> sessions, Dictionary<EntityType, Dictionary<string, StoredVersion>> storedByType, Dictionary<long, ApplyOutcome> outcomes,
        List<ConflictRow> conflicts, bool[] rejudged, CancellationToken cancellationToken)
    {
        HashSet<string> deleted = deletes.Where(d => d.EntityType == EntityType.Session).Select(d => d.SessionId).ToHashSet(StringComparer.Ordinal);
        if (deleted.Count == 0)
        {
            return;
        }

        var freed = new List<int>();
        for (int n = 0; n < records.Count; n++)
        {
            OutboxRecord record = records[n];
            if (IsChildOfLiveSession(record, sessions) && !deleted.Contains(record.SessionId)
                && outcomes.GetValueOrDefault(record.Id) is ApplyOutcome.ConflictLost or ApplyOutcome.Duplicate
                && storedByType.TryGetValue(record.EntityType, out Dictionary<string, StoredVersion>? stored) && stored.TryGetValue(record.EntityId, out StoredVersion? row)
                && deleted.Contains(row.SessionId))
            {
                freed.Add(n);
            }
        }

        if (freed.Count == 0)
        {
            return;
        }

        var upserts = new List<(MirrorTable Table, int[] Rows)>();
        var chains = new Dictionary<int, List<int>>();
        foreach (IGrouping<EntityType, int> byType in freed.GroupBy(n => records[n].EntityType))
        {
            var newest = new List<int>();
            foreach (IGrouping<string, int> chain in byType.GroupBy(n => records[n].EntityId))
            {
                List<int> ordered = [.. chain.OrderBy(n => records[n].Version).ThenBy(n => HlcOf(records[n]))];
                newest.Add(ordered[^1]);
                chains[ordered[^1]] = ordered;
            }

            upserts.Add((MirrorTable.For(byType.Key), newest.ToArray()));
        }

        List<HashSet<string>> written = await MergeAsync(connection, transaction, upserts, cancellationToken).ConfigureAwait(false);
        for (int t = 0; t < upserts.Count; t++)
        {
            foreach (int last in upserts[t].Rows.Where(n => written[t].Contains(records[n].EntityId)))
            {
                foreach (int n in chains[last])
                {
                    outcomes[records[n].Id] = n == last ? ApplyOutcome.Applied : ApplyOutcome.Superseded;
                    rejudged[n] = true;
                    conflicts.RemoveAll(c => ReferenceEquals(c.Incoming, records[n]) && !c.IncomingWins);
                }
            }
        }
    }

    /// <summary>Whether the record writes a child (task, step, tool call, artifact, event) of a session PostgreSQL does not hold deleted.</summary>
    private static bool IsChildOfLiveSession(OutboxRecord record, Dictionary<string, StoredVersion> sessions)
        => record.EntityType != EntityType.Session && record.Operation == OutboxOperation.Upsert
            && !(sessions.TryGetValue(record.SessionId, out StoredVersion? session) && session.Deleted);

    /// <summary>
    /// A change to a task, step, tool call, artifact or event delivered again (its key is in <c>sync_applied</c>) whose row
    /// PostgreSQL holds under no session, or under another session than the change's, while the change's own session is
    /// not deleted there, is not "there already": it is judged again as a new change (<paramref name="fresh"/> and
    /// <paramref name="rejudged"/> set, its duplicate outcome dropped). Its first delivery left the row under another
    /// session (applied there, or lost to that session's row: a row never moves between sessions), which may have been
    /// deleted since, taking the row with it, or another session's copy holds it now. Judged again, the change is applied
    /// when nothing holds the row, and otherwise lost to the session that holds it, audited and reported as such. Trials
    /// AB and AC: two or three copies of one transcript imported as sessions of their own; once the session holding the
    /// shared rows was deleted, the others' rows counted as duplicates on every delivery and reached PostgreSQL under no
    /// session, or under a third one without a word.
    /// </summary>
    private static void RejudgeDuplicatesNotThere(IReadOnlyList<OutboxRecord> records, bool[] fresh, bool[] rejudged, Dictionary<string, StoredVersion> sessions,
        Dictionary<EntityType, Dictionary<string, StoredVersion>> storedByType, Dictionary<long, ApplyOutcome> outcomes)
    {
        for (int n = 0; n < records.Count; n++)
        {
            OutboxRecord record = records[n];
            if (!fresh[n] && IsChildOfLiveSession(record, sessions)
                && !(storedByType[record.EntityType].TryGetValue(record.EntityId, out StoredVersion? row) && string.Equals(row.SessionId, record.SessionId, StringComparison.Ordinal)))
            {
                fresh[n] = rejudged[n] = true;
                outcomes.Remove(record.Id);
            }
        }
    }

    /// <summary>
    /// A change applied at its first delivery (its key is in <c>sync_applied</c>) whose session PostgreSQL now holds
    /// deleted, by a deletion newer than the change, is no longer there: the deletion removed it. Delivered again (an old
    /// export imported into the workspace that deleted the session team-wide, or a transcript import with removed
    /// sessions), it is counted as not applied because of the deletion (<see cref="ApplyOutcome.Stale"/> under a deleted
    /// session), not as a duplicate; nothing is applied either way. So is one whose first delivery found it there already
    /// (another workspace had delivered the same change: that workspace imported or pulled it too). A change whose first
    /// delivery was not applied (stale, lost) stays a duplicate, and so does a batch that carries the session's deletion
    /// itself (a redelivery of what was applied, then deleted).
    /// </summary>
    private static void JudgeDuplicatesOfDeletedSessions(IReadOnlyList<OutboxRecord> records, bool[] wasApplied, Dictionary<string, StoredVersion> sessions, Dictionary<long, ApplyOutcome> outcomes)
    {
        var deletedHere = records.Where(r => r.EntityType == EntityType.Session && r.Operation == OutboxOperation.Delete)
            .Select(r => r.SessionId).ToHashSet(StringComparer.Ordinal);
        for (int n = 0; n < records.Count; n++)
        {
            OutboxRecord record = records[n];
            if (wasApplied[n] && !deletedHere.Contains(record.SessionId) && sessions.TryGetValue(record.SessionId, out StoredVersion? tombstone)
                && tombstone.Deleted && HlcOf(record) < tombstone.Hlc)
            {
                outcomes[record.Id] = ApplyOutcome.Stale;
            }
        }
    }

    /// <summary>
    /// Sends the batch once, by binary COPY into the staging table: row <c>n</c> is <c>records[n]</c>. The payloads are
    /// streamed through the connection's write buffer, never gathered into one parameter.
    /// </summary>
    private static async Task StageAsync(NpgsqlConnection connection, IReadOnlyList<OutboxRecord> records, long[] hlcs, CancellationToken cancellationToken)
    {
        NpgsqlBinaryImporter copy = await connection.BeginBinaryImportAsync(CopySql, cancellationToken).ConfigureAwait(false);
        await using var copyScope = copy.ConfigureAwait(false);
        for (int n = 0; n < records.Count; n++)
        {
            OutboxRecord record = records[n];
            await copy.StartRowAsync(cancellationToken).ConfigureAwait(false);
            await copy.WriteAsync(n, NpgsqlDbType.Integer, cancellationToken).ConfigureAwait(false);
            await copy.WriteAsync(record.IdempotencyKey, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
            await copy.WriteAsync(record.EntityType.ToString(), NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
            await copy.WriteAsync(record.EntityId, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
            await copy.WriteAsync(record.OriginWorkspaceId, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
            await copy.WriteAsync(hlcs[n], NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
            await copy.WriteAsync(record.Operation == OutboxOperation.Delete, NpgsqlDbType.Boolean, cancellationToken).ConfigureAwait(false);
            await copy.WriteAsync(PostgresText.Sanitize(record.Payload), NpgsqlDbType.Jsonb, cancellationToken).ConfigureAwait(false);
        }

        await copy.CompleteAsync(cancellationToken).ConfigureAwait(false);
    }

    private static IncomingChange Incoming(OutboxRecord record, long baseVersion, bool deliveredByOthers)
        => new(baseVersion, record.Version, HlcOf(record), record.OriginWorkspaceId, record.Operation == OutboxOperation.Delete, DeliveredByOthers: deliveredByOthers, SessionId: record.SessionId,
            PrunedBefore: record.PrunedBefore?.UtcTicks);

    /// <summary>The cutoff (UTC ticks) of the <c>db prune --remote</c> that wrote <paramref name="record"/>, a deletion; 0 for every other record.</summary>
    private static long PrunedBefore(OutboxRecord record) => record.Operation == OutboxOperation.Delete ? record.PrunedBefore?.UtcTicks ?? 0 : 0;

    /// <summary>Whether <paramref name="record"/> is a prune's deletion that takes only some states, and the stored session's state (<paramref name="storedState"/>) is none of them.</summary>
    private static bool OutsidePrunedStates(OutboxRecord record, string? storedState)
        => record is { Operation: OutboxOperation.Delete, EntityType: EntityType.Session, PrunedStates.Count: > 0 }
            && !record.PrunedStates.Contains(storedState, StringComparer.Ordinal);

    /// <summary>
    /// A <c>db prune --remote</c> deletion applied over a live version its chain does not continue (the pruning copy was
    /// behind PostgreSQL, or another copy's lineage, or its own changes in this batch were not based on that version):
    /// the prune removes PostgreSQL's version, so the tombstone the merge writes is that version's document, numbered one
    /// past it and stamped with the deletion (<c>updatedAt</c>), as the prune's own step writes it
    /// (<see cref="RemoteSessionPruner"/>), not the deleting copy's document. Rewrites the staged rows <paramref name="rows"/>.
    /// </summary>
    private static async Task TombstoneStoredAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, List<int> rows, CancellationToken cancellationToken)
    {
        if (rows.Count == 0)
        {
            return;
        }

        var command = new NpgsqlCommand($"""
            UPDATE {StagingTable} u SET d = s.document || jsonb_build_object('version', s.version + 1, 'updatedAt', u.d->'updatedAt')
            FROM sessions s WHERE u.n = ANY($1) AND s.id = u.entity_id;
            """, connection, transaction);
        await using var commandScope = command.ConfigureAwait(false);
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer, Value = rows.ToArray() });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The idempotency key of the stored version of an entity: <c>Type:id:updated_at</c>.</summary>
    internal static string KeyOf(EntityType type, string id, long hlc) => IdempotencyKey.For(type, id, new DateTimeOffset(hlc, TimeSpan.Zero));

    /// <summary>The exact <c>updated_at</c> of the change, in UTC ticks (its hlc).</summary>
    internal static long HlcOf(OutboxRecord record) => record.ChangedAt.UtcTicks;

    private static string FreshKey(string key, string origin) => key + "\n" + origin;

    /// <summary>
    /// Whether the incoming document is the stored change itself. An event's sequence number is left out: it only orders
    /// the event in its log, and an import places an event whose number another event of the session holds at the next
    /// free one (docs/architecture.md, "Event sequence numbers"), so the same event, delivered again from a workspace
    /// that imported or pulled it, can carry another number than the one PostgreSQL keeps.
    /// </summary>
    private static bool SameDocument(EntityType type, string stored, string incoming)
    {
        JsonNode? storedNode = JsonNode.Parse(stored);
        JsonNode? incomingNode = JsonNode.Parse(PostgresText.Sanitize(incoming));
        if (type == EntityType.SessionEvent && storedNode is JsonObject storedEvent && incomingNode is JsonObject incomingEvent)
        {
            storedEvent.Remove(EventSequenceProperty);
            incomingEvent.Remove(EventSequenceProperty);
        }

        return JsonNode.DeepEquals(storedNode, incomingNode);
    }

    /// <summary>
    /// Inserts the staged keys; returns, per row, whether it is new for its origin, whether PostgreSQL already received
    /// it from another workspace (the same change, delivered again by a workspace that imported it), and for a duplicate
    /// whether its first delivery put it into PostgreSQL or found it there (applied, won, superseded by a version applied
    /// with it, or the very change another workspace had delivered: a duplicate at its first delivery too).
    /// </summary>
    private static async Task<(bool[] Fresh, bool[] SeenElsewhere, bool[] WasApplied)> InsertKeysAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, int count, CancellationToken cancellationToken)
    {
        bool[] fresh = new bool[count], seenElsewhere = new bool[count], wasApplied = new bool[count];
        Array.Fill(fresh, true);
        var command = new NpgsqlCommand(InsertKeysSql, connection, transaction);
        await using var commandScope = command.ConfigureAwait(false);
        NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using var readerScope = reader.ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            int n = reader.GetInt32(0);
            fresh[n] = reader.GetBoolean(1);
            seenElsewhere[n] = fresh[n] && reader.GetBoolean(2);
            wasApplied[n] = !fresh[n] && !reader.IsDBNull(3)
                && reader.GetString(3) is nameof(ApplyOutcome.Applied) or nameof(ApplyOutcome.ConflictWon) or nameof(ApplyOutcome.Superseded) or nameof(ApplyOutcome.Duplicate);
        }

        return (fresh, seenElsewhere, wasApplied);
    }

    /// <summary>
    /// In one round trip: takes the per-session advisory locks (in id order, so two appliers never wait on each other in a
    /// cycle), reads and row-locks the stored sessions, then the stored children of each type. The advisory locks are held
    /// to the commit: a deletion and a child of the same session are never applied side by side.
    /// </summary>
    private static async Task<(Dictionary<string, StoredVersion> Sessions, Dictionary<EntityType, Dictionary<string, StoredVersion>> Children)> LockAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string[] sessionIds, List<(EntityType Type, string[] Ids)> children, CancellationToken cancellationToken)
    {
        var sessions = new Dictionary<string, StoredVersion>(StringComparer.Ordinal);
        var stored = children.ToDictionary(c => c.Type, _ => new Dictionary<string, StoredVersion>(StringComparer.Ordinal));
        if (sessionIds.Length == 0)
        {
            return (sessions, stored);
        }

        var batch = new NpgsqlBatch(connection, transaction);
        await using var batchScope = batch.ConfigureAwait(false);
        var advisory = new NpgsqlBatchCommand(
            "SELECT pg_advisory_xact_lock($1, h) FROM (SELECT DISTINCT hashtext(i) AS h FROM unnest($2::text[]) AS i ORDER BY 1) AS ordered;");
        advisory.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Integer, Value = SessionLockClass });
        advisory.Parameters.Add(TextArray(sessionIds));
        batch.BatchCommands.Add(advisory);
        var reads = new List<Dictionary<string, StoredVersion>> { sessions };
        batch.BatchCommands.Add(LockCommand(MirrorTable.For(EntityType.Session), sessionIds));
        foreach ((EntityType type, string[] ids) in children)
        {
            batch.BatchCommands.Add(LockCommand(MirrorTable.For(type), ids));
            reads.Add(stored[type]);
        }

        NpgsqlDataReader reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using var readerScope = reader.ConfigureAwait(false);
        foreach (Dictionary<string, StoredVersion> into in reads)
        {
            // The first result is the advisory locks' (one row per session): skipped.
            await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                into[reader.GetString(0)] = StoredVersion.Read(reader);
            }
        }

        return (sessions, stored);
    }

    private static NpgsqlBatchCommand LockCommand(MirrorTable table, string[] ids)
    {
        var command = new NpgsqlBatchCommand(table.LockSql);
        command.Parameters.Add(TextArray(ids));
        return command;
    }

    /// <summary>Which of the (idempotency key, origin) pairs are in <c>sync_applied</c>: that workspace delivered that exact change.</summary>
    private static async Task<HashSet<string>> HeldAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, List<(string Key, string Origin)> pairs, CancellationToken cancellationToken)
    {
        var held = new HashSet<string>(StringComparer.Ordinal);
        if (pairs.Count == 0)
        {
            return held;
        }

        var command = new NpgsqlCommand("""
            SELECT s.idempotency_key, s.origin FROM sync_applied s
            JOIN unnest($1::text[], $2::text[]) AS u(k, o) ON s.idempotency_key = u.k AND s.origin = u.o;
            """, connection, transaction);
        await using var commandScope = command.ConfigureAwait(false);
        command.Parameters.Add(TextArray(pairs.Select(p => p.Key)));
        command.Parameters.Add(TextArray(pairs.Select(p => p.Origin)));
        NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using var readerScope = reader.ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            held.Add(FreshKey(reader.GetString(0), reader.GetString(1)));
        }

        return held;
    }

    private static async Task<Dictionary<string, StoredVersion>> LockRowsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, MirrorTable table, string[] ids, CancellationToken cancellationToken)
    {
        var command = new NpgsqlCommand(table.LockSql, connection, transaction);
        await using var commandScope = command.ConfigureAwait(false);
        command.Parameters.Add(TextArray(ids));
        var stored = new Dictionary<string, StoredVersion>(StringComparer.Ordinal);
        NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using var readerScope = reader.ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            stored[reader.GetString(0)] = StoredVersion.Read(reader);
        }

        return stored;
    }

    /// <summary>
    /// Merges the winning rows of the staging table into their mirror tables, in the given order, in one round trip;
    /// returns, per upsert, the ids it wrote.
    /// </summary>
    private static async Task<List<HashSet<string>>> MergeAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, List<(MirrorTable Table, int[] Rows)> upserts, CancellationToken cancellationToken)
    {
        var written = new List<HashSet<string>>(upserts.Count);
        if (upserts.Count == 0)
        {
            return written;
        }

        var batch = new NpgsqlBatch(connection, transaction);
        await using var batchScope = batch.ConfigureAwait(false);
        foreach ((MirrorTable table, int[] rows) in upserts)
        {
            var command = new NpgsqlBatchCommand(table.MergeSql);
            command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer, Value = rows });
            batch.BatchCommands.Add(command);
        }

        NpgsqlDataReader reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using var readerScope = reader.ConfigureAwait(false);
        do
        {
            var ids = new HashSet<string>(StringComparer.Ordinal);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                ids.Add(reader.GetString(0));
            }

            written.Add(ids);
        }
        while (await reader.NextResultAsync(cancellationToken).ConfigureAwait(false));

        return written;
    }

    /// <summary>
    /// The winners the merge did not write: an applier of another session, which the advisory locks do not serialize
    /// with this one, committed that row first (the first delivery of one child id into two sessions), and the merge
    /// kept it (a row never moves between sessions; and the greater version stays). Each change of those chains lost to
    /// the row now stored: audited against it, like every lost change, and a lost deletion removes nothing.
    /// </summary>
    private static async Task LostToConcurrentAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, MirrorTable table, List<List<OutboxRecord>> chains,
        Dictionary<long, ApplyOutcome> outcomes, List<ConflictRow> conflicts, List<OutboxRecord> deletes, CancellationToken cancellationToken)
    {
        Dictionary<string, StoredVersion> now = await LockRowsAsync(connection, transaction, table, chains.Select(c => c[^1].EntityId).ToArray(), cancellationToken).ConfigureAwait(false);
        foreach (List<OutboxRecord> chain in chains)
        {
            OutboxRecord last = chain[^1];
            conflicts.RemoveAll(c => ReferenceEquals(c.Incoming, last) && c.IncomingWins);
            deletes.Remove(last);
            foreach (OutboxRecord record in chain)
            {
                outcomes[record.Id] = ApplyOutcome.ConflictLost;
                if (now.TryGetValue(last.EntityId, out StoredVersion? stored))
                {
                    conflicts.Add(ConflictRow.Of(record, record.BaseVersion, stored, incomingWins: false));
                }
            }
        }
    }

    /// <summary>
    /// Removes the children of sessions whose deletion was applied (the tombstone itself was upserted). A live child whose
    /// stored version the deleting workspace did not hold lost to the deletion: returned, to be audited.
    /// </summary>
    private static async Task<List<ConflictRow>> DeleteSessionsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, List<OutboxRecord> deletions, CancellationToken cancellationToken)
    {
        var removed = new List<ConflictRow>();
        if (deletions.Count == 0)
        {
            return removed;
        }

        Dictionary<string, OutboxRecord> bySession = deletions.ToDictionary(d => d.EntityId, StringComparer.Ordinal);
        string[] sessionIds = [.. bySession.Keys];
        foreach ((EntityType type, MirrorTable child) in MirrorTable.Children)
        {
            var live = new List<(string Id, string SessionId, long Hlc)>();
            var read = new NpgsqlCommand($"SELECT id, session_id, hlc FROM {child.Name} WHERE session_id = ANY($1);", connection, transaction);
            await using (read.ConfigureAwait(false))
            {
                read.Parameters.Add(TextArray(sessionIds));
                NpgsqlDataReader reader = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        live.Add((reader.GetString(0), reader.GetString(1), reader.GetInt64(2)));
                    }
                }
            }

            if (live.Count == 0)
            {
                continue;
            }

            HashSet<string> held = await HeldAsync(connection, transaction, live.Select(c => (KeyOf(type, c.Id, c.Hlc), bySession[c.SessionId].OriginWorkspaceId)).ToList(), cancellationToken).ConfigureAwait(false);
            string[] unheld = live.Where(c => ConflictRule.RemovalIsConflict(held.Contains(FreshKey(KeyOf(type, c.Id, c.Hlc), bySession[c.SessionId].OriginWorkspaceId))
                    || ConflictRule.CoveredByPrune(c.Hlc, PrunedBefore(bySession[c.SessionId]))))
                .Select(c => c.Id).ToArray();
            if (unheld.Length > 0)
            {
                Dictionary<string, StoredVersion> lost = await LockRowsAsync(connection, transaction, child, unheld, cancellationToken).ConfigureAwait(false);
                var sessionOf = live.ToDictionary(c => c.Id, c => c.SessionId, StringComparer.Ordinal);
                foreach ((string id, StoredVersion version) in lost.OrderBy(l => l.Key, StringComparer.Ordinal))
                {
                    OutboxRecord deletion = bySession[sessionOf[id]];
                    removed.Add(new ConflictRow(type, id, deletion.EntityId, deletion, deletion.BaseVersion, HlcOf(deletion), version, IncomingWins: true));
                }
            }

            var delete = new NpgsqlCommand($"DELETE FROM {child.Name} WHERE session_id = ANY($1);", connection, transaction);
            await using (delete.ConfigureAwait(false))
            {
                delete.Parameters.Add(TextArray(sessionIds));
                await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        return removed;
    }

    /// <summary>
    /// The audit of the conflicts and the outcomes that are not plain applications, in one round trip. A conflict's
    /// <c>detected_at</c> is the time of its insert (<c>clock_timestamp()</c>), not the transaction's start (the column's
    /// default <c>now()</c>): taken under the migrations' lock held shared (<see cref="GuardSchemaAsync"/>), it is later
    /// than the end of any window of lost changes read before (<see cref="LostSinceReader"/>), which holds that lock
    /// exclusively, so a batch that began before a read but wrote after it is in the next window, not behind it.
    /// </summary>
    private static async Task RecordAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, List<ConflictRow> conflicts, List<OutboxRecord> notPlain, Dictionary<long, ApplyOutcome> outcomes, CancellationToken cancellationToken)
    {
        if (conflicts.Count == 0 && notPlain.Count == 0)
        {
            return;
        }

        var batch = new NpgsqlBatch(connection, transaction);
        await using var batchScope = batch.ConfigureAwait(false);
        if (conflicts.Count > 0)
        {
            var command = new NpgsqlBatchCommand("""
                INSERT INTO sync_conflicts (entity_type, entity_id, session_id, incoming_key, incoming_origin, incoming_base_version, incoming_version,
                                            incoming_hlc, incoming_payload, existing_origin, existing_version, existing_hlc, existing_payload, winner, detected_at)
                SELECT *, clock_timestamp() FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::bigint[],
                                     $8::bigint[], $9::jsonb[], $10::text[], $11::bigint[], $12::bigint[], $13::jsonb[], $14::text[]);
                """);
            command.Parameters.Add(TextArray(conflicts.Select(c => c.EntityType.ToString())));
            command.Parameters.Add(TextArray(conflicts.Select(c => c.EntityId)));
            command.Parameters.Add(TextArray(conflicts.Select(c => c.SessionId)));
            command.Parameters.Add(TextArray(conflicts.Select(c => c.Incoming.IdempotencyKey)));
            command.Parameters.Add(TextArray(conflicts.Select(c => c.Incoming.OriginWorkspaceId)));
            command.Parameters.Add(BigintArray(conflicts.Select(c => c.BaseVersion)));
            command.Parameters.Add(BigintArray(conflicts.Select(c => c.Incoming.Version)));
            command.Parameters.Add(BigintArray(conflicts.Select(c => c.IncomingHlc)));
            command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb, Value = conflicts.Select(c => PostgresText.Sanitize(c.Incoming.Payload)).ToArray() });
            command.Parameters.Add(TextArray(conflicts.Select(c => c.Existing.Origin)));
            command.Parameters.Add(BigintArray(conflicts.Select(c => c.Existing.Version)));
            command.Parameters.Add(BigintArray(conflicts.Select(c => c.Existing.Hlc)));
            command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb, Value = conflicts.Select(c => c.Existing.Document).ToArray() });
            command.Parameters.Add(TextArray(conflicts.Select(c => c.IncomingWins ? "incoming" : "existing")));
            batch.BatchCommands.Add(command);
        }

        if (notPlain.Count > 0)
        {
            var command = new NpgsqlBatchCommand(
                "UPDATE sync_applied s SET outcome = u.o FROM unnest($1::text[], $2::text[], $3::text[]) AS u(k, g, o) WHERE s.idempotency_key = u.k AND s.origin = u.g;");
            command.Parameters.Add(TextArray(notPlain.Select(r => r.IdempotencyKey)));
            command.Parameters.Add(TextArray(notPlain.Select(r => r.OriginWorkspaceId)));
            command.Parameters.Add(TextArray(notPlain.Select(r => outcomes[r.Id].ToString())));
            batch.BatchCommands.Add(command);
        }

        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static NpgsqlParameter TextArray(IEnumerable<string> values)
        => new() { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = values.ToArray() };

    private static NpgsqlParameter BigintArray(IEnumerable<long> values)
        => new() { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint, Value = values.ToArray() };

    /// <summary>A stored row as <see cref="MirrorTable.LockSql"/> reads it; <see cref="SessionState"/>: a session's <c>state</c> (null for a child).</summary>
    private sealed record StoredVersion(long Version, long Hlc, string Origin, string Document, bool Deleted, string SessionId, string? SessionState)
    {
        public StoredState State => new(Version, Hlc, Origin, Deleted, SessionId);

        public static StoredVersion Read(NpgsqlDataReader reader)
            => new(reader.GetInt64(1), reader.GetInt64(2), reader.GetString(3), reader.GetString(4), reader.GetBoolean(5), reader.GetString(6), reader.IsDBNull(7) ? null : reader.GetString(7));
    }

    /// <summary>One <c>sync_conflicts</c> row. Under a deleted session, <see cref="Existing"/> is the session's tombstone; for a child removed by a deletion, <see cref="Incoming"/> is the deletion.</summary>
    private sealed record ConflictRow(EntityType EntityType, string EntityId, string SessionId, OutboxRecord Incoming, long BaseVersion, long IncomingHlc, StoredVersion Existing, bool IncomingWins)
    {
        public static ConflictRow Of(OutboxRecord incoming, long baseVersion, StoredVersion existing, bool incomingWins)
            => new(incoming.EntityType, incoming.EntityId, incoming.SessionId, incoming, baseVersion, HlcOf(incoming), existing, incomingWins);
    }
}
