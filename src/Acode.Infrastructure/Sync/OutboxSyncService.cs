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
/// transaction, mark it processed; repeat until nothing is due. The run loop of the sync engine, whose parts are
/// claiming (<see cref="OutboxClaimer"/>), applying (<see cref="BatchDelivery"/> over <see cref="PostgresOutboxApplier"/>),
/// the conflict decision (<see cref="ConflictRule"/>), status (<see cref="SyncStatusReader"/>) and pruning
/// (<see cref="SyncRetention"/>); docs/architecture.md, "The sync engine".
/// </summary>
/// <remarks>
/// <para>Failures are told apart by who is at fault (<see cref="SyncFailures"/>). PostgreSQL unreachable (ACODE-DB-006) is
/// an outage: the run stops, the batch's leases are released and no attempt is counted, so a night offline never
/// dead-letters anything; <see cref="SyncWorker"/> retries later with its own backoff (the circuit breaker). Any other
/// failure is a record's: the batch is retried one record at a time to find the poison, which gets attempts + 1 and the
/// next attempt after <see cref="Backoff"/>, and is dead-lettered after <see cref="SyncOptions.MaxAttempts"/>.</para>
/// <para>Batches end at <see cref="SyncOptions.BatchSize"/> records or <see cref="SyncOptions.MaxBatchBytes"/> bytes of
/// payload, whichever comes first (a larger record goes alone). The batch applied and the next one, claimed meanwhile,
/// are in memory at once: a sync holds at most twice the larger of the byte bound and the largest record (at most
/// <see cref="Application.Serialization.DocumentSize.MaxBytes"/>).</para>
/// <para>A process that dies mid-batch leaves leased records behind; the lease expires and another process (or
/// the same one, restarted) claims them again. If PostgreSQL had committed the batch, the idempotency keys make
/// the redelivery a no-op (AC-042, AC-046).</para>
/// <para>Stopping a run is done with the <see cref="CancellationToken"/> given to <see cref="SyncAsync"/>.</para>
/// </remarks>
internal sealed class OutboxSyncService : ISyncService, IDisposable
{
    private readonly SqliteWorkspaceDatabase _database;
    private readonly IOutbox _outbox;
    private readonly NpgsqlDataSource? _dataSource;
    private readonly bool _ownsDataSource;
    private readonly PostgresConnectionSettings? _target;
    private readonly SyncOptions _options;
    private readonly HybridClock _clock;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly PostgresOutboxApplier? _applier;
    private readonly PostgresMigrator _migrator;
    private readonly OutboxClaimer _claimer;
    private readonly BatchDelivery? _delivery;
    private readonly SyncStatusReader _status;
    private readonly SyncRetention? _retention;
    private readonly LostSinceReader? _lostSince;
    private bool _schemaReady;
    private long _journalRows = -1;
    private bool _registered;
    private bool _knownChecked;
    private SyncTargetWarning? _targetWarning;
    private Application.SchemaUpgrade? _postgresMigrated;
    private IReadOnlyList<string> _bookkeeping = [];

    /// <summary>The last-successful-sync time this instance wrote last (null: none yet): only its own idle polls skip the stamp.</summary>
    private DateTimeOffset? _stamped;

    /// <summary>
    /// A sync over what the composition root (<see cref="PersistenceServiceCollectionExtensions"/>) registered: the outbox,
    /// the keyed connection pool and the migrator are the container's singletons, and the container disposes them.
    /// </summary>
    /// <param name="database">The workspace database whose outbox is drained.</param>
    /// <param name="outbox">The outbox of <paramref name="database"/> (claims, acknowledgements, statistics, pruning).</param>
    /// <param name="target">PostgreSQL, or null when none is configured (every run then reports that and does nothing).</param>
    /// <param name="dataSource">The connection pool of <paramref name="target"/>; null exactly when <paramref name="target"/> is. Not disposed by this service.</param>
    /// <param name="migrator">Applies the PostgreSQL migrations before the first batch.</param>
    /// <param name="blobs">Copies the blobs a batch names to PostgreSQL.</param>
    /// <param name="options">Batch size, lease, retries.</param>
    /// <param name="clock">The clock of this process's store: it is moved past timestamps seen in PostgreSQL.</param>
    /// <param name="metrics">Instruments to record into.</param>
    public OutboxSyncService(
        SqliteWorkspaceDatabase database, IOutbox outbox, PostgresConnectionSettings? target, NpgsqlDataSource? dataSource, PostgresMigrator migrator,
        PostgresBlobUploader blobs, SyncOptions options, HybridClock clock, AcodeMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(outbox);
        ArgumentNullException.ThrowIfNull(migrator);
        ArgumentNullException.ThrowIfNull(blobs);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(metrics);
        if ((target is null) != (dataSource is null))
        {
            throw new ArgumentException("A connection pool is given exactly when a PostgreSQL target is.", nameof(dataSource));
        }

        _database = database;
        _outbox = outbox;
        _target = target;
        _dataSource = dataSource;
        _options = options;
        _options.Validate();
        _time = database.Time;
        _clock = clock;
        _logger = database.LoggerFactory.CreateLogger<OutboxSyncService>();
        metrics.ReadOutboxFrom(database);
        _migrator = migrator;
        _claimer = new OutboxClaimer(_outbox, _options, $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}");
        if (target is not null && dataSource is not null)
        {
            _applier = new PostgresOutboxApplier(dataSource, database.LoggerFactory.CreateLogger<PostgresOutboxApplier>(), blobs, migrator.Latest);
            _delivery = new BatchDelivery(_applier, _claimer, dataSource, target, _options, _clock, _time, metrics, _logger, RecreateSchemaAsync);
            _retention = new SyncRetention(database, _outbox, dataSource, target.Redacted, _logger);
            _lostSince = new LostSinceReader(dataSource, database);
        }

        _status = new SyncStatusReader(database, _outbox, dataSource, target, _migrator, _claimer.Owner);
    }

