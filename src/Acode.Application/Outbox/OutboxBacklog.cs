namespace Acode.Application.Outbox;

/// <summary>
/// The outbox's backlog as one snapshot: its statistics (records pending, dead-lettered, the oldest pending), and how many
/// of the pending records another sync holds under a lease that has not expired (a process running elsewhere, or one that
/// died holding them), until when. Read together, so that a count of pending records is never said beside a lease count
/// or a dead-letter count of another moment.
/// </summary>
/// <param name="Statistics">The counts and times of <see cref="IOutboxAdministration.GetStatisticsAsync"/>, of this snapshot.</param>
/// <param name="LeasedElsewhere">Of the pending records, the ones another sync has leased; a sync skips them until <paramref name="LeasedUntil"/>.</param>
/// <param name="LeasedUntil">When the last of those leases expires (UTC); null when none are leased.</param>
public sealed record OutboxBacklog(OutboxStatistics Statistics, long LeasedElsewhere, DateTimeOffset? LeasedUntil)
{
    /// <summary>Records waiting to be delivered (<see cref="OutboxStatistics.Pending"/>).</summary>
    public long Pending => Statistics.Pending;
}
