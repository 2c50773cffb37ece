namespace Acode.Application.Outbox;

/// <summary>
/// A change to append to the outbox. <see cref="BaseVersion"/> is the version the change was based on
/// (0 for a new entity); <see cref="Version"/> and <see cref="UpdatedAt"/> are the entity's after the change.
/// </summary>
public sealed record OutboxEntry(
    EntityType EntityType,
    string EntityId,
    string SessionId,
    OutboxOperation Operation,
    long BaseVersion,
    long Version,
    DateTimeOffset UpdatedAt,
    string Payload)
{
    /// <summary>
    /// The <c>updated_at</c> of the version the change was based on, exact to 100 ns (its hybrid logical clock stamp); null
    /// for a new entity (<see cref="BaseVersion"/> 0) or when not known. Version numbers alone cannot tell two lineages
    /// apart (a copied workspace folder makes its own version 6 of a session the original also has a version 6 of): the
    /// sync compares this stamp with the one PostgreSQL holds, and a change based on another lineage's version is a
    /// conflict, never a silent overwrite (docs/architecture.md, "Conflicts"). Null keeps the rule of records that carry
    /// no base stamp (version and workspace id only).
    /// </summary>
    public DateTimeOffset? BaseUpdatedAt { get; init; }

    /// <summary>
    /// A session deletion written by <c>acode db prune --remote</c>: the prune's cutoff (UTC, exact to 100 ns). The sync
    /// removes PostgreSQL's version of the session when it was last changed before this instant (as the prune does), so
    /// a deletion from a copy that was behind that version is what the prune asked for, not a conflict, also when it is
    /// delivered after the prune was interrupted; a version changed at or after it stays. Null for every other change.
    /// </summary>
    public DateTimeOffset? PrunedBefore { get; init; }

    /// <summary>
    /// With <see cref="PrunedBefore"/>: the session states the prune takes (<c>--state</c>), by name; null or empty: any
    /// state. A session PostgreSQL holds in another state is not what the prune asked for, and stays there.
    /// </summary>
    public IReadOnlyList<string>? PrunedStates { get; init; }

    /// <summary>The record's idempotency key, <c>EntityType:EntityId:UpdatedAt</c> (UTC, ISO 8601 with 100 ns digits): the same change appended twice, or delivered twice, is applied once.</summary>
    public string IdempotencyKey => Outbox.IdempotencyKey.For(EntityType, EntityId, UpdatedAt);
}
