namespace Acode.Infrastructure.Sync;

/// <summary>
/// The one rule that decides what an incoming change does to the PostgreSQL mirror (docs/architecture.md, "Conflicts").
/// Pure: it sees only stamps and facts the applier looked up, so it can be tested alone and reused by any store.
/// <list type="bullet">
/// <item>A change <em>continues</em> the stored version when the chain being delivered contains that very change, or
/// when it is based on the stored version number and its writer held that exact version (it wrote or delivered it),
/// and, when the change carries the stamp of its base (<see cref="IncomingChange.BaseHlc"/>, outbox records since
/// workspace schema 1.8.0), that stamp is the stored version's hlc. Version numbers are per lineage and a workspace id
/// does not name one lineage: a copy of a workspace folder keeps the original's id, so both copies "held" the version
/// they both delivered and both can make their own next version of it. Without the stamp, the copy's change based on
/// its own version 6 would continue the original's version 6 and overwrite it silently; with it, it is a conflict.
/// A record without the stamp (written before 1.8.0) is judged by version and writer alone, as before.
/// A change that does not continue the stored version is concurrent with it: a conflict, always audited.</item>
/// <item>The winner is the greater of (deleted, hlc, origin): a deletion beats every non-deletion whatever the clocks
/// say (a deleted session stays deleted), deletions and non-deletions among themselves go to the later hlc, ties to
/// the ordinal greater origin id. Being a total order, the result does not depend on the order of arrival.</item>
/// <item>The stored change itself delivered again by another workspace (same version, stamp and content) is a
/// <see cref="ApplyOutcome.Duplicate"/>: not applied, not audited, the stored origin kept.</item>
/// <item>A change that is not applied is audited unless PostgreSQL already holds it or something its writer built
/// on it (<see cref="ApplyOutcome.Stale"/>): every change that loses to a concurrent change is in
/// <c>sync_conflicts</c>.</item>
/// <item>A <c>db prune --remote</c> deletion (it carries the prune's cutoff) removes a live version changed before that
/// cutoff without a conflict, whatever copy it was made from, and is not applied over one changed at or after it, or
/// in a state the prune does not take (<see cref="ApplyOutcome.Stale"/>, not audited): the prune removes what was last changed before its cutoff, and
/// PostgreSQL keeps the newer version, as for a session the prune found changed there before removing anything.</item>
/// <item>A row never moves between sessions: a change to a child (task, step, tool call, artifact, event) whose stored
/// row belongs to another session is never applied, whatever the stamps (<see cref="ApplyOutcome.ConflictLost"/>,
/// audited: the stored row of the other session is the existing version). Ids are unique across sessions, so such a
/// change comes from a forged or edited export (a copy of a session under a new id whose children kept theirs); the
/// session it claims to move the row from keeps it, as SQLite's import keeps it (ImportConflictException).</item>
/// <item>Under a deleted session no child change is applied. One the deleting workspace held (it delivered that
/// exact change before its deletion) is covered by the deletion (<see cref="ApplyOutcome.Stale"/>); any other one
/// (in particular every change newer than the deletion, which the deleter cannot have seen) lost to the deletion and
/// is audited against the session's tombstone. A live child that a deletion removes is audited the same way.</item>
/// </list>
/// </summary>
internal static class ConflictRule
{
    /// <summary>
    /// Whether <paramref name="incoming"/> is an older change that another workspace already delivered (the same
    /// change, imported there): a replay, not news. Not applied and not audited; its first delivery was judged.
    /// </summary>
    public static bool IsReplay(IncomingChange incoming, StoredState? stored)
        => stored is { } s && incoming.Version < s.Version && incoming.DeliveredByOthers && !MovesSession(incoming, s);

    /// <summary>
    /// Whether applying <paramref name="incoming"/> would move the stored row to another session: both session ids are
    /// known and differ. Such a change is never applied (<see cref="Judge"/> returns <see cref="ApplyOutcome.ConflictLost"/>).
    /// </summary>
    public static bool MovesSession(IncomingChange incoming, StoredState stored)
        => incoming.SessionId is { } mine && stored.SessionId is { } theirs && !string.Equals(mine, theirs, StringComparison.Ordinal);