    /// <summary>
    /// A stand-alone sync (tests, the benchmarks, the resilience driver): builds the outbox, the migrator and a connection pool
    /// of its own for <paramref name="target"/> and hands them to the constructor above; it owns that pool and disposes it.
    /// </summary>
    /// <param name="database">The workspace database whose outbox is drained.</param>
    /// <param name="target">PostgreSQL, or null when none is configured (every run then reports that and does nothing).</param>
    /// <param name="options">Batch size, lease, retries.</param>
    /// <param name="clock">The clock of this process's store: it is moved past timestamps seen in PostgreSQL.</param>
    /// <param name="metrics">Instruments to record into (a private set when null).</param>
    public OutboxSyncService(SqliteWorkspaceDatabase database, PostgresConnectionSettings? target, SyncOptions? options = null, HybridClock? clock = null, AcodeMetrics? metrics = null)
        : this(
            database ?? throw new ArgumentNullException(nameof(database)),
            new SqliteOutbox(database),
            target,
            target is null ? null : PostgresDataSourceFactory.Create(target, database.LoggerFactory),
            new PostgresMigrator(logger: database.LoggerFactory.CreateLogger<PostgresMigrator>(), time: database.Time),
            new PostgresBlobUploader(database),
            options ?? new SyncOptions(),
            clock ?? new HybridClock(database.Time),
            metrics ?? new AcodeMetrics())
    {
        _ownsDataSource = true;
    }

    /// <summary>This process's lease owner name (host:pid:random).</summary>
    public string Owner => _claimer.Owner;

    public SyncOptions Options => _options;

    /// <summary>How often delivered records older than the retention (<c>persistence:sqlite:outboxRetentionDays</c>) are deleted.</summary>
    public static TimeSpan PruneInterval { get; } = TimeSpan.FromHours(1);

    /// <summary>How many sessions deleted in PostgreSQL a run's result details (<see cref="SyncRunResult.DeletedSessions"/>).</summary>
    internal const int DeletedSessionsShown = 10;

