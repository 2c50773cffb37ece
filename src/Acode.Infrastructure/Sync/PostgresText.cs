using System.Text;
using System.Text.Json.Nodes;

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
    private const string Replacement = "\\uFFFD";

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

    /// <summary>
    /// The JSON text <paramref name="json"/> with every <c>\u0000</c> escape and every escape of an unpaired surrogate
    /// replaced by <c>\uFFFD</c>; the same instance when there is none. Escapes are found by reading the strings
    /// (names and values) of the text, so an escaped backslash followed by <c>u0000</c> is left alone.
    /// </summary>
    internal static string NormalizeEscapes(string json)
    {
        StringBuilder? output = null;
        int copied = 0;
        bool inString = false;
        for (int i = 0; i < json.Length; i++)
        {
            char c = json[i];
            if (!inString)
            {
                inString = c == '"';
                continue;
            }

            if (c == '"')
            {
                inString = false;
                continue;
            }

            if (c != '\\' || i + 1 >= json.Length)
            {
                continue;
            }

            if (json[i + 1] != 'u' || !TryHex(json, i + 2, out int code))
            {
                i++; // \\, \", \n …: the escaped character is never the start of another escape
                continue;
            }

            int length = 6;
            bool refused;
            if (char.IsHighSurrogate((char)code))
            {
                bool paired = i + 7 < json.Length && json[i + 6] == '\\' && json[i + 7] == 'u' && TryHex(json, i + 8, out int low) && char.IsLowSurrogate((char)low);
                refused = !paired;
                length = paired ? 12 : 6;
            }
            else
            {
                refused = code == 0 || char.IsLowSurrogate((char)code);
            }

            if (refused)
            {
                output ??= new StringBuilder(json.Length);
                output.Append(json, copied, i - copied).Append(Replacement);
                copied = i + length;
            }

            i += length - 1;
        }

        return output is null ? json : output.Append(json, copied, json.Length - copied).ToString();
    }

    private static bool TryHex(string text, int start, out int value)
    {
        value = 0;
        if (start + 4 > text.Length)
        {
            return false;
        }

        for (int i = start; i < start + 4; i++)
        {
            int digit = HexDigit(text[i]);
            if (digit < 0)
            {
                return false;
            }

            value = (value << 4) | digit;
        }

        return true;
    }

    private static int HexDigit(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };

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
