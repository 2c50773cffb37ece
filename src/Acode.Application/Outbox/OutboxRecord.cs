namespace Acode.Application.Outbox;

/// <summary>One row of the outbox, as stored.</summary>
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
    DateTimeOffset? ProcessedAt);
