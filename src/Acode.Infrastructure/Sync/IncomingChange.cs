namespace Acode.Infrastructure.Sync;

/// <summary>One incoming change (the newest of a chain of changes to one entity from one workspace), as <see cref="ConflictRule"/> sees it.</summary>
/// <param name="BaseVersion">The version the first change of the chain was based on (0 for a new entity).</param>
/// <param name="Version">The version this change makes.</param>
/// <param name="Hlc">Its <c>updated_at</c> in exact UTC ticks (100 ns).</param>
/// <param name="Origin">The workspace id delivering it.</param>
/// <param name="Delete">Whether it deletes (a session).</param>
/// <param name="WriterHeldStored">Whether this workspace delivered the very version PostgreSQL holds (it wrote or imported it).</param>
/// <param name="ContainsStored">Whether the chain holds the stored change itself, same content (the same change delivered again).</param>
/// <param name="DeliveredByOthers">Whether another workspace already delivered this exact change (same key).</param>
/// <param name="SessionId">The session the changed entity belongs to (a session's own id); null when not known.</param>
/// <param name="BaseHlc">
/// The hlc (exact UTC ticks) of the version the first change of the chain was based on; null when based on nothing or
/// not known (an outbox record written before workspace schema 1.8.0).
/// </param>
/// <param name="PrunedBefore">A <c>db prune --remote</c> deletion: the prune's cutoff (exact UTC ticks); null for every other change.</param>
/// <param name="OutsidePrunedStates">A <c>db prune --remote</c> deletion: whether the stored session is in a state the prune does not take.</param>
internal readonly record struct IncomingChange(
    long BaseVersion, long Version, long Hlc, string Origin, bool Delete, bool WriterHeldStored = false, bool ContainsStored = false, bool DeliveredByOthers = false,
    string? SessionId = null, long? BaseHlc = null, long? PrunedBefore = null, bool OutsidePrunedStates = false);
