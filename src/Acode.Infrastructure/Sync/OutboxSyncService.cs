using System.Diagnostics;
using Acode.Application.Errors;
using Acode.Application.Outbox;
using Acode.Application.Sync;
using Acode.Domain.Time;
using Acode.Infrastructure.Migrations;
using Acode.Infrastructure.Postgres;
using Acode.Infrastructure.Sqlite;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Acode.Infrastructure.Sync;

/// <summary>
/// Drains the SQLite outbox into PostgreSQL (spec §7): claim a batch with a lease, apply it in one PostgreSQL
/// transaction, mark it processed; repeat until nothing is due.
/// </summary>
/// <remarks>
/// <para>Failures are told apart by who is at fault. PostgreSQL unreachable (ACODE-DB-006) is an outage: the run
/// stops, the batch's leases are released and no attempt is counted, so a night offline never dead-letters
/// anything; <see cref="SyncWorker"/> retries later with its own backoff (the circuit breaker). Any other failure
/// is a record's: the batch is retried one record at a time to find the poison, which gets attempts + 1 and the
/// next attempt after <see cref="Backoff"/>, and is dead-lettered after <see cref="SyncOptions.MaxAttempts"/>.
/// A connection lost in the middle of a batch is an outage only while the server does not answer a fresh
/// connection; when it does, the failure is the batch's (e.g. a message PostgreSQL refuses): the records are retried
/// one by one, and one that loses the connection again on its own is a failing record like any other.</para>
/// <para>Batches end at <see cref="SyncOptions.BatchSize"/> records or <see cref="SyncOptions.MaxBatchBytes"/> bytes of
/// payload, whichever comes first (a larger record goes alone), so the memory a sync holds is bounded by the larger
/// of the byte bound and the largest record (at most <see cref="Application.Serialization.DocumentSize.MaxBytes"/>).</para>
/// <para>A process that dies mid-batch leaves leased records behind; the lease expires and another process (or
/// the same one, restarted) claims them again. If PostgreSQL had committed the batch, the idempotency keys make
/// the redelivery a no-op (AC-042, AC-046).</para>
/// </remarks>
internal sealed class OutboxSyncService : ISyncService, IDisposable
{
    private readonly SqliteWorkspaceDatabase _database;
    private readonly SqliteOutbox _outbox;
    private readonly NpgsqlDataSource? _dataSource;
    private readonly PostgresConnectionSettings? _target;
    private readonly SyncOptions _options;
    private readonly HybridClock _clock;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly PostgresOutboxApplier? _applier;
    private readonly PostgresMigrator _migrator;
    private readonly AcodeMetrics _metrics;
    private readonly string _owner = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";
    private CancellationTokenSource _cancel = new();
    private bool _schemaReady;
    private DateTimeOffset _lastPrune = DateTimeOffset.MinValue;
    private bool _registered;

    /// <param name="database">The workspace database whose outbox is drained.</param>
    /// <param name="target">PostgreSQL, or null when none is configured (every run then reports that and does nothing).</param>
    /// <param name="options">Batch size, lease, retries.</param>
    /// <param name="clock">The clock of this process's store: it is moved past timestamps seen in PostgreSQL.</param>
    /// <param name="metrics">Instruments to record into (a private set when null).</param>
    public OutboxSyncService(SqliteWorkspaceDatabase database, PostgresConnectionSettings? target, SyncOptions? options = null, HybridClock? clock = null, AcodeMetrics? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        _database = database;
        _outbox = new SqliteOutbox(database);
        _target = target;
        _options = options ?? new SyncOptions();
        _options.Validate();
        _time = database.Time;
        _clock = clock ?? new HybridClock(_time);
        _logger = database.LoggerFactory.CreateLogger<OutboxSyncService>();
        _metrics = metrics ?? new AcodeMetrics();
        _metrics.ReadOutboxFrom(database);
        _migrator = new PostgresMigrator(logger: database.LoggerFactory.CreateLogger<PostgresMigrator>(), time: _time);
        if (target is not null)
        {
            _dataSource = PostgresDataSourceFactory.Create(target, database.LoggerFactory);
            _applier = new PostgresOutboxApplier(_dataSource, _logger);
        }
    }

    /// <summary>This process's lease owner name (host:pid:random).</summary>
    public string Owner => _owner;

    public SyncOptions Options => _options;

