using Acode.Application.Serialization;

namespace Acode.Application.Outbox;

/// <summary>
/// Builds outbox idempotency keys: <c>EntityType:entity_id:updated_at</c>, with the timestamp as
/// <see cref="UtcTimestamp"/> (100 ns). Because <c>updated_at</c> strictly increases per entity, two changes never share a key:
/// every writer stamps a version after the one it replaces, saves and imports alike (docs/architecture.md, "Each version
/// its own stamp"). PostgreSQL rebuilds the same keys from <c>(type, id, hlc)</c> (<c>acode_idempotency_key()</c>), so the
/// format is shared with the schema.
/// </summary>
internal static class IdempotencyKey
{
    public static string For(EntityType type, string entityId, DateTimeOffset updatedAt)
        => $"{type}:{entityId}:{UtcTimestamp.Format(updatedAt)}";

    /// <summary>The <c>updated_at</c> a key was built from (<see cref="For"/>): the text after its second colon.</summary>
    /// <exception cref="FormatException">The key is not of the form <c>EntityType:entity_id:updated_at</c>.</exception>
    public static DateTimeOffset UpdatedAtOf(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        int first = key.IndexOf(':', StringComparison.Ordinal);
        int second = first < 0 ? -1 : key.IndexOf(':', first + 1);
        return second < 0 ? throw new FormatException("An outbox idempotency key has the form EntityType:entity_id:updated_at.") : UtcTimestamp.Parse(key[(second + 1)..]);
    }
}
