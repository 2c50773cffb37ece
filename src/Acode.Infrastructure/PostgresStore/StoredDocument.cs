using System.Text.Json.Nodes;
using Acode.Application.Serialization;

namespace Acode.Infrastructure.PostgresStore;

/// <summary>Reads an entity document back from a <c>jsonb</c> column.</summary>
internal static class StoredDocument
{
    private const string Discriminator = "entity";

    /// <summary>
    /// The document in <paramref name="jsonb"/>. <c>jsonb</c> does not keep the order of properties (it sorts them by
    /// length), while <see cref="EntityJson"/> needs its <c>entity</c> property first: it is put back in front.
    /// </summary>
    public static EntityDocument Read(string jsonb)
    {
        if (jsonb.StartsWith("{\"" + Discriminator + "\"", StringComparison.Ordinal))
        {
            return EntityJson.Deserialize(jsonb);
        }

        var source = (JsonObject)JsonNode.Parse(jsonb)!;
        var ordered = new JsonObject();
        if (source[Discriminator] is { } entity)
        {
            ordered[Discriminator] = entity.DeepClone();
        }

        foreach ((string name, JsonNode? value) in source)
        {
            if (name != Discriminator)
            {
                ordered[name] = value?.DeepClone();
            }
        }

        return EntityJson.Deserialize(ordered.ToJsonString());
    }
}
