using System.Text.Json;

namespace Acode.Application.Serialization;

/// <summary>Reads and writes <see cref="EntityDocument"/>s as JSON, enforcing the payload-schema version.</summary>
internal static class EntityJson
{
    public static string Serialize(EntityDocument document)
        => JsonSerializer.Serialize(document, RunStateJsonContext.Default.EntityDocument);

    /// <exception cref="FormatException">The text is not an entity document, or was written by a newer payload schema.</exception>
    public static EntityDocument Deserialize(string json)
    {
        EntityDocument? document;
        try
        {
            document = JsonSerializer.Deserialize(json, RunStateJsonContext.Default.EntityDocument);
        }
        catch (JsonException ex)
        {
            throw new FormatException($"Not an acode entity document: {Describe(ex)}", ex);
        }
        catch (NotSupportedException ex)
        {
            throw new FormatException($"Not an acode entity document (the \"entity\" property must come first and name a known type): {ex.Message}", ex);
        }

        if (document is null)
        {
            throw new FormatException("Not an acode entity document: the JSON value is null.");
        }

        string kind = document.GetType().Name.Replace("Document", string.Empty, StringComparison.Ordinal);
        if (document.Schema < 1)
        {
            // A missing "schema" reads as 0 too: the source-generated reader sets every init-only property.
            throw new FormatException($"Not an acode entity document: {kind} {document.Id} has payload schema {document.Schema} (or none); every document carries a schema from 1 to {EntityDocument.CurrentSchema}.");
        }

        if (document.Schema > EntityDocument.CurrentSchema)
        {
            throw new FormatException($"{kind} {document.Id} uses payload schema {document.Schema}; this program reads schemas 1 to {EntityDocument.CurrentSchema}. Upgrade acode to read it.");
        }

        return document;
    }

    /// <summary>
    /// What is wrong, in words: System.Text.Json's messages name .NET types ("could not be converted to …ToolCallDocument")
    /// and count lines from 0, so only the JSON path and the position are taken from them.
    /// </summary>
    private static string Describe(JsonException ex)
    {
        string at = ex.BytePositionInLine is { } position ? $" (byte {position + 1} of the line)" : string.Empty;
        if (ex.Message.Contains("type discriminator", StringComparison.Ordinal))
        {
            return $"\"entity\" must come first and be one of {string.Join(", ", Enum.GetNames<EntityType>())}, spelled as shown{at}.";
        }

        if (ex.Message.Contains("could not be converted", StringComparison.Ordinal) && ex.Path is { Length: > 2 } path && path.StartsWith("$.", StringComparison.Ordinal))
        {
            return $"the value of \"{path[2..]}\" is not of the kind acode writes there (a number out of range, or a text where a number belongs, or the reverse){at}.";
        }

        return $"not valid JSON{at}: {FirstSentence(ex.Message)}";
    }

    private static string FirstSentence(string message)
    {
        int end = message.IndexOf(". ", StringComparison.Ordinal);
        return end < 0 ? message : message[..(end + 1)];
    }
}