    /// <summary>The outcome of the last change of a chain of changes to one entity (a session, or a child of a live session).</summary>
    /// <param name="incoming">The newest change of the chain, with the facts of the whole chain.</param>
    /// <param name="stored">The version PostgreSQL holds; null when it holds none.</param>
    public static ApplyOutcome Judge(IncomingChange incoming, StoredState? stored)
    {
        if (stored is not { } s)
        {
            return ApplyOutcome.Applied;
        }

        // Checked before any order of versions: not even a later or a deleting change moves a row to another session.
        if (MovesSession(incoming, s))
        {
            return ApplyOutcome.ConflictLost;
        }

        // The stored change itself, delivered again by another workspace (each imported the same transcript or export, or
        // pulled it): the same change, not a new version, so it is a duplicate whichever origin sorts greater. PostgreSQL
        // keeps the row, and its origin stays the workspace that wrote it first (docs/postgres.md, `origin`).
        if (incoming.ContainsStored && incoming.Version == s.Version && incoming.Hlc == s.Hlc && incoming.Delete == s.Deleted)
        {
            return ApplyOutcome.Duplicate;
        }

        // A db prune --remote deletion removes what was last changed before its cutoff, whichever workspace wrote it and
        // whatever copy the pruning workspace held (behind it, or with changes of its own delivered just before: trial AG),
        // so removing such a version is no conflict. A live version changed at or after the cutoff (another workspace's
        // change, made after the prune read PostgreSQL, or while the prune's delivery waited) is not what the prune asked
        // for, nor one in a state the prune does not take (trial AG): PostgreSQL keeps it, and the deletion is neither
        // applied nor audited, as the prune removes such a session here only (docs/architecture.md, "Deleting and
        // pruning"; trial AF).
        if (incoming.Delete && incoming.PrunedBefore is { } cutoff && !s.Deleted)
        {
            return s.Hlc >= cutoff || incoming.OutsidePrunedStates ? ApplyOutcome.Stale : ApplyOutcome.Applied;
        }

        // Two deletions of one session: nothing of either is lost (the later by the order stands), so no conflict.
        if (incoming.Delete && s.Deleted)
        {
            return Wins(incoming.Delete, incoming.Hlc, incoming.Origin, s.Deleted, s.Hlc, s.Origin) ? ApplyOutcome.Applied : ApplyOutcome.Stale;
        }

        if (Wins(incoming.Delete, incoming.Hlc, incoming.Origin, s.Deleted, s.Hlc, s.Origin))
        {
            return Continues(incoming, s) ? ApplyOutcome.Applied : ApplyOutcome.ConflictWon;
        }

        // A chain holding the stored change whose newest change is older than it (never after the duplicate check above).
        return incoming.ContainsStored ? ApplyOutcome.Stale : ApplyOutcome.ConflictLost;
    }

    /// <summary>
    /// Whether <paramref name="incoming"/>'s chain continues the stored version: it holds that change itself, or it is based
    /// on the stored version number, of the same lineage (<see cref="SameLineage"/>), and its writer wrote or held that
    /// version. A change that does not is concurrent with the stored one.
    /// </summary>
    public static bool Continues(IncomingChange incoming, StoredState stored)
        => incoming.ContainsStored
            || (incoming.BaseVersion == stored.Version && !stored.Deleted && SameLineage(incoming, stored)
                && (string.Equals(incoming.Origin, stored.Origin, StringComparison.Ordinal) || incoming.WriterHeldStored));

    /// <summary>
    /// Whether the change was based on the very version PostgreSQL holds, not on another version with the same number (a
    /// copied workspace's): its base stamp equals the stored hlc. Unknown when the record carries no base stamp (written
    /// before workspace schema 1.8.0): then only the version number and the writer decide, as they did.
    /// </summary>
    private static bool SameLineage(IncomingChange incoming, StoredState stored) => incoming.BaseHlc is not { } baseHlc || baseHlc == stored.Hlc;

    /// <summary>The outcome of a change to a child (task, step, tool call, artifact, event) of a deleted session: never applied.</summary>
    /// <param name="deleterHeldIt">Whether the workspace that deleted the session delivered this exact change.</param>
    public static ApplyOutcome JudgeUnderDeletedSession(bool deleterHeldIt) => deleterHeldIt ? ApplyOutcome.Stale : ApplyOutcome.ConflictLost;

    /// <summary>Whether removing a live child because its session was deleted is a conflict to audit.</summary>
    /// <param name="deleterHeldIt">Whether the deleting workspace delivered the stored version of the child, or the deletion covers it (<see cref="CoveredByPrune"/>).</param>
    public static bool RemovalIsConflict(bool deleterHeldIt) => !deleterHeldIt;

    /// <summary>
    /// Whether a stored version is covered by a <c>db prune --remote</c> deletion with cutoff <paramref name="prunedBefore"/>
    /// (UTC ticks; 0: not a prune): it was stamped before the cutoff, so removing it is what the prune asked for ("everything
    /// last changed before …"), whichever workspace wrote it, and it is no conflict. A version stamped at or after the cutoff
    /// (a change that landed after the prune read the session, or a child changed later than its session row) was not
    /// what the prune judged old: removing it stays an audited conflict.
    /// </summary>
    public static bool CoveredByPrune(long storedHlc, long prunedBefore) => prunedBefore > 0 && storedHlc < prunedBefore;

    /// <summary>The total order of versions: (deleted, hlc, origin), origin compared ordinally.</summary>
    public static bool Wins(bool deleted, long hlc, string origin, bool otherDeleted, long otherHlc, string otherOrigin)
    {
        if (deleted != otherDeleted)
        {
            return deleted;
        }

        return hlc != otherHlc ? hlc > otherHlc : string.CompareOrdinal(origin, otherOrigin) > 0;
    }
}
