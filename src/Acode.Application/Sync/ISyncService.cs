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
    /// or when cancelled (cooperatively, between batches).
    /// </summary>
    Task<SyncRunResult> SyncAsync(IProgress<SyncProgress>? progress = null, CancellationToken cancellationToken = default);

    /// <summary>Backlog, dead letters, last successful sync, conflicts and whether PostgreSQL answers.</summary>
    Task<SyncStatus> GetStatusAsync(CancellationToken cancellationToken = default);

    /// <summary>Asks a running <see cref="SyncAsync"/> to stop after the batch in flight.</summary>
    void CancelSync();
}
