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
    /// <summary>The record's idempotency key, <c>EntityType:EntityId:UpdatedAt</c> (UTC, ISO 8601 with 100 ns digits): the same change appended twice, or delivered twice, is applied once.</summary>
    public string IdempotencyKey => Outbox.IdempotencyKey.For(EntityType, EntityId, UpdatedAt);
}
