namespace Acode.Infrastructure.Retention;

/// <summary>How <see cref="Sqlite.SqliteRunStateStore.RemoveSessionsAsync"/> removes sessions.</summary>
internal sealed record SessionRemoval
{
    /// <summary>
    /// True: the deletion goes into the outbox (as <see cref="Application.IRunStateStore.DeleteSessionAsync"/> does), so the sync
    /// tombstones the session in PostgreSQL. False: only the local copy is removed and PostgreSQL keeps its copy.
    /// </summary>
    public bool RecordDeletion { get; init; }

    /// <summary>
    /// With <see cref="RecordDeletion"/>: the sessions whose local copy alone is removed, with no deletion recorded,
    /// because PostgreSQL holds a version of them the prune does not cover (<c>db prune --remote</c>: changed there at or
    /// after the cutoff, or in another state; trial AD: a stale local copy's deletion removed a newer team version).
    /// </summary>
    public IReadOnlySet<string> KeptInPostgres { get; init; } = new HashSet<string>();

    /// <summary>
    /// What removes the sessions, as <c>removed_imports</c> records it for a session that came from a transcript import
    /// (docs/import.md): <c>session delete</c>, <c>db prune</c>, <c>retention</c>.
    /// </summary>
    public required string Reason { get; init; }

    /// <summary>Leave alone a session that has changes not yet delivered to PostgreSQL (pending or dead-lettered outbox records).</summary>
    public bool SkipUnsynced { get; init; }

    /// <summary>
    /// Also remove the session's undelivered outbox records. Right only when they can never be delivered (no PostgreSQL is
    /// configured); otherwise they stay and are delivered in order, before any deletion record.
    /// </summary>
    public bool DropUndelivered { get; init; }

    /// <summary>
    /// Remove a session only if it is still last changed before this instant (checked inside the removing transaction).
    /// With <see cref="RecordDeletion"/> (<c>db prune --remote</c>) the deletion carries it (<see cref="Application.Outbox.OutboxEntry.PrunedBefore"/>).
    /// </summary>
    public DateTimeOffset? ChangedBefore { get; init; }

    /// <summary>Remove a session only if it is still in one of these states (empty: any state; checked inside the transaction).</summary>
    public IReadOnlyCollection<SessionState> States { get; init; } = [];
}