    public async Task<SyncRunResult> SyncAsync(IProgress<SyncProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        if (_applier is null)
        {
            OutboxStatistics idle = await _outbox.GetStatisticsAsync(cancellationToken).ConfigureAwait(false);
            return new SyncRunResult(0, 0, 0, 0, 0, idle.Pending, true, "PostgreSQL is not configured (set ACODE_POSTGRES_URL or persistence:postgres:connectionString)");
        }

        if (_cancel.IsCancellationRequested)
        {
            _cancel.Dispose();
            _cancel = new CancellationTokenSource();
        }

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _cancel.Token);
        CancellationToken token = linked.Token;
        var run = new RunCounters();
        long total = (await _outbox.GetStatisticsAsync(token).ConfigureAwait(false)).Pending;
        string? pauseReason = null;
        try
        {
            await EnsureSchemaAsync(token).ConfigureAwait(false);
            while (!token.IsCancellationRequested)
            {
                IReadOnlyList<OutboxRecord> batch = await _outbox.ClaimAsync(_owner, _options.BatchSize, _options.MaxBatchBytes, _options.Lease, token).ConfigureAwait(false);
                if (batch.Count == 0)
                {
                    break;
                }

                await DeliverAsync(batch, run, token).ConfigureAwait(false);
                progress?.Report(new SyncProgress(run.Done, Math.Max(total, run.Done)));
            }

            await RegisterAsync(run, token).ConfigureAwait(false);
        }
        catch (Exception ex) when (AsUnavailable(ex) is { } unavailable)
        {
            pauseReason = $"{unavailable.Code}: {unavailable.Message.TrimEnd('.')}";
            Log.SyncPaused(_logger, pauseReason);
            await _database.RecordSyncErrorAsync(_time.GetUtcNow(), pauseReason, CancellationToken.None).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // Cooperative stop: the batch in flight was rolled back in PostgreSQL and its leases released.
        }

        if (run.Done > 0)
        {
            await _database.RecordSyncSuccessAsync(_time.GetUtcNow(), run.MaxRemoteHlc, CancellationToken.None).ConfigureAwait(false);
            Log.SyncRun(_logger, run.Done, run.Applied, run.Duplicates, run.Conflicts);
        }

        if (pauseReason is null)
        {
            await PruneIfDueAsync().ConfigureAwait(false);
        }