    public async Task<SyncRunResult> SyncAsync(IProgress<SyncProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        if (_applier is null || _delivery is null || _retention is null)
        {
            OutboxStatistics idle = await _outbox.GetStatisticsAsync(cancellationToken).ConfigureAwait(false);
            const string notConfigured = "PostgreSQL is not configured (set ACODE_POSTGRES_URL or persistence:postgres:connectionString)";
            return new SyncRunResult(0, 0, 0, 0, 0, idle.Pending, true, notConfigured) { PauseCode = AcodeErrorCode.InvalidConfiguration, PauseDetail = notConfigured };
        }

        var run = new SyncRunCounters();
        OutboxStatistics before = await _outbox.GetStatisticsAsync(cancellationToken).ConfigureAwait(false);
        long total = before.Pending;
        string? pauseReason = null;
        AcodeDbException? pause = null;
        try
        {
            await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
            total += await CheckTargetKnowsWorkspaceAsync(before.Processed, cancellationToken).ConfigureAwait(false);
            await DrainAsync(_delivery, run, progress, total, cancellationToken).ConfigureAwait(false);
            (bool registered, DateTimeOffset? lastSyncBefore) = await RegisterAsync(run, cancellationToken).ConfigureAwait(false);
            await ReadLostSinceAsync(registered, lastSyncBefore, run, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (AsUnavailable(ex) is { } unavailable)
        {
            pause = unavailable;
            pauseReason = $"{unavailable.Code}: {unavailable.Message.TrimEnd('.')}";
            Log.SyncPaused(_logger, pauseReason);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Cooperative stop: the batch in flight was rolled back in PostgreSQL and its leases released.
        }
        catch (AcodeDbException ex) when (run.Unacknowledged > 0)
        {
            // The workspace failed (a full disk) after PostgreSQL committed: the error says what reached PostgreSQL.
            throw AcodeErrors.SyncStoppedByWorkspace(ex, run.Done, run.Unacknowledged, _options.LeaseSeconds);
        }
        finally
        {
            _applier.ReleaseConnection();
        }

        // Bookkeeping after the delivery: what fails here was delivered all the same, so it never turns the run into a
        // pause or an error; each failure is one warning of the run (SyncRunResult.BookkeepingWarnings), and the next
        // sync records what this one could not.
        if (run.Done > 0)
        {
            Log.SyncRun(
                _logger, run.Done, run.Applied, run.Duplicates, run.Superseded, run.Stale + run.StaleOfDeletedSessions, run.Conflicts, run.ConflictsLost, run.Retried, run.DeadLettered);
        }

        // A run that reached PostgreSQL and was not stopped is a successful sync even when it had nothing to deliver: it
        // clears the last error and stamps the time (an idle run writes only when that changes what status shows, or once
        // a minute: IdleStampInterval).
        bool reached = pauseReason is null && !cancellationToken.IsCancellationRequested;
        if (run.Done > 0 || reached)
        {
            await RecordSuccessAsync(run).ConfigureAwait(false);
        }

        if (pauseReason is not null)
        {
            try
            {
                await _database.RecordSyncErrorAsync(_time.GetUtcNow(), pauseReason, CancellationToken.None).ConfigureAwait(false);
            }
            catch (AcodeDbException ex) when (!SyncLoop.EndsTheLoop(ex))
            {
                Log.BookkeepingFailed(_logger, "the error of this run in the workspace's sync status", $"{ex.Code}: {ex.Message}");
            }
        }
        else
        {
            try
            {
                await _retention.PruneIfDueAsync().ConfigureAwait(false);
            }
            catch (AcodeDbException ex) when (!SyncLoop.EndsTheLoop(ex))
            {
                _retention.RetryNextRun();
                Unrecorded("delivered records past the outbox retention were not pruned from the outbox", $"{ex.Code}: {ex.Message.TrimEnd('.', ' ')}");
            }
        }

        OutboxStatistics after = await _outbox.GetStatisticsAsync(CancellationToken.None).ConfigureAwait(false);
        SyncTargetWarning? warning = Interlocked.Exchange(ref _targetWarning, null); // reported once, by this run
        Application.SchemaUpgrade? migrated = TakePostgresMigrated(); // the same
        return new SyncRunResult(run.Applied, run.Duplicates, run.Conflicts, run.Retried, run.DeadLettered, after.Pending, pauseReason is not null, pauseReason)
        {
            PauseCode = pause?.ErrorCode,
            PauseDetail = pause?.Message.TrimEnd('.'),
            ConflictsLost = run.ConflictsLost,
            LostSessionIds = [.. run.LostSessions],
            TargetWarning = warning,
            PostgresMigrated = migrated,
            Superseded = run.Superseded,
            Stale = run.Stale,
            OfDeletedSessions = run.StaleOfDeletedSessions,
            ConflictsLostToDeletion = run.ConflictsLostToDeletion,
            ConflictsLostToOtherSession = run.ConflictsLostToOtherSession,
            OtherSessionOwners = [.. run.OtherSessionOwners.Select(o => new KeyValuePair<string, IReadOnlyList<string>>(o.Key, [.. o.Value]))],
            DeletedSessions = await DeletedSessionsAsync(run.DeletedLostSessions).ConfigureAwait(false),
            BookkeepingWarnings = Interlocked.Exchange(ref _bookkeeping, []),
            ConflictsLostSince = run.ConflictsLostSince,
            ConflictsLostSinceToDeletion = run.ConflictsLostSinceToDeletion,
        };
    }

    /// <summary>
    /// This workspace's changes delivered by earlier syncs that lost since to another workspace's later change: counted
    /// (<see cref="SyncRunCounters.ConflictsLostSince"/>) and their sessions named as for a change that lost in this run. A
    /// read that fails leaves them out: the run's outcome stands, and the next run reads them. <paramref name="registered"/> and
    /// <paramref name="lastSyncBefore"/>: what <see cref="RegisterAsync"/> returned (the window starts at the last sync it found).
    /// </summary>
    private async Task ReadLostSinceAsync(bool registered, DateTimeOffset? lastSyncBefore, SyncRunCounters run, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return;
        }

        try
        {
            IReadOnlyList<(string SessionId, bool ToDeletion)> lost = await _lostSince!.ReadAsync(registered, lastSyncBefore, cancellationToken).ConfigureAwait(false);
            run.LostSinceReadAt = _lostSince.LastReadLocalAt;
            foreach ((string sessionId, bool toDeletion) in lost)
            {
                if (toDeletion)
                {
                    run.ConflictsLostSinceToDeletion++;
                    run.DeletedLostSessions.Add(sessionId);
                }
                else
                {
                    run.ConflictsLostSince++;
                    run.LostSessions.Add(sessionId);
                }
            }

            if (registered || lost.Count == 0)
            {
                return;
            }
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or AcodeDbException && !cancellationToken.IsCancellationRequested)
        {
            Log.LostSinceUnread(_logger, ex.Message);
            return;
        }

        try
        {
            await _lostSince.MarkReportedAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException && !cancellationToken.IsCancellationRequested)
        {
            Log.BookkeepingFailed(_logger, "the end of the window of lost changes in PostgreSQL's workspaces table (another process may report them once more)", ex.Message);
        }
    }

    /// <summary>
    /// How often a run with nothing to deliver stamps the time of the last successful sync in the workspace when nothing else
    /// changed (no error to clear, no clock floor to raise): a <c>db sync --watch</c> or a host's worker polls every few
    /// seconds, and writing the workspace file at every idle poll would be needless I/O. Only the polls of one service
    /// instance skip: its first run always stamps, so a one-shot <c>acode db sync</c> is what <c>db status</c> shows next.
    /// </summary>
    public static TimeSpan IdleStampInterval { get; } = TimeSpan.FromMinutes(1);

    /// <summary>The workspace's sync status after a run that delivered something or reached PostgreSQL: last success now, no error.</summary>
    private async Task RecordSuccessAsync(SyncRunCounters run)
    {
        DateTimeOffset now = _time.GetUtcNow();

        // A run that read the changes lost since stamps the local time of that read: where this copy's next window for
        // conflicts won by a copy of the folder starts (LostSinceReader). A run that reported one always stamps.
        DateTimeOffset at = run.LostSinceReadAt is { } read && read <= now ? read : now;
        try
        {
            if (run.Done == 0 && run.ConflictsLostSince + run.ConflictsLostSinceToDeletion == 0)
            {
                WorkspaceSyncState state = _database.GetSyncState(CancellationToken.None);
                if (state.LastError is null && state.LastSuccessfulSync is { } last && last == _stamped && now - last < IdleStampInterval && now >= last
                    && run.MaxRemoteHlc <= state.HlcFloorTicks)
                {
                    return;
                }
            }

            await _database.RecordSyncSuccessAsync(at, run.MaxRemoteHlc, CancellationToken.None).ConfigureAwait(false);
            _stamped = at;
        }
        catch (AcodeDbException ex) when (!SyncLoop.EndsTheLoop(ex))
        {
            if (run.Done > 0)
            {
                Unrecorded("the time of this sync was not recorded in the workspace's sync status", $"{ex.Code}: {ex.Message.TrimEnd('.', ' ')}");
            }
            else
            {
                Log.BookkeepingFailed(_logger, "the time of this sync in the workspace's sync status", $"{ex.Code}: {ex.Message}");
            }
        }
    }

    /// <summary>One warning of this run: <paramref name="what"/> (delivery itself succeeded), why, and that the next sync records it.</summary>
    private void Unrecorded(string what, string reason)
    {
        Log.BookkeepingFailed(_logger, what, reason);
        _bookkeeping = [.. _bookkeeping, $"{what} ({reason}); nothing is lost, the next sync records it"];
    }

    /// <summary>
    /// When and by which workspace each session in <paramref name="ids"/> was deleted in PostgreSQL (the first
    /// <see cref="DeletedSessionsShown"/>, which a summary names; the others without), read after the run as
    /// <c>acode session pull</c> reads it. A read that fails leaves the details out: the run's outcome stands.
    /// </summary>
    private async Task<IReadOnlyList<KeyValuePair<string, Application.Queries.SessionWorkspaces?>>> DeletedSessionsAsync(IReadOnlyCollection<string> ids)
    {
        var found = new List<KeyValuePair<string, Application.Queries.SessionWorkspaces?>>(ids.Count);
        var reader = new PostgresStore.PostgresSessionWorkspaceReader(_dataSource!, _target!.Redacted);
        foreach (string id in ids)
        {
            Application.Queries.SessionWorkspaces? tombstone = null;
            if (found.Count < DeletedSessionsShown && Domain.Ids.SessionId.TryParse(id, out Domain.Ids.SessionId sessionId))
            {
                try
                {
                    tombstone = await reader.GetAsync(sessionId, CancellationToken.None).ConfigureAwait(false);
                }
                catch (AcodeDbException ex)
                {
                    Log.DeletedSessionUnread(_logger, id, ex.Message);
                }
            }

            found.Add(new(id, tombstone));
        }

        return found;
    }

    /// <summary>
    /// The migration of PostgreSQL's schema this service applied and has not reported yet (a sync run's result reports it
    /// once, <see cref="SyncRunResult.PostgresMigrated"/>); null when there is none. Taking it clears it.
    /// </summary>
    public Application.SchemaUpgrade? TakePostgresMigrated() => Interlocked.Exchange(ref _postgresMigrated, null);

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
        finally
        {
            _applier.ReleaseConnection();
        }
    }

