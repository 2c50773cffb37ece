namespace Acode.Application.Outbox;

/// <summary>
/// The outbox as operators and housekeeping see it (its third role): statistics, reading records without claiming them,
/// requeueing dead letters or delivered records, pruning delivered records past the retention.
/// </summary>
public interface IOutboxAdministration
{
    /// <summary>Reads records in the order the sync applies them (oldest first), without claiming them.</summary>
    Task<IReadOnlyList<OutboxRecord>> ReadAsync(OutboxStatus status, int limit, CancellationToken cancellationToken = default);

    /// <summary>Counts records by status and reads the oldest pending and the last processed times (one search of the status index each).</summary>
    Task<OutboxStatistics> GetStatisticsAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// The outbox's statistics, and the pending records that another sync (an owner other than <paramref name="owner"/>: a process
    /// running elsewhere, or one that died holding them) has leased and whose leases have not expired, with when the last
    /// of those leases expires: one snapshot (<see cref="OutboxBacklog"/>, one read transaction). A sync skips the leased
    /// ones until then.
    /// </summary>
    /// <param name="owner">The lease owner of the asking process's sync, whose own leases are not counted.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    Task<OutboxBacklog> GetBacklogAsync(string owner, CancellationToken cancellationToken = default);

    /// <summary>Deletes processed records older than <paramref name="retention"/>; returns how many.</summary>
    Task<int> PruneProcessedAsync(TimeSpan retention, CancellationToken cancellationToken = default);

    /// <summary>Puts dead-lettered records back in the queue with zero attempts: one (<paramref name="id"/>) or all (null).</summary>
    /// <returns>How many were requeued.</returns>
    Task<int> RequeueFailedAsync(long? id, CancellationToken cancellationToken = default);

    /// <summary>
    /// Puts every delivered record still retained back in the queue, to refill a PostgreSQL that lost them (restored
    /// empty, or a new target). Safe: records already present are recognised by their keys and change nothing.
    /// </summary>
    /// <returns>How many were requeued.</returns>
    Task<int> RequeueProcessedAsync(CancellationToken cancellationToken = default);
}
