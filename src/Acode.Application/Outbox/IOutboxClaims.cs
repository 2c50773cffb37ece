namespace Acode.Application.Outbox;

/// <summary>
/// The outbox as the sync sees it (its second role): claim batches under a lease, acknowledge what PostgreSQL committed,
/// give back what was not applied, count failed attempts. Every call names the lease owner; records leased to another
/// live owner are never returned or changed.
/// </summary>
public interface IOutboxClaims
{
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

    /// <summary>
    /// In one local transaction: marks <paramref name="acknowledge"/> delivered (as <see cref="AcknowledgeAsync"/>), then claims
    /// the next batch (as <see cref="ClaimAsync(string, int, long, TimeSpan, CancellationToken)"/>). Lets a sync acknowledge the
    /// batch PostgreSQL committed and claim the one after next while the next one is being applied, with one commit for both.
    /// </summary>
    Task<IReadOnlyList<OutboxRecord>> AcknowledgeAndClaimAsync(string owner, IReadOnlyCollection<long> acknowledge, int limit, long maxBytes, TimeSpan lease, CancellationToken cancellationToken = default);

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
}
