namespace Acode.Infrastructure.Sync;

/// <summary>What one sync run did so far: the figures of its <see cref="Application.Sync.SyncRunResult"/>.</summary>
internal sealed class SyncRunCounters
{
    public long Applied { get; set; }

    public long Duplicates { get; set; }

    public long Conflicts { get; set; }

    /// <summary>Of <see cref="Conflicts"/>: this workspace's changes that lost to the version PostgreSQL holds.</summary>
    public long ConflictsLost { get; set; }

    /// <summary>The sessions of the lost changes (ordinal order).</summary>
    public SortedSet<string> LostSessions { get; } = new(StringComparer.Ordinal);

    public long Retried { get; set; }

    public long DeadLettered { get; set; }

    /// <summary>Batches given back after a deadlock or serialization failure (SQLSTATE class 40), to be claimed again.</summary>
    public long ReleasedForRetry { get; set; }

    /// <summary>The newest stamp seen in PostgreSQL and adopted by the clock, in UTC ticks (0: none).</summary>
    public long MaxRemoteHlc { get; set; }

    public long Done => Applied + Duplicates + Retried + DeadLettered;
}