    /// <summary>
    /// The remote half of <c>db prune --remote</c>: tombstones PostgreSQL's sessions older than the prune's cutoff (in its
    /// states), except those this workspace holds undelivered changes of, which their own records carry: the sessions
    /// <paramref name="local"/> kept, <paramref name="unsyncedBefore"/> (read before the local prune) and
    /// <paramref name="unsyncedNow"/> apart from the removals' own deletions. A session removed here is tombstoned with the
    /// cutoff like any other workspace's, so what PostgreSQL holds of it from before the cutoff is no conflict even when this
    /// copy was behind it (another workspace changed it since this one pulled it); the removal's own deletion then meets the
    /// tombstone and is no conflict either.
    /// </summary>
    /// <returns>The sessions tombstoned beyond <paramref name="local"/>'s removals.</returns>
    /// <exception cref="AcodeDbException">ACODE-DB-006: PostgreSQL cannot be reached; ACODE-DB-007: it is not configured.</exception>
    internal async Task<IReadOnlyList<string>> TombstoneBeyondPruneAsync(Retention.PruneRequest request, Retention.PruneReport local, IReadOnlyCollection<string> unsyncedBefore, IReadOnlyCollection<string> unsyncedNow, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(local);
        IReadOnlyList<string> tombstoned = await TombstoneSessionsAsync(request.Before, request.States, ExcludedFromPrune(local, unsyncedBefore, unsyncedNow), dryRun: false, cancellationToken).ConfigureAwait(false);
        return Beyond(local, tombstoned);
    }

