using Acode.Application.Serialization;

namespace Acode.Application.Outbox;

/// <summary>
/// Builds outbox idempotency keys: <c>EntityType:entity_id:updated_at</c>, with the timestamp as
/// <see cref="UtcTimestamp"/> (100 ns). Because <c>updated_at</c> strictly increases per entity, two changes never share a key.
/// </summary>
internal static class IdempotencyKey
{
    public static string For(EntityType type, string entityId, DateTimeOffset updatedAt)
        => $"{type}:{entityId}:{UtcTimestamp.Format(updatedAt)}";
}
