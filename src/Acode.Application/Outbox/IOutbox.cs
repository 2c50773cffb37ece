using System.Data.Common;

namespace Acode.Application.Outbox;

/// <summary>
/// The transactional outbox: every committed change has one record here, appended in the same transaction
/// as the change, until the sync has delivered it.
/// </summary>
public interface IOutbox
{
    /// <summary>
    /// Appends <paramref name="entry"/> inside <paramref name="transaction"/>, which the caller owns and commits.
    /// A record with the same idempotency key already present is not appended again.
    /// </summary>
    /// <returns><see langword="true"/> when a record was appended.</returns>
    Task<bool> AppendAsync(DbTransaction transaction, OutboxEntry entry, string originWorkspaceId, CancellationToken cancellationToken = default);

    /// <summary>Reads records in the order the sync applies them (oldest first), without claiming them.</summary>
    Task<IReadOnlyList<OutboxRecord>> ReadAsync(OutboxStatus status, int limit, CancellationToken cancellationToken = default);

    /// <summary>Counts records by status and reads the oldest pending and the last processed times (one search of the status index each).</summary>
    Task<OutboxStatistics> GetStatisticsAsync(CancellationToken cancellationToken = default);

    /// <summary>Deletes processed records older than <paramref name="retention"/>; returns how many.</summary>
    Task<int> PruneProcessedAsync(TimeSpan retention, CancellationToken cancellationToken = default);

    /// <summary>
    /// Leases up to <paramref name="limit"/> due pending records to <paramref name="owner"/> for <paramref name="lease"/>,
    /// oldest first. A record is skipped while an older pending record of the same entity exists, so one entity's
    /// changes are never applied out of order, and records leased to another live owner are never returned.
    /// </summary>
    Task<IReadOnlyList<OutboxRecord>> ClaimAsync(string owner, int limit, TimeSpan lease, CancellationToken cancellationToken = default);

    /// <summary>
    /// As <see cref="ClaimAsync(string, int, TimeSpan, CancellationToken)"/>, and also stops before the payloads
    /// (UTF-8 bytes) add up to more than <paramref name="maxBytes"/>; the first record is always returned, however large.
    /// </summary>
    Task<IReadOnlyList<OutboxRecord>> ClaimAsync(string owner, int limit, long maxBytes, TimeSpan lease, CancellationToken cancellationToken = default);

    /// <summary>Marks records delivered (processed); only those still leased to <paramref name="owner"/>.</summary>
    /// <returns>How many were marked.</returns>
    Task<int> AcknowledgeAsync(string owner, IReadOnlyCollection<long> ids, CancellationToken cancellationToken = default);

    /// <summary>Gives leased records back without counting an attempt (the target was unreachable).</summary>
    Task<int> ReleaseAsync(string owner, IReadOnlyCollection<long> ids, CancellationToken cancellationToken = default);

    /// <summary>
    /// Counts a failed attempt: the record goes back to the queue at <paramref name="nextAttemptAt"/>, or, when
    /// <paramref name="deadLetter"/>, is marked <see cref="OutboxStatus.Failed"/> until requeued.
    /// </summary>
    Task RecordFailureAsync(string owner, long id, string error, DateTimeOffset nextAttemptAt, bool deadLetter, CancellationToken cancellationToken = default);

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