    /// <summary>
    /// <c>db prune --remote</c>, before it removes anything (what is undelivered now is <paramref name="unsyncedBefore"/>),
    /// with one schema check: what <see cref="TombstoneBeyondPruneAsync"/> would tombstone, and the sessions among
    /// <paramref name="local"/>'s removals whose version in PostgreSQL the prune does not cover (live there and changed at
    /// or after the cutoff, or in a state outside the prune's): their local copies are removed without a deletion, so
    /// PostgreSQL keeps the team's newer version (<see cref="Retention.SessionRemoval.KeptInPostgres"/>).
    /// </summary>
    /// <exception cref="AcodeDbException">ACODE-DB-006: PostgreSQL cannot be reached; ACODE-DB-007: it is not configured.</exception>
    internal async Task<(IReadOnlyList<string> Tombstoned, IReadOnlyList<string> KeptInPostgres)> PlanPruneAsync(Retention.PruneRequest request, Retention.PruneReport local, IReadOnlyCollection<string> unsyncedBefore, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(local);
        if (_applier is null)
        {
            throw AcodeErrors.PostgresNotConfigured();
        }

        try
        {
            await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
            var pruner = new RemoteSessionPruner(_dataSource!, _applier, _clock, _database.WorkspaceId!);
            IReadOnlyList<string> kept = await pruner.OutsidePruneAsync(local.Removed, request.Before, request.States, cancellationToken).ConfigureAwait(false);
            IReadOnlyList<string> tombstoned = await pruner.TombstoneAsync(request.Before, request.States, ExcludedFromPrune(local, unsyncedBefore, unsyncedBefore), dryRun: true, cancellationToken).ConfigureAwait(false);
            return (Beyond(local, tombstoned), kept);
        }
        catch (Exception ex) when (AsUnavailable(ex) is { } unavailable)
        {
            throw unavailable;
        }
    }

