namespace Acode.Infrastructure.Sync;

/// <summary>What one sync run did so far: the figures of its <see cref="Application.Sync.SyncRunResult"/>.</summary>
internal sealed class SyncRunCounters
{
    /// <summary>Changes now in PostgreSQL: <see cref="ApplyOutcome.Applied"/> and <see cref="ApplyOutcome.ConflictWon"/>.</summary>
    public long Applied { get; set; }

    public long Duplicates { get; set; }

    /// <summary>Changes a later change of the same entity in the same batch was applied in place of.</summary>
    public long Superseded { get; set; }

    /// <summary>Stale changes of live sessions: PostgreSQL already held a newer version of the same line of changes.</summary>
    public long Stale { get; set; }

    /// <summary>Stale changes of sessions deleted in PostgreSQL: the deletion covers them.</summary>
    public long StaleOfDeletedSessions { get; set; }

    public long Conflicts { get; set; }

    /// <summary>Of <see cref="Conflicts"/>: this workspace's changes that lost to the version PostgreSQL holds.</summary>
    public long ConflictsLost { get; set; }

    /// <summary>The sessions of the changes lost to newer versions, not to a deletion (ordinal order).</summary>
    public SortedSet<string> LostSessions { get; } = new(StringComparer.Ordinal);

    /// <summary>Of <see cref="ConflictsLost"/>: the changes that lost because their session is deleted in PostgreSQL.</summary>
    public long ConflictsLostToDeletion { get; set; }

    /// <summary>The sessions of the changes lost to a deletion: deleted in PostgreSQL (ordinal order; none is in <see cref="LostSessions"/>).</summary>
    public SortedSet<string> DeletedLostSessions { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Of <see cref="ConflictsLost"/>: the changes that lost because PostgreSQL files their row under another session
    /// (<see cref="BatchApplyResult.OwnedByOtherSession"/>); their sessions are not in <see cref="LostSessions"/> for them.
    /// </summary>
    public long ConflictsLostToOtherSession { get; set; }

    /// <summary>For <see cref="ConflictsLostToOtherSession"/>: each change's session (ordinal order) → the sessions PostgreSQL files its rows under.</summary>
    public SortedDictionary<string, SortedSet<string>> OtherSessionOwners { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// This workspace's changes delivered by earlier syncs that lost since to a later concurrent change of another workspace
    /// (<see cref="LostSinceReader"/>); not delivered by this run, so not in <see cref="Done"/>. Their sessions are in <see cref="LostSessions"/>.
    /// </summary>
    public long ConflictsLostSince { get; set; }

    /// <summary>Like <see cref="ConflictsLostSince"/>, lost since to the session's deletion; their sessions are in <see cref="DeletedLostSessions"/>.</summary>
    public long ConflictsLostSinceToDeletion { get; set; }

    /// <summary>The local time taken just before this run read the changes lost since (null: it did not read them); the run's stamp.</summary>
    public DateTimeOffset? LostSinceReadAt { get; set; }

    public long Retried { get; set; }

    public long DeadLettered { get; set; }

    /// <summary>Batches given back after a deadlock or serialization failure (SQLSTATE class 40), to be claimed again.</summary>
    public long ReleasedForRetry { get; set; }

    /// <summary>Records PostgreSQL committed in this run whose acknowledgement in the workspace is not committed (yet).</summary>
    public long Unacknowledged { get; set; }

    /// <summary>The newest stamp seen in PostgreSQL and adopted by the clock, in UTC ticks (0: none).</summary>
    public long MaxRemoteHlc { get; set; }

    /// <summary>Records handled: acknowledged whatever their outcome, or failed.</summary>
    public long Done => Applied + Duplicates + Superseded + Stale + StaleOfDeletedSessions + ConflictsLost + Retried + DeadLettered;
}
