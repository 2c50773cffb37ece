namespace Acode.Application.Outbox;

/// <summary>Where an outbox record is: waiting (<see cref="Pending"/>), synced (<see cref="Processed"/>), or dead-lettered (<see cref="Failed"/>).</summary>
public enum OutboxStatus
{
    /// <summary>Waiting to be delivered (or leased to a sync that is delivering it).</summary>
    Pending,
    /// <summary>Delivered to PostgreSQL; kept for <c>persistence:sqlite:outboxRetentionDays</c>, then pruned.</summary>
    Processed,
    /// <summary>Dead-lettered after <c>persistence:sync:maxAttempts</c> failed attempts; waits for <c>acode db sync retry</c>.</summary>
    Failed,
}
