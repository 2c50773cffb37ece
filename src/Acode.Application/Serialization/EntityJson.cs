using System.Text.Json;
using Acode.Domain.Text;

namespace Acode.Application.Serialization;

/// <summary>Reads and writes <see cref="EntityDocument"/>s as JSON, enforcing the payload-schema version.</summary>
internal static class EntityJson
{
    public static string Serialize(EntityDocument document)
        => JsonSerializer.Serialize(document, RunStateJsonContext.Default.EntityDocument);

    /// <summary>
    /// The document in <paramref name="json"/>. An escape of an unpaired surrogate (<c>\ud800</c> alone) in a string is
    /// read as U+FFFD, as the API and the transcript importers read one (<see cref="JsonEscapes"/>, docs/json-format.md).
    /// </summary>
    /// <exception cref="FormatException">The text is not an entity document, or was written by a newer payload schema; the message says what is wrong in words (<see cref="EntityJsonErrors"/>).</exception>
    public static EntityDocument Deserialize(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        json = JsonEscapes.WellFormed(TextContent.ToWellFormed(json));
        EntityDocument? document;
        try
        {
            document = JsonSerializer.Deserialize(json, RunStateJsonContext.Default.EntityDocument);
        }
        catch (JsonException ex)
        {
            throw new FormatException($"Not an acode entity document: {EntityJsonErrors.Describe(ex, json)}", ex);
        }
        catch (NotSupportedException ex)
        {
            // The discriminator after other properties; the exception's message names .NET types.
            throw new FormatException($"Not an acode entity document: {EntityJsonErrors.EntityFirst}.", ex);
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
}
