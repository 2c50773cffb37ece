namespace Acode.Application.Outbox;

/// <summary>The outbox at a glance: what waits, what is dead-lettered, how old the oldest pending record is.</summary>
public sealed record OutboxStatistics(
    long Pending,
    long Failed,
    long Processed,
    DateTimeOffset? OldestPendingCreatedAt,
    DateTimeOffset? LastProcessedAt)
{
    /// <summary>How long the oldest pending record has waited at <paramref name="now"/>; null when nothing is pending.</summary>
    public TimeSpan? OldestPendingAge(DateTimeOffset now) => OldestPendingCreatedAt is { } t ? now - t : null;
}
