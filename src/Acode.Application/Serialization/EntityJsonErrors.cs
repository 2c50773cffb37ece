using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Acode.Application.Serialization;

/// <summary>
/// Says in words what is wrong with a line that is not an entity document: which property, what acode writes there, what
/// the line has instead, and whether the line is cut off. System.Text.Json's own messages name .NET types ("could not
/// be converted to …ToolCallDocument") and count lines from 0, so only their path and position are used, and, for text
/// that is not JSON at all, the reader's first sentence, which names the character.
/// </summary>
internal static class EntityJsonErrors
{
    /// <summary>Why a line whose <c>entity</c> property is missing, misspelled or not first is refused.</summary>
    public static string EntityFirst => $"\"entity\" must come first and be one of {string.Join(", ", Enum.GetNames<EntityType>())}, spelled as shown";

    /// <summary>What is wrong with <paramref name="json"/>, which the serializer refused with <paramref name="ex"/>.</summary>
    public static string Describe(JsonException ex, string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return Describe(ex, Encoding.UTF8.GetBytes(json));
    }

    /// <summary>What is wrong with the UTF-8 JSON <paramref name="utf8"/>, which the serializer refused with <paramref name="ex"/>.</summary>
    public static string Describe(JsonException ex, ReadOnlySpan<byte> utf8)
    {
        ArgumentNullException.ThrowIfNull(ex);
        if (Syntax(utf8) is { } syntax)
        {
            return syntax;
        }

        string at = ex.BytePositionInLine is { } position ? $" (byte {position + 1} of the line)" : string.Empty;
        if (ex.Message.Contains("type discriminator", StringComparison.Ordinal))
        {
            return $"{EntityFirst}{at}.";
        }

        if (ex.Message.Contains("missing required properties", StringComparison.Ordinal))
        {
            return Missing(ex.Message, utf8);
        }

        if (ex.Path == "$")
        {
            return $"each line must be one JSON object (an entity document, as 'acode session export' writes one per line), and this line holds {Kind(FirstToken(utf8))}.";
        }

        if (ex.Path is { Length: > 2 } path && path.StartsWith("$.", StringComparison.Ordinal))
        {
            string field = path[2..];
            string expected = Expected(utf8, field) is { } kind ? $": {kind} belongs there" : string.Empty;
            string found = TopLevelValue(utf8, field) is { } value ? $", and the line has {Found(value)}" : string.Empty;
            return $"the value of \"{field}\" is not of the kind acode writes there{expected}{found}{at}.";
        }

        return $"{FirstSentence(ex.Message)}{at}";
    }

    /// <summary>
    /// What is wrong with a line that starts with <paramref name="prefix"/>, when its start settles it: the first property
    /// of an object is not <c>entity</c> (the serializer stops there), or the JSON is not well-formed within the prefix.
    /// Then the message is the one <see cref="Describe(JsonException, ReadOnlySpan{byte})"/> or the serializer gives for the
    /// whole line; null when the rest of the line may decide.
    /// </summary>
    public static string? PrefixFault(ReadOnlySpan<byte> prefix)
    {
        // Not final: a token cut by the end of the prefix is not a fault, only what the prefix holds whole is judged.
        var reader = new Utf8JsonReader(prefix, isFinalBlock: false, new JsonReaderState(new JsonReaderOptions { MaxDepth = 64 }));
        string? property = null;
        bool inValue = false, firstProperty = true;
        try
        {
            while (reader.Read())
            {
                if (reader.CurrentDepth == 1 && reader.TokenType == JsonTokenType.PropertyName)
                {
                    // The root is an object; the serializer refuses it as soon as its first property is not the discriminator.
                    if (firstProperty && !reader.ValueTextEquals("entity"u8))
                    {
                        return $"{EntityFirst}.";
                    }

                    firstProperty = false;
                    property = Encoding.UTF8.GetString(reader.ValueSpan);
                    inValue = true;
                }
                else if (reader.CurrentDepth == 1 && reader.TokenType is not (JsonTokenType.StartObject or JsonTokenType.StartArray))
                {
                    inValue = false;
                }
            }

            return null;
        }
        catch (JsonException ex) when (!ex.Message.Contains("invalid JSON literal", StringComparison.Ordinal))
        {
            return Fault(ex, reader.BytesConsumed, property, inValue, long.MaxValue);
        }
        catch (JsonException)
        {
            // "'nope…' is an invalid JSON literal" quotes the literal and what follows it up to the end of the text read:
            // only the whole line gives the message.
            return null;
        }
    }

    /// <summary>Null when <paramref name="utf8"/> is one well-formed JSON value; else where and why it is not, in words.</summary>
    private static string? Syntax(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Trim(" \t\r\n"u8).IsEmpty)
        {
            return "the line holds no JSON value.";
        }

