using System.Text.Json.Nodes;
using Acode.Domain.Text;

namespace Acode.Infrastructure.Sync;

/// <summary>
/// What PostgreSQL cannot store, carried in a normalized form (docs/json-format.md, "Text PostgreSQL cannot store"):
/// <list type="bullet">
/// <item>U+0000 in any text (<c>text</c> and <c>jsonb</c> refuse it) becomes U+FFFD;</item>
/// <item>inside the embedded JSON texts (<c>arguments</c>, event <c>payload</c>, cast to <c>jsonb</c>), the escape
/// <c>\u0000</c> and an escape of an unpaired surrogate (<c>\ud800</c> alone, <c>\udc00</c> alone, <c>\ud800\ud800</c>)
/// become <c>\uFFFD</c>. Only real escapes change: text that merely looks like one (<c>"\\u0000"</c>, a backslash
/// followed by <c>u0000</c>) arrives as it is.</item>
/// </list>
/// Only the PostgreSQL copy changes: SQLite, exports and the outbox keep the original. The normalized text is never
/// longer than the original.
/// </summary>
internal static class PostgresText
{
    private static readonly string[] EmbeddedJsonProperties = ["arguments", "payload"];

    public static string Sanitize(string documentJson)
    {
        // A raw NUL and an embedded "\u0000" escape both appear in the outer JSON text as "u0000"; any escape inside an
        // embedded JSON text appears as "\\u" (its backslash escaped).
        if (!documentJson.Contains("u0000", StringComparison.Ordinal) && !documentJson.Contains("\\\\u", StringComparison.Ordinal))
        {
            return documentJson;
        }

        JsonNode root = JsonNode.Parse(documentJson)!;
        Clean(root, null);
        return root.ToJsonString();
    }

    /// <summary>The JSON text with every <c>\u0000</c> escape and every escape of an unpaired surrogate replaced by <c>\uFFFD</c> (<see cref="JsonEscapes.Replace"/>).</summary>
    internal static string NormalizeEscapes(string json) => JsonEscapes.Replace(json, nul: true);

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
        return propertyName is not null && EmbeddedJsonProperties.Contains(propertyName) ? NormalizeEscapes(cleaned) : cleaned;
    }
}
