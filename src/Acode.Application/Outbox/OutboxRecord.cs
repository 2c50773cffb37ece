namespace Acode.Application.Outbox;

/// <summary>
/// One row of the outbox, as stored: what the sync needs to apply it (entity type and id, its session, operation, the
/// version it was based on and the one it makes, <see cref="ChangedAt"/>, origin, payload) and the delivery state.
/// <see cref="ChangedAt"/> is the entity's <c>updated_at</c> after the change, exact to 100 ns: its hybrid logical clock
/// stamp (the one in <see cref="IdempotencyKey"/>), by which PostgreSQL orders concurrent versions.
/// </summary>
public sealed record OutboxRecord(
    long Id,
    string IdempotencyKey,
    EntityType EntityType,
    string EntityId,
    string SessionId,
    OutboxOperation Operation,
    long BaseVersion,
    long Version,
    string OriginWorkspaceId,
    string Payload,
    OutboxStatus Status,
    int Attempts,
    DateTimeOffset? NextAttemptAt,
    string? LastError,
    string? LeaseOwner,
    DateTimeOffset? LeaseUntil,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? ProcessedAt,
    DateTimeOffset ChangedAt)
{
    /// <summary>
    /// The <c>updated_at</c> of the version the change was based on (<see cref="OutboxEntry.BaseUpdatedAt"/>), exact to
    /// 100 ns; null for a new entity, and for records written before workspace schema 1.8.0 (column <c>base_hlc</c>).
    /// </summary>
    public DateTimeOffset? BaseChangedAt { get; init; }

    /// <summary>
    /// The cutoff of the <c>acode db prune --remote</c> that wrote this deletion (<see cref="OutboxEntry.PrunedBefore"/>);
    /// null for every other record, and for records written before workspace schema 1.17.0 (column <c>pruned_before</c>).
    /// </summary>
    public DateTimeOffset? PrunedBefore { get; init; }

    /// <summary>With <see cref="PrunedBefore"/>: the states that prune takes (<see cref="OutboxEntry.PrunedStates"/>); empty: any state (column <c>pruned_states</c>, schema 1.17.0).</summary>
    public IReadOnlyList<string> PrunedStates { get; init; } = [];
}