        // The serializer's own limit (64); an entity document is one flat object.
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = 64 });
        string? property = null;
        bool inValue = false;
        try
        {
            while (reader.Read())
            {
                if (reader.CurrentDepth == 1 && reader.TokenType == JsonTokenType.PropertyName)
                {
                    property = Encoding.UTF8.GetString(reader.ValueSpan);
                    inValue = true;
                }
                else if (reader.CurrentDepth == 1 && reader.TokenType is not (JsonTokenType.StartObject or JsonTokenType.StartArray))
                {
                    inValue = false;
                }
            }

            return null;
        }
        catch (JsonException ex)
        {
            return Fault(ex, reader.BytesConsumed, property, inValue, utf8.Length);
        }
    }

    /// <summary>The syntax fault <paramref name="ex"/> of a line of <paramref name="length"/> bytes, in words.</summary>
    private static string Fault(JsonException ex, long consumed, string? property, bool inValue, long length)
    {
        string where = property is null ? string.Empty : inValue ? $" in the value of \"{property}\"" : $" after the value of \"{property}\"";
        long position = ex.BytePositionInLine ?? consumed;
        if (position >= length)
        {
            string inside = property is null ? string.Empty : inValue ? $" inside the value of \"{property}\"" : $" after the value of \"{property}\"";
            return $"the line stops{inside} before its JSON value is complete: it was cut off (the file was truncated, or a line break was put into it).";
        }

        if (ex.Message.Contains("depth", StringComparison.OrdinalIgnoreCase))
        {
            return $"the JSON{where} is nested deeper than the depth limit of 64 levels at byte {position + 1} of the line; an entity document is one flat object (tool arguments and event payloads are JSON text in a string).";
        }

        return $"not valid JSON{where} at byte {position + 1} of the line: {Plain(Redaction.JsonErrorText.Safe(ex.Message))}";
    }

    /// <summary>The reader's first sentence, with the faults people make by hand in words that say what JSON allows.</summary>
    private static string Plain(string message)
    {
        string first = FirstSentence(message);
        if (message.Contains("invalid escapable character", StringComparison.Ordinal))
        {
            return $"{first} After a backslash JSON allows only \", \\, /, b, f, n, r, t, or u and four hex digits; write a backslash itself as \\\\.";
        }

        if (message.Contains("is not a hex digit following", StringComparison.Ordinal))
        {
            return $"{first} \\u must be followed by four hex digits (0-9, a-f).";
        }

        if (message.Contains("is invalid within a JSON string", StringComparison.Ordinal))
        {
            return $"{first} A control character (a tab or line break) in text must be written as an escape (\\t, \\n, \\u0009).";
        }

        return first;
    }

    private static string Missing(string message, ReadOnlySpan<byte> utf8)
    {
        int list = message.IndexOf("including: ", StringComparison.Ordinal);
        string names = list < 0 ? "properties" : message[(list + "including: ".Length)..].TrimEnd('.').Replace('\'', '"');
        string entity = EntityName(utf8) is { } name ? (name.StartsWith('A') ? "an " : "a ") + name : "an entity";
        return $"{entity} document has {names}, and this line lacks {(names.Contains(',', StringComparison.Ordinal) ? "them" : "it")}.";
    }

    /// <summary>What the document type named by the line's <c>entity</c> holds in <paramref name="field"/>, in words; null when unknown.</summary>
    private static string? Expected(ReadOnlySpan<byte> utf8, string field)
    {
        if (EntityName(utf8) is not { } entity || !Enum.TryParse(entity, ignoreCase: false, out EntityType type))
        {
            return null;
        }

        Type documentType = type switch
        {
            EntityType.Session => typeof(SessionDocument),
            EntityType.SessionTask => typeof(SessionTaskDocument),
            EntityType.Step => typeof(StepDocument),
            EntityType.ToolCall => typeof(ToolCallDocument),
            EntityType.Artifact => typeof(ArtifactDocument),
            _ => typeof(SessionEventDocument),
        };
        JsonPropertyInfo? property = RunStateJsonContext.Default.GetTypeInfo(documentType)?.Properties.FirstOrDefault(p => p.Name == field);
        Type? propertyType = property is null ? null : Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
        string? kind = propertyType switch
        {
            null => null,
            _ when propertyType == typeof(string) => "text (a JSON string, in double quotes)",
            _ when propertyType == typeof(int) => string.Create(CultureInfo.InvariantCulture, $"a whole number from {int.MinValue} to {int.MaxValue}"),
            _ when propertyType == typeof(long) => string.Create(CultureInfo.InvariantCulture, $"a whole number from {long.MinValue} to {long.MaxValue}"),
            _ when propertyType == typeof(byte[]) => "base64 text (a JSON string)",
            _ => null,
        };
        return kind is not null && property!.PropertyType != propertyType ? $"{kind} or null" : kind;
    }

    private static string? EntityName(ReadOnlySpan<byte> utf8)
        => TopLevelValue(utf8, "entity") is { Kind: JsonTokenType.String } entity ? entity.Text : null;

    /// <summary>The kind and text (cut short) of the top-level property <paramref name="name"/>; null when the line has none.</summary>
    private static (JsonTokenType Kind, string Text)? TopLevelValue(ReadOnlySpan<byte> utf8, string name)
    {
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = 256 });
        try
        {
            while (reader.Read())
            {
                if (reader.CurrentDepth == 1 && reader.TokenType == JsonTokenType.PropertyName && reader.ValueTextEquals(name) && reader.Read())
                {
                    string text = reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray ? string.Empty : Encoding.UTF8.GetString(reader.ValueSpan);
                    return (reader.TokenType, Redaction.RedactedCut.Ellipsis(text, 40));
                }
            }
        }
        catch (JsonException)
        {
        }

        return null;
    }

    private static JsonTokenType FirstToken(ReadOnlySpan<byte> utf8)
    {
        var reader = new Utf8JsonReader(utf8);
        return reader.Read() ? reader.TokenType : JsonTokenType.None;
    }

    private static string Found((JsonTokenType Kind, string Text) value)
        => value.Kind == JsonTokenType.Number ? $"the number {value.Text}" : Kind(value.Kind);

    private static string Kind(JsonTokenType token) => token switch
    {
        JsonTokenType.StartArray => "an array",
        JsonTokenType.StartObject => "an object",
        JsonTokenType.String => "text",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "true or false",
        JsonTokenType.Null => "null",
        _ => "nothing",
    };

    private static string FirstSentence(string message)
    {
        int end = message.IndexOf(". ", StringComparison.Ordinal);
        return end < 0 ? message : message[..(end + 1)];
    }
}
