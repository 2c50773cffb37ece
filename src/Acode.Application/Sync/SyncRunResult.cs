using Acode.Application.Errors;

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

    /// <summary>
    /// The error code of the pause, decided where the run paused: <see cref="AcodeErrorCode.PostgresUnavailable"/> (ACODE-DB-006)
    /// when PostgreSQL could not be reached or refused acode's role, <see cref="AcodeErrorCode.InvalidConfiguration"/>
    /// (ACODE-DB-007) when none is configured; null when the run did not pause.
    /// </summary>
    public AcodeErrorCode? PauseCode { get; init; }

    /// <summary>
    /// The pause's message without its error code and final full stop (<see cref="PauseReason"/> is
    /// "<c>ACODE-DB-006: </c>" followed by it for an unreachable PostgreSQL); null when the run did not pause.
    /// </summary>
    public string? PauseDetail { get; init; }

    /// <summary>
    /// Of <see cref="Conflicts"/>: this workspace's changes that lost to a concurrent version PostgreSQL holds (audited in
    /// <c>sync_conflicts</c>; the workspace keeps its own version until <c>acode session pull</c> takes PostgreSQL's).
    /// </summary>
    public long ConflictsLost { get; init; }

    /// <summary>Of <see cref="Conflicts"/>: changes that won over a concurrent version (they are now PostgreSQL's).</summary>
    public long ConflictsWon => Conflicts - ConflictsLost;

    /// <summary>The ids of the sessions whose changes lost (<see cref="ConflictsLost"/>), ordinal order; empty when none.</summary>
    public IReadOnlyList<string> LostSessionIds { get; init; } = [];

    /// <summary>
    /// Set by the run that found PostgreSQL without what this workspace delivered before (restored empty, recreated,
    /// or another database); reported once, by the run that found it. Null otherwise.
    /// </summary>
    public SyncTargetWarning? TargetWarning { get; init; }
}