    /// <summary>The sessions the remote prune leaves to the delivery: those with undelivered changes, apart from the removals' own deletions.</summary>
    private static string[] ExcludedFromPrune(Retention.PruneReport local, IReadOnlyCollection<string> unsyncedBefore, IReadOnlyCollection<string> unsyncedNow)
    {
        var removed = new HashSet<string>(local.Removed, StringComparer.Ordinal);
        return [.. new[] { local.KeptUnsynced, unsyncedBefore, unsyncedNow.Where(id => !removed.Contains(id)) }.SelectMany(ids => ids).Distinct(StringComparer.Ordinal)];
    }

    /// <summary>The tombstoned sessions other than <paramref name="local"/>'s own removals.</summary>
    private static IReadOnlyList<string> Beyond(Retention.PruneReport local, IReadOnlyList<string> tombstoned)
    {
        var removed = new HashSet<string>(local.Removed, StringComparer.Ordinal);
        return [.. tombstoned.Where(id => !removed.Contains(id))];
    }

    public Task<SyncStatus> GetStatusAsync(CancellationToken cancellationToken = default) => _status.ReadAsync(cancellationToken);

    /// <summary>
    /// Applies the PostgreSQL migrations (creating the schema on an empty database) before the first batch; on later runs
    /// of a long-lived service (<c>db sync --watch</c>, a host's worker) it first counts the journal's rows, one query, and
    /// checks the schema again when another acode migrated it since: a newer one is ACODE-DB-004 before anything is sent.
    /// </summary>
    public async Task EnsureSchemaAsync(CancellationToken cancellationToken)
    {
        if (_dataSource is null)
        {
            return;
        }

        if (_schemaReady && await JournalRowsAsync(cancellationToken).ConfigureAwait(false) == _journalRows)
        {
            return;
        }

        (Version? from, IReadOnlyList<Migration> applied) = await _migrator.MigrateFromAsync(_dataSource, cancellationToken).ConfigureAwait(false);
        _journalRows = await JournalRowsAsync(cancellationToken).ConfigureAwait(false);
        _schemaReady = true;
        if (from is not null && applied.Count > 0)
        {
            // The team's schema moved on: older acode versions are refused there from now on. Logged for hosts, and carried
            // by the run's result (SyncRunResult.PostgresMigrated) for the CLI to say.
            var upgrade = new Application.SchemaUpgrade(from.ToString(3), applied[^1].VersionText, applied.Count);
            Log.PostgresMigrated(_logger, _target!.Redacted, upgrade.From, upgrade.To, upgrade.Applied);
            _postgresMigrated = upgrade;
        }

        if (applied.Count > 0 && applied[0].Version == new Version(1, 0, 0))
        {
            OutboxStatistics local = await _outbox.GetStatisticsAsync(cancellationToken).ConfigureAwait(false);
            if (local.Processed > 0)
            {
                // PostgreSQL had no schema although this workspace delivered changes before: it was restored empty or replaced.
                Log.SchemaRecreated(_logger, _target!.Redacted, local.Processed);
                _knownChecked = true; // one warning is enough: the new schema knows no workspace either
                _targetWarning = new SyncTargetWarning(
                    $"PostgreSQL at {_target.Redacted} had no acode schema although this workspace delivered changes before (to this database before it was emptied, or to another one); the schema was created empty, "
                    + $"so what this workspace delivered earlier is not there ({local.Processed} delivered record(s) are still retained here)",
                    RefillHint);
            }
        }
    }

    /// <summary>The rows of PostgreSQL's migration journal; -1 when it has none (the schema was dropped: migrate again).</summary>
    private async Task<long> JournalRowsAsync(CancellationToken cancellationToken)
    {
        NpgsqlCommand command = _dataSource!.CreateCommand("SELECT count(*) FROM schema_version;");
        await using var commandScope = command.ConfigureAwait(false);
        try
        {
            return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            return -1;
        }
    }

    private const string RefillHint =
        "If the database was restored empty or replaced, send this workspace's retained changes again with 'acode db sync retry --processed'; "
        + "if ACODE_POSTGRES_URL (or persistence:postgres:connectionString) names the wrong database, fix it instead.";

    private const string KnowsWorkspaceSql = """
        SELECT NOT EXISTS (SELECT 1 FROM workspaces WHERE id = $1) AND NOT EXISTS (SELECT 1 FROM sessions WHERE created_origin = $1),
               (SELECT first_sync_at FROM workspaces WHERE id = $1);
        """;

