using Acode.Application.Serialization;

namespace Acode.Application.Outbox;

/// <summary>
/// Builds outbox idempotency keys: <c>EntityType:entity_id:updated_at</c>, with the timestamp as
/// <see cref="UtcTimestamp"/> (100 ns). Because <c>updated_at</c> strictly increases per entity, two changes never share a key:
/// every writer stamps a version after the one it replaces, saves and imports alike (docs/architecture.md, "Each version
/// its own stamp"). PostgreSQL rebuilds the same keys from <c>(type, id, hlc)</c> (<c>acode_idempotency_key()</c>), and so does the
/// workspace database's generated column <c>outbox.idempotency_key</c> (schema 1.11.0): the format is shared with both
/// schemas.
/// </summary>
internal static class IdempotencyKey
{
    public static string For(EntityType type, string entityId, DateTimeOffset updatedAt)
        => $"{type}:{entityId}:{UtcTimestamp.Format(updatedAt)}";
}
