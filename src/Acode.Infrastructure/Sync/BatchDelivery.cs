using System.Diagnostics;
using Acode.Application.Outbox;
using Acode.Application.Sync;
using Acode.Domain.Time;
using Acode.Infrastructure.Postgres;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Acode.Infrastructure.Sync;

/// <summary>
/// Applying, with fault isolation: delivers one claimed batch through <see cref="PostgresOutboxApplier"/> and settles every
/// record of it by who is at fault (<see cref="SyncFailures"/>). A batch PostgreSQL committed whole is returned for the caller
/// to acknowledge (with its next claim); a record PostgreSQL refuses is found by retrying the batch one record at a time
/// and gets attempts + 1 and the next attempt after <see cref="Backoff"/>, dead-lettered after
/// <see cref="SyncOptions.MaxAttempts"/>; an outage gives the batch back and ends the run; a connection lost mid-batch is
/// an outage only while the server does not answer a fresh connection. Counts what it settles into the run's
/// <see cref="SyncRunCounters"/>, the metrics and the clock (timestamps seen in PostgreSQL).
/// </summary>
internal sealed class BatchDelivery
{
    private readonly PostgresOutboxApplier _applier;
    private readonly OutboxClaimer _claimer;
    private readonly NpgsqlDataSource _dataSource;
    private readonly PostgresConnectionSettings _target;
    private readonly SyncOptions _options;
    private readonly HybridClock _clock;
    private readonly TimeProvider _time;
    private readonly AcodeMetrics _metrics;
    private readonly ILogger _logger;
    private readonly Func<CancellationToken, Task> _recreateSchema;

    /// <param name="applier">Writes a batch in one PostgreSQL transaction.</param>
    /// <param name="claimer">Releases, acknowledges and fails records under this process's lease owner.</param>
    /// <param name="dataSource">Probes whether the server answers after a lost connection.</param>
    /// <param name="target">The target, for the span's tags and the messages (redacted).</param>
    /// <param name="options">Retries and backoff.</param>
    /// <param name="clock">Moved past the timestamps seen in PostgreSQL.</param>
    /// <param name="time">The time source.</param>
    /// <param name="metrics">Batch durations, outcomes, retries, dead letters.</param>
    /// <param name="logger">Failures and dead letters.</param>
    /// <param name="recreateSchema">Applies the migrations again: called when PostgreSQL came back with an empty database.</param>
    public BatchDelivery(PostgresOutboxApplier applier, OutboxClaimer claimer, NpgsqlDataSource dataSource, PostgresConnectionSettings target, SyncOptions options,
        HybridClock clock, TimeProvider time, AcodeMetrics metrics, ILogger logger, Func<CancellationToken, Task> recreateSchema)
    {
        _applier = applier;
        _claimer = claimer;
        _dataSource = dataSource;
        _target = target;
        _options = options;
        _clock = clock;
        _time = time;
        _metrics = metrics;
        _logger = logger;
        _recreateSchema = recreateSchema;
    }

    /// <summary>
    /// Delivers one claimed batch inside an <c>acode.sync.batch</c> span and records its duration. The outcome tag:
    /// <c>delivered</c> (every record applied or a duplicate), <c>partial</c> (some retried or dead-lettered),
    /// <c>released</c> (none done, the leases given back), <c>failed</c> (an error ended the run: an outage pauses it).
    /// </summary>
    public async Task<BatchApplyResult?> DeliverAsync(IReadOnlyList<OutboxRecord> batch, SyncRunCounters run, CancellationToken token)
    {
        using Activity? activity = AcodeActivities.Start("acode.sync.batch", AcodeActivities.Postgres);
        if (activity is not null)
        {
            activity.SetTag("db.operation.batch.size", batch.Count);
            activity.SetTag("acode.sync.bytes", batch.Sum(r => (long)System.Text.Encoding.UTF8.GetByteCount(r.Payload)));
            activity.SetTag("db.namespace", _target.Database);
            activity.SetTag("server.address", _target.Host);
            activity.SetTag("server.port", _target.Port);
        }

        long started = _time.GetTimestamp();
        (long done, long failed) = (run.Done, run.Retried + run.DeadLettered);
        string outcome = "failed";
        try
        {
            BatchApplyResult? committed = await DeliverBatchAsync(batch, run, token).ConfigureAwait(false);
            long handled = committed is null ? run.Done - done : batch.Count, failedNow = run.Retried + run.DeadLettered - failed;
            outcome = handled == 0 ? "released" : failedNow == 0 ? "delivered" : "partial";
            activity?.SetTag("acode.sync.delivered", handled - failedNow);
            activity?.SetTag("acode.sync.failed", failedNow);
            return committed;
        }
        catch (Exception ex)
        {
            // An outage or a refusal is told by its ACODE-DB code, as the run's pause reason is.
            AcodeActivities.Fail(activity, activity is null ? ex : SyncFailures.AsUnavailable(ex, _target.Redacted) ?? ex);
            throw;
        }
        finally
        {
            activity?.SetTag("acode.sync.outcome", outcome);
            _metrics.RecordBatch(_time.GetElapsedTime(started), outcome);
        }
    }

