using Acode.Application.Errors;

namespace Acode.Application.Sync;

/// <summary>
/// What one <see cref="ISyncService.SyncAsync"/> run did. Every delivered record is counted once by what happened to it:
/// <see cref="Applied"/> (now in PostgreSQL), <see cref="Duplicates"/>, <see cref="Superseded"/> (a later version of the
/// same entity applied in its place), or not applied (<see cref="NotApplied"/>: <see cref="Stale"/>,
/// <see cref="OfDeletedSessions"/>, <see cref="ConflictsLost"/>).
/// </summary>
/// <param name="Applied">Changes this run made PostgreSQL's version: applied, or won a conflict (<see cref="ConflictsWon"/> are among them).</param>
/// <param name="Duplicates">Records PostgreSQL had already applied (a redelivery, or the same version delivered by another workspace).</param>
/// <param name="Conflicts">Conflicts audited in <c>sync_conflicts</c> (won and lost).</param>
/// <param name="Retried">Records that failed and wait for their next attempt.</param>
/// <param name="DeadLettered">Records dead-lettered by this run.</param>
/// <param name="Remaining">Records pending after the run.</param>
/// <param name="Paused">Whether the run stopped at an outage (or found nothing configured).</param>
/// <param name="PauseReason">The pause's error code and message; null when the run did not pause.</param>
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
    /// <summary>Records delivered and acknowledged by this run, whatever PostgreSQL did with them: <see cref="Applied"/> + <see cref="Duplicates"/> + <see cref="Superseded"/> + <see cref="NotApplied"/>.</summary>
    public long Delivered => Applied + Duplicates + Superseded + NotApplied;

    /// <summary>Delivered changes that PostgreSQL did not apply and that no applied version carries on: <see cref="Stale"/> + <see cref="OfDeletedSessions"/> + <see cref="ConflictsLost"/>.</summary>
    public long NotApplied => Stale + OfDeletedSessions + ConflictsLost;

    /// <summary>
    /// Older versions of an entity whose later version, delivered in the same batch, was applied in their place (an
    /// entity changed several times between two syncs): not written themselves, but carried on by the applied version.
    /// </summary>
    public long Superseded { get; init; }

    /// <summary>
    /// Not applied: PostgreSQL already held a newer version of the same line of changes (for instance the change of an
    /// old export imported here, which another workspace had delivered and changed since).
    /// </summary>
    public long Stale { get; init; }

    /// <summary>
    /// Not applied: the change's session is deleted in PostgreSQL and the deletion covers it (the deleting workspace had
    /// it), so nothing was lost and nothing is audited. Changes the deletion did not cover are in <see cref="ConflictsLostToDeletion"/>.
    /// </summary>
    public long OfDeletedSessions { get; init; }

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

    /// <summary>
    /// The ids of the sessions whose changes lost to newer versions (<see cref="ConflictsLost"/> less
    /// <see cref="ConflictsLostToDeletion"/> and <see cref="ConflictsLostToOtherSession"/>; <c>acode session pull</c> takes PostgreSQL's version), ordinal order; empty
    /// when none. A session deleted in PostgreSQL is never among them: it is in <see cref="DeletedSessions"/>.
    /// </summary>
    public IReadOnlyList<string> LostSessionIds { get; init; } = [];

    /// <summary>
    /// This workspace's changes delivered by an earlier sync (and applied then) that lost since to a later concurrent
    /// change another workspace delivered, found in <c>sync_conflicts</c> by the first run after that (told once; only
    /// while this workspace still holds the version that lost). Not delivered by this run, so not in
    /// <see cref="Delivered"/> nor <see cref="ConflictsLost"/>; their sessions are in <see cref="LostSessionIds"/>
    /// (<c>acode session pull</c> takes PostgreSQL's version).
    /// </summary>
    public long ConflictsLostSince { get; init; }

    /// <summary>
    /// Like <see cref="ConflictsLostSince"/>, changes that lost since to their session's deletion by another workspace;
    /// their sessions are in <see cref="DeletedSessions"/>.
    /// </summary>
    public long ConflictsLostSinceToDeletion { get; init; }

    /// <summary>
    /// Of <see cref="ConflictsLost"/>: changes that lost because their session is deleted in PostgreSQL (a tombstone):
    /// <c>acode session pull</c> cannot take a version of it, there is none.
    /// </summary>
    public long ConflictsLostToDeletion { get; init; }

    /// <summary>
    /// Of <see cref="ConflictsLost"/>: changes to a task, step, tool call, artifact or event whose row PostgreSQL files
    /// under another session, so they were not applied (a row never moves between sessions; docs/architecture.md,
    /// "Conflicts"). That happens when two copies of one transcript that begin at different records are imported in two
    /// workspaces: each copy is its own session, their records share ids, and the first synced keeps them.
    /// <c>acode session pull</c> of the change's session takes nothing for them (PostgreSQL has no version under it).
    /// </summary>
    public long ConflictsLostToOtherSession { get; init; }

    /// <summary>
    /// For <see cref="ConflictsLostToOtherSession"/>: each session of those changes (ordinal order) with the sessions
    /// PostgreSQL files their rows under. A session is in <see cref="LostSessionIds"/> only for its other lost changes.
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, IReadOnlyList<string>>> OtherSessionOwners { get; init; } = [];

    /// <summary>
    /// The sessions of <see cref="ConflictsLostToDeletion"/>, deleted in PostgreSQL (none is in <see cref="LostSessionIds"/>), each with the workspace that deleted it and when
    /// (<see cref="Queries.SessionWorkspaces.LastId"/>, <see cref="Queries.SessionWorkspaces.LastName"/>,
    /// <see cref="Queries.SessionWorkspaces.DeletedAt"/>; null when that could not be read after the run). Ordinal order.
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, Queries.SessionWorkspaces?>> DeletedSessions { get; init; } = [];

    /// <summary>
    /// Set by the run that found PostgreSQL without what this workspace delivered before (restored empty, recreated,
    /// or another database); reported once, by the run that found it. Null otherwise.
    /// </summary>
    public SyncTargetWarning? TargetWarning { get; init; }

    /// <summary>
    /// Set by the run that migrated PostgreSQL's existing acode schema to this program's version before sending anything
    /// (from which version, to which, how many migrations): from then on an acode that knows only the older version is
    /// refused there (ACODE-DB-004), so a caller tells its user. Null when the run migrated nothing, or created the schema
    /// in an empty database.
    /// </summary>
    public SchemaUpgrade? PostgresMigrated { get; init; }

    /// <summary>
    /// Bookkeeping after the delivery that failed (this workspace's row in PostgreSQL's <c>workspaces</c>, the time of the
    /// sync in the workspace's status, pruning the outbox): one sentence each saying what was not recorded, why, and that
    /// the next sync records it. They change nothing about what was delivered (a run that delivered everything is no pause
    /// and no failure for them); empty when everything was recorded.
    /// </summary>
    public IReadOnlyList<string> BookkeepingWarnings { get; init; } = [];
}