        OutboxStatistics after = await _outbox.GetStatisticsAsync(CancellationToken.None).ConfigureAwait(false);
        return new SyncRunResult(run.Applied, run.Duplicates, run.Conflicts, run.Retried, run.DeadLettered, after.Pending, pauseReason is not null, pauseReason);
    }

    /// <summary>
    /// Tombstones in PostgreSQL the sessions last changed before <paramref name="before"/> (in <paramref name="states"/> when
    /// any are given), whichever workspace wrote them, except <paramref name="exclude"/>, each through the applier as a deletion
    /// record of this workspace (see <see cref="RemoteSessionPruner"/>). With <paramref name="dryRun"/> only lists them.
    /// </summary>
    /// <returns>The ids tombstoned, or that would be.</returns>
    /// <exception cref="AcodeDbException">ACODE-DB-006: PostgreSQL is not configured or cannot be reached.</exception>
    public async Task<IReadOnlyList<string>> TombstoneSessionsAsync(DateTimeOffset before, IReadOnlyCollection<SessionState> states, IReadOnlyCollection<string> exclude, bool dryRun, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(states);
        ArgumentNullException.ThrowIfNull(exclude);
        if (_applier is null)
        {
            throw AcodeErrors.PostgresNotConfigured();
        }

        try
        {
            await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
            return await new RemoteSessionPruner(_dataSource!, _applier, _clock, _database.WorkspaceId!).TombstoneAsync(before, states, exclude, dryRun, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (AsUnavailable(ex) is { } unavailable)
        {
            throw unavailable;
        }
    }

    public void CancelSync() => _cancel.Cancel();

    public async Task<SyncStatus> GetStatusAsync(CancellationToken cancellationToken = default)
    {
        OutboxStatistics outbox = await _outbox.GetStatisticsAsync(cancellationToken).ConfigureAwait(false);
        WorkspaceSyncState state = _database.GetSyncState(cancellationToken);
        TimeSpan? age = outbox.OldestPendingAge(_time.GetUtcNow());
        if (_dataSource is null)
        {
            return new SyncStatus(false, null, null, "PostgreSQL is not configured", outbox.Pending, outbox.Failed, age, state.LastSuccessfulSync, state.LastError, null, null);
        }

        try
        {
            NpgsqlConnection connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var connectionScope = connection.ConfigureAwait(false);
            MigrationStatus schema = await _migrator.GetStatusAsync(connection, cancellationToken).ConfigureAwait(false);
            if (schema.Pending.Count > 0)
            {
                // The next sync applies them: say now if this role cannot.
                await PostgresPrivilegeCheck.EnsureAsync(connection, [], needCreate: true, cancellationToken).ConfigureAwait(false);
            }

            long? conflicts = null;
            if (schema.Current is not null)
            {
                var command = new NpgsqlCommand("SELECT count(*) FROM sync_conflicts WHERE incoming_origin = $1 OR existing_origin = $1;", connection);
                await using var commandScope = command.ConfigureAwait(false);
                command.Parameters.AddWithValue(_database.WorkspaceId!);
                conflicts = (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
            }

            return new SyncStatus(true, _target!.Redacted, true, null, outbox.Pending, outbox.Failed, age, state.LastSuccessfulSync, state.LastError, conflicts, schema.Current?.ToString(3));
        }
        catch (Exception ex) when (AsUnavailable(ex) is { } unavailable)
        {
            return new SyncStatus(true, _target!.Redacted, false, $"{unavailable.Code}: {unavailable.Message.TrimEnd('.')}", outbox.Pending, outbox.Failed, age, state.LastSuccessfulSync, state.LastError, null, null);
        }
    }

    /// <summary>How often delivered records older than the retention (<c>persistence:sqlite:outboxRetentionDays</c>) are deleted.</summary>
    public static TimeSpan PruneInterval { get; } = TimeSpan.FromHours(1);

    /// <summary>Applies the PostgreSQL migrations (creating the schema on an empty database) before the first batch.</summary>
    public async Task EnsureSchemaAsync(CancellationToken cancellationToken)
    {
        if (_dataSource is null || _schemaReady)
        {
            return;
        }

        IReadOnlyList<Migration> applied = await _migrator.MigrateAsync(_dataSource, cancellationToken).ConfigureAwait(false);
        _schemaReady = true;
        if (applied.Count > 0 && applied[0].Version == new Version(1, 0, 0))
        {
            OutboxStatistics local = await _outbox.GetStatisticsAsync(cancellationToken).ConfigureAwait(false);
            if (local.Processed > 0)
            {
                // PostgreSQL had no schema although this workspace delivered changes before: it was restored empty or replaced.
                Log.SchemaRecreated(_logger, _target!.Redacted, local.Processed);
            }
        }
    }

    public void Dispose()
    {
        _dataSource?.Dispose();
        _cancel.Dispose();
    }

    private async Task PruneIfDueAsync()
    {
        DateTimeOffset now = _time.GetUtcNow();
        if (now - _lastPrune < PruneInterval)
        {
            return;
        }

        _lastPrune = now;
        int pruned = await _outbox.PruneProcessedAsync(TimeSpan.FromDays(_database.Options.OutboxRetentionDays), CancellationToken.None).ConfigureAwait(false);
        if (pruned > 0)
        {
            Log.OutboxPruned(_logger, pruned, _database.Options.OutboxRetentionDays);
        }

        try
        {
            // PostgreSQL's own housekeeping: at most hourly across all workspaces, one pruner at a time (SyncAppliedPruner).
            if (await new SyncAppliedPruner(_dataSource!, PruneInterval).PruneAsync(CancellationToken.None).ConfigureAwait(false) is > 0 and long keys)
            {
                Log.SyncAppliedPruned(_logger, keys);
            }
        }
        catch (Exception ex) when (AsUnavailable(ex) is not null || ex is PostgresException)
        {
            Log.SyncAppliedPruneFailed(_logger, ex.Message);
        }
    }

    /// <summary>One upsert of this workspace's <c>workspaces</c> row per run that delivered something, and on the first run.</summary>
    private async Task RegisterAsync(RunCounters run, CancellationToken token)
    {
        if (token.IsCancellationRequested || (_registered && run.Done == 0))
        {
            return;
        }

        WorkspaceRegistration registration = WorkspaceRegistration.Of(_database.WorkspaceId!, _database.Workspace.RootDirectory, _options.WorkspaceName, _database.Options.OutboxRetentionDays);
        await registration.UpsertAsync(_dataSource!, token).ConfigureAwait(false);
        _registered = true;
    }

    /// <summary>
    /// Delivers one claimed batch inside an <c>acode.sync.batch</c> span and records its duration. The outcome tag:
    /// <c>delivered</c> (every record applied or a duplicate), <c>partial</c> (some retried or dead-lettered),
    /// <c>released</c> (none done, the leases given back), <c>failed</c> (an error ended the run: an outage pauses it).
    /// </summary>
    private async Task DeliverAsync(IReadOnlyList<OutboxRecord> batch, RunCounters run, CancellationToken token)
    {
        using Activity? activity = AcodeActivities.Start("acode.sync.batch", AcodeActivities.Postgres);
        if (activity is not null)
        {
            activity.SetTag("db.operation.batch.size", batch.Count);
            activity.SetTag("acode.sync.bytes", batch.Sum(r => (long)System.Text.Encoding.UTF8.GetByteCount(r.Payload)));
            activity.SetTag("db.namespace", _target!.Database);
            activity.SetTag("server.address", _target.Host);
            activity.SetTag("server.port", _target.Port);
        }

        long started = _time.GetTimestamp();
        (long done, long failed) = (run.Done, run.Retried + run.DeadLettered);
        string outcome = "failed";
        try
        {
            await DeliverBatchAsync(batch, run, token).ConfigureAwait(false);
            long handled = run.Done - done, failedNow = run.Retried + run.DeadLettered - failed;
            outcome = handled == 0 ? "released" : failedNow == 0 ? "delivered" : "partial";
            activity?.SetTag("acode.sync.delivered", handled - failedNow);
            activity?.SetTag("acode.sync.failed", failedNow);
        }
        catch (Exception ex)
        {
            // An outage or a refusal is told by its ACODE-DB code, as the run's pause reason is.
            AcodeActivities.Fail(activity, activity is null ? ex : AsUnavailable(ex) ?? ex);
            throw;
        }
        finally
        {
            activity?.SetTag("acode.sync.outcome", outcome);
            _metrics.RecordBatch(_time.GetElapsedTime(started), outcome);
        }
    }

    private async Task DeliverBatchAsync(IReadOnlyList<OutboxRecord> batch, RunCounters run, CancellationToken token)
    {
        BatchApplyResult result;
        Exception? lost;
        try
        {
            result = await ApplyAsync(batch, token).ConfigureAwait(false);
            lost = null;
        }
        catch (Exception ex) when (IsRecordFailure(ex))
        {
            await IsolateFailuresAsync(batch, ex, run, token).ConfigureAwait(false);
            return;
        }
        catch (PostgresException ex) when (IsTransactionRetry(ex))
        {
            // A deadlock or serialization failure with another applier: nobody's fault, the next claim retries it.
            await _outbox.ReleaseAsync(_owner, batch.Select(r => r.Id).ToList(), CancellationToken.None).ConfigureAwait(false);
            return;
        }
        catch (Exception ex) when (!token.IsCancellationRequested && PostgresErrorMapper.IsUnavailable(ex))
        {
            lost = ex;
            result = null!;
        }
        catch
        {
            // Cancellation or a fault of acode's own: nobody is at fault, so the records go back untouched.
            await _outbox.ReleaseAsync(_owner, batch.Select(r => r.Id).ToList(), CancellationToken.None).ConfigureAwait(false);
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
                return;
            }

            await _outbox.ReleaseAsync(_owner, batch.Select(r => r.Id).ToList(), CancellationToken.None).ConfigureAwait(false);
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(lost);
        }

        await AcknowledgeAsync(batch, result, run).ConfigureAwait(false);
    }

    /// <summary>True when a fresh connection to PostgreSQL runs a query; false when PostgreSQL is unavailable.</summary>
    private async Task<bool> ServerAnswersAsync(CancellationToken token)
    {
        try
        {
            NpgsqlConnection connection = await _dataSource!.OpenConnectionAsync(token).ConfigureAwait(false);
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
            return await _applier!.ApplyAsync(batch, token).ConfigureAwait(false);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            // The server came back with an empty database: recreate the schema and try once more.
            _schemaReady = false;
            await EnsureSchemaAsync(token).ConfigureAwait(false);
            return await _applier!.ApplyAsync(batch, token).ConfigureAwait(false);
        }
    }

    private async Task AcknowledgeAsync(IReadOnlyList<OutboxRecord> batch, BatchApplyResult result, RunCounters run)
    {
        // PostgreSQL has committed: acknowledging must not be cancelled half-way (a redelivery would be a harmless duplicate).
        await _outbox.AcknowledgeAsync(_owner, batch.Select(r => r.Id).ToList(), CancellationToken.None).ConfigureAwait(false);
        DateTimeOffset now = _time.GetUtcNow();
        foreach (OutboxRecord record in batch)
        {
            _metrics.RecordDelivered(result.Outcomes[record.Id], now - record.CreatedAt);
        }

        run.Applied += result.Count(ApplyOutcome.Applied, ApplyOutcome.Superseded, ApplyOutcome.ConflictWon, ApplyOutcome.ConflictLost, ApplyOutcome.Stale);
        run.Duplicates += result.Count(ApplyOutcome.Duplicate);
        run.Conflicts += result.Conflicts.Count;
        ObserveRemoteClock(result.MaxRemoteHlc, run);
    }

    // retryAlone: retry even a batch of one, whose failure (a lost connection) has not repeated yet.
    private async Task IsolateFailuresAsync(IReadOnlyList<OutboxRecord> batch, Exception batchError, RunCounters run, CancellationToken token, bool retryAlone = false)
    {
        if (batch.Count == 1 && !retryAlone)
        {
            await RecordFailureAsync(batch[0], batchError, run).ConfigureAwait(false);
            return;
        }

        // One bad record must not hold back the others: apply them one by one, in order.
        foreach (OutboxRecord record in batch)
        {
            Exception? lost = null;
            try
            {
                BatchApplyResult single = await ApplyAsync([record], token).ConfigureAwait(false);
                await AcknowledgeAsync([record], single, run).ConfigureAwait(false);
            }
            catch (Exception ex) when (IsRecordFailure(ex))
            {
                await RecordFailureAsync(record, ex, run).ConfigureAwait(false);
            }
            catch (Exception ex) when (!token.IsCancellationRequested && PostgresErrorMapper.IsUnavailable(ex))
            {
                lost = ex;
            }
            catch
            {
                await _outbox.ReleaseAsync(_owner, batch.Select(r => r.Id).ToList(), CancellationToken.None).ConfigureAwait(false);
                throw;
            }

            if (lost is not null)
            {
                // The connection failed again, with this record alone: if the server still answers, the record is at fault.
                if (!PostgresErrorMapper.IsOutage(lost) || !await ServerAnswersAsync(token).ConfigureAwait(false))
                {
                    await _outbox.ReleaseAsync(_owner, batch.Select(r => r.Id).ToList(), CancellationToken.None).ConfigureAwait(false);
                    System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(lost);
                }

                await RecordFailureAsync(record, new RecordBreaksConnectionException(lost), run).ConfigureAwait(false);
            }
        }
    }

    private async Task RecordFailureAsync(OutboxRecord record, Exception error, RunCounters run)
    {
        int attempt = record.Attempts + 1;
        bool deadLetter = attempt >= _options.MaxAttempts;
        DateTimeOffset next = _time.GetUtcNow() + Backoff.Delay(attempt, _options.BaseBackoff, _options.MaxBackoff);
        string message = Describe(error);
        await _outbox.RecordFailureAsync(_owner, record.Id, message, next, deadLetter, CancellationToken.None).ConfigureAwait(false);
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

    private void ObserveRemoteClock(long remoteHlc, RunCounters run)
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

    /// <summary>ACODE-DB-006 when <paramref name="ex"/> means PostgreSQL cannot be used now (already mapped, or native).</summary>
    private AcodeDbException? AsUnavailable(Exception ex)
        => ex is AcodeDbException { ErrorCode: AcodeErrorCode.PostgresUnavailable } mapped ? mapped : PostgresErrorMapper.Map(ex, _target!.Redacted);

    private static bool IsRecordFailure(Exception ex)
        => ex is not AcodeDbException && !PostgresErrorMapper.IsUnavailable(ex)
           && ex is PostgresException { SqlState: not ['4', '0', ..] } or FormatException or InvalidCastException or System.Text.Json.JsonException;

    private static bool IsTransactionRetry(PostgresException ex) => ex.SqlState.StartsWith("40", StringComparison.Ordinal);

    private static string Describe(Exception error) => error switch
    {
        PostgresException pg => $"PostgreSQL rejected the record (SQLSTATE {pg.SqlState}: {pg.MessageText})",
        RecordBreaksConnectionException lost => lost.Message,
        _ => $"{error.GetType().Name}: {error.Message}",
    };

    private sealed class RunCounters
    {
        public long Applied { get; set; }

        public long Duplicates { get; set; }

        public long Conflicts { get; set; }

        public long Retried { get; set; }

        public long DeadLettered { get; set; }

        public long MaxRemoteHlc { get; set; }

        public long Done => Applied + Duplicates + Retried + DeadLettered;
    }
}
