namespace Acode.Application.Sync;

/// <summary>
/// Delivers the outbox to PostgreSQL. Saves never wait for it: they wake it (<see cref="OutboxSignal"/>).
/// Delivery is at-least-once with idempotent apply, so every change arrives exactly once in effect.
/// </summary>
public interface ISyncService
{
    /// <summary>
    /// Drains the records that are due now, batch by batch, oldest first. Returns when nothing is due, when
    /// PostgreSQL is unreachable (the run is then <see cref="SyncRunResult.Paused"/>, and no record lost an attempt),
    /// or when <paramref name="cancellationToken"/> is cancelled: the batch in flight is rolled back in PostgreSQL and
    /// given back, what PostgreSQL committed is acknowledged, and the run returns what it did (it does not throw).
    /// </summary>
    Task<SyncRunResult> SyncAsync(IProgress<SyncProgress>? progress = null, CancellationToken cancellationToken = default);

    /// <summary>Backlog, dead letters, last successful sync, conflicts and whether PostgreSQL answers.</summary>
    Task<SyncStatus> GetStatusAsync(CancellationToken cancellationToken = default);
}
