using System.Text;
using System.Text.Json;
using Acode.Domain.Text;

namespace Acode.Application.Serialization;

/// <summary>Reads and writes <see cref="EntityDocument"/>s as JSON, enforcing the payload-schema version.</summary>
internal static class EntityJson
{
    private const string NotADocument = "Not an acode entity document: ";

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
            throw new FormatException($"{NotADocument}{EntityJsonErrors.Describe(ex, json)}", ex);
        }
        catch (NotSupportedException ex)
        {
            // The discriminator after other properties; the exception's message names .NET types.
            throw new FormatException($"{NotADocument}{EntityJsonErrors.EntityFirst}.", ex);
        }

        return Checked(document);
    }

    /// <summary>
    /// The document in the UTF-8 JSON <paramref name="utf8"/> (valid UTF-8, as <see cref="ExportLineReader"/> gives it),
    /// read without a UTF-16 copy of the text; the same document and messages as <see cref="Deserialize(string)"/>.
    /// </summary>
    /// <exception cref="FormatException">As <see cref="Deserialize(string)"/>.</exception>
    public static EntityDocument Deserialize(ReadOnlySpan<byte> utf8)
    {
        // Every escape of a surrogate starts with "\ud" or "\uD"; the rare text that has one takes the text path, which replaces the unpaired.
        if (utf8.IndexOf("\\ud"u8) >= 0 || utf8.IndexOf("\\uD"u8) >= 0)
        {
            return Deserialize(Encoding.UTF8.GetString(utf8));
        }

        EntityDocument? document;
        try
        {
            document = JsonSerializer.Deserialize(utf8, RunStateJsonContext.Default.EntityDocument);
        }
        catch (JsonException ex)
        {
            throw new FormatException($"{NotADocument}{EntityJsonErrors.Describe(ex, utf8)}", ex);
        }
        catch (NotSupportedException ex)
        {
            throw new FormatException($"{NotADocument}{EntityJsonErrors.EntityFirst}.", ex);
        }

        return Checked(document);
    }

    /// <summary>
    /// Why a line starting with <paramref name="prefix"/> is refused, when its start settles it (the message
    /// <see cref="Deserialize(ReadOnlySpan{byte})"/> would give for the whole line); null when the rest may decide.
    /// </summary>
    public static string? RefusalOf(ReadOnlySpan<byte> prefix)
        => EntityJsonErrors.PrefixFault(prefix) is { } fault ? $"{NotADocument}{fault}" : null;

    private static EntityDocument Checked(EntityDocument? document)
    {
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