    /// <summary>
    /// Applies one batch. When PostgreSQL committed all of it, returns the result: the caller acknowledges it locally (with the
    /// next claim). Otherwise returns null, every record already handled here (released, retried one by one, acknowledged).
    /// </summary>
    private async Task<BatchApplyResult?> DeliverBatchAsync(IReadOnlyList<OutboxRecord> batch, SyncRunCounters run, CancellationToken token)
    {
        BatchApplyResult result;
        Exception? lost;
        try
        {
            result = await ApplyAsync(batch, token).ConfigureAwait(false);
            lost = null;
        }
        catch (MissingBlobException ex) when (batch.Count > ex.Reasons.Count)
        {
            // The records that name a missing blob fail; the others are delivered without them, as one batch.
            await FailUndeliverableAsync(batch, ex, run).ConfigureAwait(false);
            // A blob that is missing stays missing: the entity's later versions (which name blobs of their own) go on with
            // the rest, rather than wait hours for a record that can only be dead-lettered.
            List<OutboxRecord> rest = batch.Where(r => !ex.Reasons.ContainsKey(r.Id)).ToList();
            if (await DeliverBatchAsync(rest, run, token).ConfigureAwait(false) is { } delivered)
            {
                Committed(rest, run);
                await AcknowledgeAsync(rest, delivered, run).ConfigureAwait(false);
            }

            return null;
        }
        catch (MissingBlobException ex)
        {
            await FailUndeliverableAsync(batch, ex, run).ConfigureAwait(false);
            return null;
        }
        catch (Exception ex) when (SyncFailures.IsRecordFailure(ex))
        {
            await IsolateFailuresAsync(batch, ex, run, token).ConfigureAwait(false);
            return null;
        }
        catch (PostgresException ex) when (SyncFailures.IsTransactionRetry(ex))
        {
            // A deadlock or serialization failure with another applier: nobody's fault, the next claim retries it.
            await _claimer.ReleaseAsync(batch).ConfigureAwait(false);
            run.ReleasedForRetry++;
            return null;
        }
        catch (Exception ex) when (!token.IsCancellationRequested && PostgresErrorMapper.IsUnavailable(ex))
        {
            lost = ex;
            result = null!;
        }
        catch
        {
            // Cancellation or a fault of acode's own: nobody is at fault, so the records go back untouched.
            await _claimer.ReleaseAsync(batch).ConfigureAwait(false);
            throw;
        }

        if (lost is not null)
        {
            // The connection failed during this batch. If the server answers a fresh connection, the batch itself may be
            // what breaks it (a message PostgreSQL refuses, a backend that dies on one record): retry the records alone,
            // and a record whose delivery fails again while the server answers gets an attempt. Otherwise it is an outage.
            // A refusal (a missing privilege, a read-only server) is the role's or the server's, never a record's: it pauses.
            if (PostgresErrorMapper.IsOutage(lost) && await ServerAnswersAsync(token).ConfigureAwait(false))
            {
                Log.ConnectionLostMidBatch(_logger, batch.Count, lost.Message);
                await IsolateFailuresAsync(batch, lost, run, token, retryAlone: true).ConfigureAwait(false);
                return null;
            }

            await _claimer.ReleaseAsync(batch).ConfigureAwait(false);
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(lost);
        }

        return result;
    }

