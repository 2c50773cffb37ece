using System.Text.Json.Nodes;

namespace Acode.Infrastructure.Sync;

/// <summary>
/// PostgreSQL <c>text</c> and <c>jsonb</c> cannot hold U+0000. Documents bound for PostgreSQL have every NUL character
/// replaced by U+FFFD, and the <c>\u0000</c> escape inside the embedded JSON texts (<c>arguments</c>, event
/// <c>payload</c>) by <c>\uFFFD</c>. Only the PostgreSQL copy changes: SQLite, exports and the outbox keep the original.
/// </summary>
internal static class PostgresText
{
    private static readonly string[] EmbeddedJsonProperties = ["arguments", "payload"];

    public static string Sanitize(string documentJson)
    {
        // Both a raw NUL and an embedded "\u0000" escape appear in the outer JSON text as "u0000".
        if (!documentJson.Contains("u0000", StringComparison.Ordinal))
        {
            return documentJson;
        }

        JsonNode root = JsonNode.Parse(documentJson)!;
        Clean(root, null);
        return root.ToJsonString();
    }

    private static void Clean(JsonNode node, string? propertyName)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach ((string key, JsonNode? child) in obj.ToList())
                {
                    if (child is JsonValue value && value.TryGetValue(out string? text))
                    {
                        obj[key] = Replace(text, key);
                    }
                    else if (child is not null)
                    {
                        Clean(child, key);
                    }
                }

                break;
            case JsonArray array:
                for (int i = 0; i < array.Count; i++)
                {
                    if (array[i] is JsonValue value && value.TryGetValue(out string? text))
                    {
                        array[i] = Replace(text, propertyName);
                    }
                    else if (array[i] is { } child)
                    {
                        Clean(child, propertyName);
                    }
                }

                break;
        }
    }

    private static string Replace(string text, string? propertyName)
    {
        string cleaned = text.Replace('\0', '\uFFFD');
        return propertyName is not null && EmbeddedJsonProperties.Contains(propertyName)
            ? cleaned.Replace("\\u0000", "\\uFFFD", StringComparison.OrdinalIgnoreCase)
            : cleaned;
    }
}
