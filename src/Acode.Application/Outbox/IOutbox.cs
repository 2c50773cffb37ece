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

    Task<OutboxStatistics> GetStatisticsAsync(CancellationToken cancellationToken = default);

    /// <summary>Deletes processed records older than <paramref name="retention"/>; returns how many.</summary>
    Task<int> PruneProcessedAsync(TimeSpan retention, CancellationToken cancellationToken = default);
}
