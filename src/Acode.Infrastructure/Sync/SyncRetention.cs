using Acode.Application.Outbox;
using Acode.Infrastructure.Sqlite;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Acode.Infrastructure.Sync;

/// <summary>
/// Pruning, at most once per <see cref="OutboxSyncService.PruneInterval"/> per process: delivered outbox records older than
/// <c>persistence:sqlite:outboxRetentionDays</c>, then PostgreSQL's <c>sync_applied</c> keys past every workspace's retention
/// (<see cref="SyncAppliedPruner"/>, one pruner at a time across all workspaces). A PostgreSQL failure here is logged, never
/// a failed sync; a
/// failure of the local pruning (the workspace busy) is the caller's to report, and is retried by the next run.
/// </summary>
internal sealed class SyncRetention
{
    private readonly SqliteWorkspaceDatabase _database;
    private readonly IOutboxAdministration _outbox;
    private readonly NpgsqlDataSource _dataSource;
    private readonly string _redactedTarget;
    private readonly ILogger _logger;
    private DateTimeOffset _lastPrune = DateTimeOffset.MinValue;

    public SyncRetention(SqliteWorkspaceDatabase database, IOutboxAdministration outbox, NpgsqlDataSource dataSource, string redactedTarget, ILogger logger)
    {
        _database = database;
        _outbox = outbox;
        _dataSource = dataSource;
        _redactedTarget = redactedTarget;
        _logger = logger;
    }

    /// <summary>Pruning failed before it was done: the next run tries again instead of an hour later.</summary>
    public void RetryNextRun() => _lastPrune = DateTimeOffset.MinValue;

    public async Task PruneIfDueAsync()
    {
        DateTimeOffset now = _database.Time.GetUtcNow();
        if (now - _lastPrune < OutboxSyncService.PruneInterval)
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
            if (await new SyncAppliedPruner(_dataSource, OutboxSyncService.PruneInterval).PruneAsync(CancellationToken.None).ConfigureAwait(false) is > 0 and long keys)
            {
                Log.SyncAppliedPruned(_logger, keys);
            }
        }
        catch (Exception ex) when (SyncFailures.AsUnavailable(ex, _redactedTarget) is not null || ex is PostgresException)
        {
            Log.SyncAppliedPruneFailed(_logger, ex.Message);
        }
    }
}