    /// <summary>True when a fresh connection to PostgreSQL runs a query; false when PostgreSQL is unavailable.</summary>
    private async Task<bool> ServerAnswersAsync(CancellationToken token)
    {
        try
        {
            NpgsqlConnection connection = await _dataSource.OpenConnectionAsync(token).ConfigureAwait(false);
            await using var connectionScope = connection.ConfigureAwait(false);
            var command = new NpgsqlCommand("SELECT 1;", connection);
            await using var commandScope = command.ConfigureAwait(false);
            await command.ExecuteScalarAsync(token).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (!token.IsCancellationRequested && PostgresErrorMapper.IsUnavailable(ex))
        {
            return false;
        }
    }

    private async Task<BatchApplyResult> ApplyAsync(IReadOnlyList<OutboxRecord> batch, CancellationToken token)
    {
        try
        {
            return await _applier.ApplyAsync(batch, token).ConfigureAwait(false);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            // The server came back with an empty database: recreate the schema and try once more.
            await _recreateSchema(token).ConfigureAwait(false);
            return await _applier.ApplyAsync(batch, token).ConfigureAwait(false);
        }
    }

    public async Task AcknowledgeAsync(IReadOnlyList<OutboxRecord> batch, BatchApplyResult result, SyncRunCounters run)
    {
        // PostgreSQL has committed: acknowledging must not be cancelled half-way (a redelivery would be a harmless duplicate).
        await _claimer.AcknowledgeAsync(batch).ConfigureAwait(false);
        Acknowledged(batch, result, run);
    }

    /// <summary>Counts a batch PostgreSQL committed, until <see cref="Acknowledged"/> counts its acknowledgement.</summary>
    public static void Committed(IReadOnlyList<OutboxRecord> batch, SyncRunCounters run) => run.Unacknowledged += batch.Count;

    /// <summary>Counts a batch whose acknowledgement is committed locally.</summary>
    public void Acknowledged(IReadOnlyList<OutboxRecord> batch, BatchApplyResult result, SyncRunCounters run)
    {
        run.Unacknowledged -= batch.Count;
        DateTimeOffset now = _time.GetUtcNow();
        foreach (OutboxRecord record in batch)
        {
            _metrics.RecordDelivered(result.Outcomes[record.Id], now - record.CreatedAt);
        }

        // Counted by what happened to each change: only Applied and ConflictWon are now in PostgreSQL.
        run.Applied += result.Count(ApplyOutcome.Applied, ApplyOutcome.ConflictWon);
        run.Duplicates += result.Count(ApplyOutcome.Duplicate);
        run.Superseded += result.Count(ApplyOutcome.Superseded);
        foreach (OutboxRecord stale in batch.Where(r => result.Outcomes.GetValueOrDefault(r.Id) == ApplyOutcome.Stale))
        {
            _ = result.DeletedSessionIds.Contains(stale.SessionId) ? run.StaleOfDeletedSessions++ : run.Stale++;
        }

        run.Conflicts += result.Conflicts.Count;
        foreach (OutboxRecord lost in batch.Where(r => result.Outcomes.GetValueOrDefault(r.Id) == ApplyOutcome.ConflictLost))
        {
            run.ConflictsLost++;
            if (result.DeletedSessionIds.Contains(lost.SessionId))
            {
                // Lost to a deletion: there is no newer version to pull, so not among the sessions lost to newer versions.
                run.ConflictsLostToDeletion++;
                run.DeletedLostSessions.Add(lost.SessionId);
            }
            else if (result.OwnedByOtherSession.TryGetValue(lost.Id, out string? owner))
            {
                // Not a newer version of this session's row: PostgreSQL has none under it, so pulling it takes nothing.
                run.ConflictsLostToOtherSession++;
                if (!run.OtherSessionOwners.TryGetValue(lost.SessionId, out SortedSet<string>? owners))
                {
                    run.OtherSessionOwners[lost.SessionId] = owners = new SortedSet<string>(StringComparer.Ordinal);
                }

                owners.Add(owner);
            }
            else
            {
                run.LostSessions.Add(lost.SessionId);
            }
        }
        ObserveRemoteClock(result.MaxRemoteHlc, run);
    }

    // retryAlone: retry even a batch of one, whose failure (a lost connection) has not repeated yet.
    private async Task IsolateFailuresAsync(IReadOnlyList<OutboxRecord> batch, Exception batchError, SyncRunCounters run, CancellationToken token, bool retryAlone = false)
    {
        if (batch.Count == 1 && !retryAlone)
        {
            await RecordFailureAsync(batch[0], batchError, run).ConfigureAwait(false);
            return;
        }

        // One bad record must not hold back the others: apply them one by one, in order. But an entity's later versions
        // wait for the one that failed, as the claim makes them wait while it waits for its retry: applied before it,
        // they would reach PostgreSQL out of order and be audited as conflicts with this workspace's own changes.
        var waiting = new HashSet<string>(StringComparer.Ordinal);
        var heldBack = new List<OutboxRecord>();
        foreach (OutboxRecord record in batch)
        {
            if (waiting.Contains(record.EntityId))
            {
                heldBack.Add(record);
                continue;
            }

            Exception? lost = null;
            try
            {
                BatchApplyResult single = await ApplyAsync([record], token).ConfigureAwait(false);
                Committed([record], run);
                await AcknowledgeAsync([record], single, run).ConfigureAwait(false);
            }
            catch (Exception ex) when (SyncFailures.IsRecordFailure(ex))
            {
                await RecordFailureAsync(record, ex, run).ConfigureAwait(false);
                waiting.Add(record.EntityId);
            }
            catch (Exception ex) when (!token.IsCancellationRequested && PostgresErrorMapper.IsUnavailable(ex))
            {
                lost = ex;
            }
            catch
            {
                await _claimer.ReleaseAsync(batch).ConfigureAwait(false);
                throw;
            }

            if (lost is not null)
            {
                // The connection failed again, with this record alone: if the server still answers, the record is at fault.
                if (!PostgresErrorMapper.IsOutage(lost) || !await ServerAnswersAsync(token).ConfigureAwait(false))
                {
                    await _claimer.ReleaseAsync(batch).ConfigureAwait(false);
                    System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(lost);
                }

                await RecordFailureAsync(record, new RecordBreaksConnectionException(lost), run).ConfigureAwait(false);
                waiting.Add(record.EntityId);
            }
        }

        if (heldBack.Count > 0)
        {
            // Back to the queue untouched (no attempt counted): the claim gives them again once the failed one is delivered.
            await _claimer.ReleaseAsync(heldBack).ConfigureAwait(false);
        }
    }

    private async Task FailUndeliverableAsync(IReadOnlyList<OutboxRecord> batch, MissingBlobException missing, SyncRunCounters run)
    {
        foreach (OutboxRecord record in batch.Where(r => missing.Reasons.ContainsKey(r.Id)))
        {
            await RecordFailureAsync(record, new MissingBlobException(new Dictionary<long, string> { [record.Id] = missing.Reasons[record.Id] }), run).ConfigureAwait(false);
        }
    }

    private async Task RecordFailureAsync(OutboxRecord record, Exception error, SyncRunCounters run)
    {
        int attempt = record.Attempts + 1;
        bool deadLetter = attempt >= _options.MaxAttempts;
        DateTimeOffset next = _time.GetUtcNow() + Backoff.Delay(attempt, _options.BaseBackoff, _options.MaxBackoff);
        string message = SyncFailures.Describe(error);
        await _claimer.RecordFailureAsync(record, message, next, deadLetter).ConfigureAwait(false);
        if (deadLetter)
        {
            run.DeadLettered++;
            _metrics.RecordDeadLetter();
            Log.DeadLettered(_logger, record.Id, record.IdempotencyKey, attempt, message);
        }
        else
        {
            run.Retried++;
            _metrics.RecordRetry();
            Log.RecordFailed(_logger, record.Id, record.IdempotencyKey, attempt, Application.Serialization.UtcTimestamp.Format(next), message);
        }
    }

    private void ObserveRemoteClock(long remoteHlc, SyncRunCounters run)
    {
        if (remoteHlc == 0)
        {
            return;
        }

        var remote = new DateTimeOffset(remoteHlc, TimeSpan.Zero);
        TimeSpan ahead = remote - _time.GetUtcNow();
        if (ahead > _options.MaxClockSkew)
        {
            _metrics.RecordClockSkew();
            Log.FutureTimestamp(_logger, ahead, remoteHlc);
            return;
        }

        _clock.Observe(remote);
        run.MaxRemoteHlc = Math.Max(run.MaxRemoteHlc, remoteHlc);
    }
}
