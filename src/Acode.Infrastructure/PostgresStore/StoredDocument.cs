using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Acode.Application.Serialization;

namespace Acode.Infrastructure.PostgresStore;

/// <summary>Reads an entity document back from a <c>jsonb</c> column.</summary>
internal static class StoredDocument
{
    private const string Discriminator = "entity";

    /// <summary>The documents' own contract, with the discriminator accepted anywhere in the object.</summary>
    private static readonly JsonTypeInfo<EntityDocument> AnyOrder = (JsonTypeInfo<EntityDocument>)
        new JsonSerializerOptions(RunStateJsonContext.Default.Options) { AllowOutOfOrderMetadataProperties = true }.GetTypeInfo(typeof(EntityDocument));

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

        // The common case, read as it is (the reader finds the discriminator wherever it is). Anything unusual (no or an
        // unknown entity, a schema out of range, not JSON) takes the path below, for EntityJson's exact error.
        try
        {
            if (JsonSerializer.Deserialize(jsonb, AnyOrder) is { Schema: >= 1 and <= EntityDocument.CurrentSchema } document)
            {
                return document;
            }
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException)
        {
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