    /// <summary>
    /// Once per process, before this workspace registers: when it delivered changes before (processed records are
    /// retained) but PostgreSQL has no record of it (no <c>workspaces</c> row, no session it created), the URL names
    /// another database than the one it synced to, or one restored from before its first sync: warn, as for a schema
    /// that was recreated. When PostgreSQL knows it, the records delivered since its first sync there that it lacks
    /// (delivered to another database meanwhile: trial AO 1) go back in the queue and this run delivers them
    /// (<see cref="DeliveredElsewhere"/>), with a warning that says so.
    /// </summary>
    /// <returns>How many records went back in the queue.</returns>
    private async Task<int> CheckTargetKnowsWorkspaceAsync(long processed, CancellationToken cancellationToken)
    {
        if (_knownChecked || _registered || processed == 0 || _dataSource is null)
        {
            return 0;
        }

        _knownChecked = true;
        bool unknown;
        DateTimeOffset? firstSync;
        NpgsqlCommand command = _dataSource.CreateCommand(KnowsWorkspaceSql);
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.AddWithValue(_database.WorkspaceId!);
            NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                unknown = reader.GetBoolean(0);
                firstSync = reader.IsDBNull(1) ? null : new DateTimeOffset(reader.GetDateTime(1), TimeSpan.Zero);
            }
        }

        if (unknown)
        {
            Log.TargetForgotWorkspace(_logger, _target!.Redacted, processed);
            _targetWarning = new SyncTargetWarning(
                $"PostgreSQL at {_target.Redacted} has no record of this workspace although it delivered changes before ({processed} delivered record(s) are still retained here): "
                + "it is another database than the one this workspace synced to, or one restored from before its first sync",
                RefillHint);
            return 0;
        }

        if (firstSync is null)
        {
            return 0;
        }

        int requeued = await DeliveredElsewhere.RequeueAsync(_database, _dataSource, firstSync.Value, _time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        if (requeued > 0)
        {
            Log.DeliveredElsewhere(_logger, _target!.Redacted, requeued);
            _targetWarning = new SyncTargetWarning(
                $"PostgreSQL at {_target.Redacted} lacks {requeued} record(s) this workspace delivered since it first synced there: they went to another database "
                + "(the URL named another one for a while), or this one was restored from a backup older than them; this run delivers them again",
                "Nothing to do here. If the other database was a mistake, what was delivered there stays there: remove it there if it must not be kept.");
        }

        return requeued;
    }

    public void Dispose()
    {
        _applier?.Dispose();
        if (_ownsDataSource)
        {
            _dataSource?.Dispose();
        }
    }

    /// <summary>The server came back with an empty database: migrate again.</summary>
    private Task RecreateSchemaAsync(CancellationToken cancellationToken)
    {
        _schemaReady = false;
        return EnsureSchemaAsync(cancellationToken);
    }

    /// <summary>
    /// One upsert of this workspace's <c>workspaces</c> row per run that delivered something, and on the first run.
    /// Returns whether it upserted and, if so, the <c>last_sync_at</c> it found (null: the row was new), where the
    /// look for changes that lost since starts (<see cref="LostSinceReader"/>).
    /// </summary>
    private async Task<(bool Registered, DateTimeOffset? LastSyncBefore)> RegisterAsync(SyncRunCounters run, CancellationToken token)
    {
        if (token.IsCancellationRequested || (_registered && run.Done == 0))
        {
            return (false, null);
        }

        WorkspaceRegistration registration = WorkspaceRegistration.Of(_database.WorkspaceId!, _database.Workspace.RootDirectory, _options.WorkspaceName, _database.Options.OutboxRetentionDays);
        try
        {
            DateTimeOffset? before = await registration.UpsertAsync(_dataSource!, token).ConfigureAwait(false);
            _registered = true;
            return (true, before);
        }
        catch (Exception ex) when (!token.IsCancellationRequested && (AsUnavailable(ex) is not null || ex is NpgsqlException))
        {
            string reason = AsUnavailable(ex) is { } refused
                ? $"{refused.Code}: {refused.Message.TrimEnd('.', ' ')}"
                : $"PostgreSQL refused it: {(ex is PostgresException pg ? PostgresServerSaid.Of(pg) : ex.Message)}".TrimEnd('.', ' ');
            if (run.Done == 0)
            {
                // Nothing was delivered, so there was nothing to write but this row: a server that answers yet refuses it
                // (one that accepts only reads) has no backlog to pause over. The next run that delivers registers.
                Log.RegistrationSkipped(_logger, reason);
            }
            else
            {
                // Everything was delivered and acknowledged: only this row (bookkeeping) is missing, which the next run writes.
                Unrecorded("this workspace's row in PostgreSQL's workspaces table (its last sync time and acode version) was not updated", reason);
            }
        }

        return (false, null);
    }

    // Claims in a row of a batch given back after a deadlock or serialization failure, once nothing else is due.
    private const int MaxRetryClaims = 10;

    /// <summary>
    /// Claims and delivers batch after batch until nothing is due, with SQLite and PostgreSQL side by side: while batch N is
    /// applied in PostgreSQL, one local transaction acknowledges batch N−1 (committed in PostgreSQL before) and claims N+1.
    /// Acknowledgements stay in order; N+1 never holds a later change of an entity of N (its older record is still leased).
    /// A crash leaves at most N−1 acknowledged late (redelivered: duplicates) and N, N+1 leased (redelivered when the
    /// leases expire); a stop gives the claimed batch back and acknowledges what PostgreSQL committed. A batch given back
    /// after a deadlock or serialization failure is claimed again before the run ends.
    /// </summary>
    private async Task DrainAsync(BatchDelivery delivery, SyncRunCounters run, IProgress<SyncProgress>? progress, long total, CancellationToken token)
    {
        IReadOnlyList<OutboxRecord> batch = await _claimer.ClaimAsync(token).ConfigureAwait(false);
        (IReadOnlyList<OutboxRecord> Batch, BatchApplyResult Result)? committed = null;
        int retryClaims = 0;
        try
        {
            while (batch.Count > 0 && !token.IsCancellationRequested)
            {
                var previous = committed;
                committed = null;
                Task<IReadOnlyList<OutboxRecord>> next = _claimer.AcknowledgeAndClaimInBackground(previous is { } p ? p.Batch : []);
                BatchApplyResult? result;
                long releasedBefore = run.ReleasedForRetry;
                try
                {
                    result = await delivery.DeliverAsync(batch, run, token).ConfigureAwait(false);
                }
                catch
                {
                    // The batch was given back (or isolated) by DeliverAsync; the one claimed meanwhile goes back untouched.
                    IReadOnlyList<OutboxRecord> claimed = await next.ConfigureAwait(false);
                    batch = [];
                    if (previous is { } acknowledged)
                    {
                        delivery.Acknowledged(acknowledged.Batch, acknowledged.Result, run);
                    }

                    await _claimer.ReleaseAsync(claimed).ConfigureAwait(false);
                    throw;
                }

                if (result is not null)
                {
                    BatchDelivery.Committed(batch, run); // until acknowledged, with the next claim or at the end
                }

                IReadOnlyList<OutboxRecord> following = await next.ConfigureAwait(false);
                if (following.Count == 0 && run.ReleasedForRetry > releasedBefore && !token.IsCancellationRequested && retryClaims++ < MaxRetryClaims)
                {
                    // The next claim ran while this batch was still leased: claim the batch given back again, or the run
                    // would end with it pending although nothing failed (a bounded number of times in a row, should
                    // PostgreSQL keep refusing it).
                    following = await _claimer.ClaimAsync(token).ConfigureAwait(false);
                }
                else if (result is not null)
                {
                    retryClaims = 0;
                }

                if (previous is { } done)
                {
                    delivery.Acknowledged(done.Batch, done.Result, run);
                    progress?.Report(new SyncProgress(run.Done, Math.Max(total, run.Done)));
                }

                if (result is not null)
                {
                    committed = (batch, result);
                    if (following.Count == 0 && !token.IsCancellationRequested)
                    {
                        // That claim ran while this batch was leased, and an entity's later records wait while an earlier
                        // one is leased: when they were all that was left, it found nothing. Acknowledged, this batch holds
                        // nothing back, so the run claims once more rather than end with them pending.
                        following = await _claimer.AcknowledgeAndClaimInBackground(batch).ConfigureAwait(false);
                        committed = null;
                        delivery.Acknowledged(batch, result, run);
                        progress?.Report(new SyncProgress(run.Done, Math.Max(total, run.Done)));
                    }
                }
                else
                {
                    progress?.Report(new SyncProgress(run.Done, Math.Max(total, run.Done)));
                }

                batch = following;
            }
        }
        finally
        {
            if (batch.Count > 0)
            {
                // Claimed, never applied (the run was stopped).
                await _claimer.ReleaseAsync(batch).ConfigureAwait(false);
            }

            if (committed is { } last)
            {
                await delivery.AcknowledgeAsync(last.Batch, last.Result, run).ConfigureAwait(false);
                progress?.Report(new SyncProgress(run.Done, Math.Max(total, run.Done)));
            }
        }
    }

    private AcodeDbException? AsUnavailable(Exception ex) => SyncFailures.AsUnavailable(ex, _target!.Redacted);
}
