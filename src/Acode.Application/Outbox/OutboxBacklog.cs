namespace Acode.Application.Outbox;

/// <summary>
/// The outbox's backlog as one snapshot: how many records are pending, and how many of them another sync holds under a
/// lease that has not expired (a process running elsewhere, or one that died holding them), until when. Read together,
/// so that a count of pending records is never said beside a lease count of another moment.
/// </summary>
/// <param name="Pending">Records waiting to be delivered.</param>
/// <param name="LeasedElsewhere">Of those, the ones another sync has leased; a sync skips them until <paramref name="LeasedUntil"/>.</param>
/// <param name="LeasedUntil">When the last of those leases expires (UTC); null when none are leased.</param>
public sealed record OutboxBacklog(long Pending, long LeasedElsewhere, DateTimeOffset? LeasedUntil);
