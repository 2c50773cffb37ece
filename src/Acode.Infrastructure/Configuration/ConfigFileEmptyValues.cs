using System.Text.Json;
using Acode.Application.Options;

namespace Acode.Infrastructure.Configuration;

/// <summary>
/// Finds an empty JSON object or array under <c>persistence</c> in a configuration file where none belongs: <c>{}</c> or
/// <c>[]</c> where a single value belongs, <c>{}</c> where a list belongs, <c>[]</c> where a section belongs. The JSON
/// configuration provider drops empty objects and arrays, so such a setting would otherwise keep its default in
/// silence, while a non-empty one is refused; the file itself is read to tell. An empty section (<c>"sqlite": {}</c>)
/// and an empty list (<c>"states": []</c>) set nothing and are accepted; keys no setting has are left to the binder.
/// </summary>
internal static class ConfigFileEmptyValues
{
    private static readonly JsonDocumentOptions Options = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true, MaxDepth = 256 };

    /// <summary>The first such place in <paramref name="path"/>: its key path as acode spells it and the value in words ("(an empty JSON object)"); null when there is none, or the file cannot be read as JSON (the provider says why).</summary>
    public static (string Key, string Shown)? Find(string path)
    {
        byte[] json;
        try
        {
            json = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return null;
        }

        return Find(json);
    }

    /// <summary>The first such place in a file's bytes <paramref name="json"/>, as <see cref="Find(string)"/>; null when there is none or they are not JSON.</summary>
    public static (string Key, string Shown)? Find(ReadOnlyMemory<byte> json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, Options);
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException)
        {
            return null;
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            foreach (JsonProperty property in document.RootElement.EnumerateObject())
            {
                if (string.Equals(property.Name, PersistenceOptions.SectionName, StringComparison.OrdinalIgnoreCase) && Visit(property.Value, PersistenceOptions.SectionName) is { } found)
                {
                    return found;
                }
            }
        }

        return null;
    }

    private static (string Key, string Shown)? Visit(JsonElement element, string key)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object when !element.EnumerateObject().Any():
                return Refused(key, array: false) is { } objectKey ? (objectKey, "(an empty JSON object)") : null;
            case JsonValueKind.Array when element.GetArrayLength() == 0:
                return Refused(key, array: true) is { } arrayKey ? (arrayKey, "(an empty JSON array)") : null;
            case JsonValueKind.Object:
                foreach (JsonProperty property in element.EnumerateObject())
                {
                    if (Visit(property.Value, key + ":" + property.Name) is { } found)
                    {
                        return found;
                    }
                }

                return null;
            case JsonValueKind.Array:
                int index = 0;
                foreach (JsonElement item in element.EnumerateArray())
                {
                    if (Visit(item, key + ":" + index++) is { } found)
                    {
                        return found;
                    }
                }

                return null;
            default:
                return null;
        }
    }

    /// <summary>The key as acode spells it when an empty object (or array) does not belong at <paramref name="key"/>; null when it does, or the key is not a setting or section.</summary>
    private static string? Refused(string key, bool array)
    {
        string? section = PersistenceOptionCatalog.Sections.Prepend(PersistenceOptions.SectionName)
            .FirstOrDefault(s => string.Equals(s, key, StringComparison.OrdinalIgnoreCase));
        if (section is not null)
        {
            return array ? section : null;
        }

        return PersistenceOptionCatalog.Find(key) switch
        {
            { Kind: OptionKind.ChoiceList or OptionKind.ObjectList } list => array ? null : list.Key,
            { } value => value.Key,
            null => null,
        };
    }
}
