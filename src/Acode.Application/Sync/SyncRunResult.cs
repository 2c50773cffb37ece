namespace Acode.Application.Sync;

/// <summary>What one <see cref="ISyncService.SyncAsync"/> run did.</summary>
public sealed record SyncRunResult(
    long Applied,
    long Duplicates,
    long Conflicts,
    long Retried,
    long DeadLettered,
    long Remaining,
    bool Paused,
    string? PauseReason)
{
    /// <summary>Records now in PostgreSQL: applied by this run, or found already applied (duplicates).</summary>
    public long Delivered => Applied + Duplicates;
}
