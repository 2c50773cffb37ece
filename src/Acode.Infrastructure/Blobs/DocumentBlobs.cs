using System.Text;
using Acode.Application.Serialization;

namespace Acode.Infrastructure.Blobs;

/// <summary>
/// Moves large content out of entity documents into content-addressed blobs, and back (docs/storage.md). Large content is
/// a tool call's arguments or result, or an artifact's content, whose UTF-8 (artifact: raw) size exceeds the threshold
/// (<c>persistence:store:blobThresholdBytes</c>). In the stored form the field keeps only its first
/// <see cref="KeptPrefixChars"/> characters (artifact content: its first <see cref="KeptPrefixBytes"/> bytes), a preview for
/// whoever reads the stored form (full-text search indexes the blob's own text since schema 1.6.0), and the document names the blob by its hash (<c>argumentsBlob</c>, <c>resultBlob</c>,
/// <c>contentBlob</c>). Rows, outbox payloads and PostgreSQL's <c>document</c> copies all hold this stored form.
/// </summary>
internal static class DocumentBlobs
{
    /// <summary>The default threshold, 1 KiB (<see cref="Application.Options.StoreOptions.DefaultBlobThresholdBytes"/>).</summary>
    public const int DefaultThresholdBytes = Application.Options.StoreOptions.DefaultBlobThresholdBytes;

    /// <summary>How many characters of large text stay in the row.</summary>
    public const int KeptPrefixChars = 512;

    /// <summary>How many bytes of large artifact content stay in the row (cut back to a UTF-8 character boundary).</summary>
    public const int KeptPrefixBytes = 512;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// The stored form of <paramref name="document"/>: each large field replaced by its prefix and blob hash. Calls
    /// <paramref name="put"/> with the hash and raw bytes of each blob (the caller stores it if new). Other documents,
    /// and documents without large content, are returned as they are.
    /// </summary>
    public static EntityDocument Externalize(EntityDocument document, int thresholdBytes, Action<string, byte[]> put)
    {
        ArgumentNullException.ThrowIfNull(put);
        switch (document)
        {
            case ToolCallDocument c when c.ArgumentsBlob is null && c.ResultBlob is null:
                (string arguments, string? argumentsBlob) = Text(c.Arguments, thresholdBytes, put);
                (string? result, string? resultBlob) = c.Result is null ? (null, null) : Text(c.Result, thresholdBytes, put);
                return argumentsBlob is null && resultBlob is null ? c : With(c, arguments, argumentsBlob, result, resultBlob);
            case ArtifactDocument a when a.ContentBlob is null && a.Content is { } content && content.Length > thresholdBytes:
                string hash = BlobCodec.Hash(content);
                put(hash, content);
                return With(a, BytesPrefix(content), hash);
            default:
                return document;
        }
    }

    /// <summary>The full form of a stored document: every blob named read through <paramref name="read"/> (hash to raw bytes).</summary>
    /// <exception cref="InvalidDataException">A named blob is missing.</exception>
    public static EntityDocument Resolve(EntityDocument document, Func<string, byte[]?> read)
    {
        ArgumentNullException.ThrowIfNull(read);
        switch (document)
        {
            case ToolCallDocument c when c.ArgumentsBlob is not null || c.ResultBlob is not null:
                string arguments = c.ArgumentsBlob is null ? c.Arguments : Encoding.UTF8.GetString(Read(read, c.ArgumentsBlob));
                string? result = c.ResultBlob is null ? c.Result : Encoding.UTF8.GetString(Read(read, c.ResultBlob));
                return With(c, arguments, null, result, null);
            case ArtifactDocument { ContentBlob: { } hash } a:
                return With(a, Read(read, hash), null);
            default:
                return document;
        }
    }

    /// <summary>The blob hashes <paramref name="document"/> names (none for a document in full form).</summary>
    public static IEnumerable<string> References(EntityDocument document)
    {
        if (document is ToolCallDocument c)
        {
            if (c.ArgumentsBlob is { } a)
            {
                yield return a;
            }

            if (c.ResultBlob is { } r)
            {
                yield return r;
            }
        }
        else if (document is ArtifactDocument { ContentBlob: { } h })
        {
            yield return h;
        }
    }

    /// <summary>The first <see cref="KeptPrefixChars"/> characters of <paramref name="text"/>, never splitting a surrogate pair.</summary>
    public static string Prefix(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length <= KeptPrefixChars)
        {
            return text;
        }

        int length = char.IsHighSurrogate(text[KeptPrefixChars - 1]) ? KeptPrefixChars - 1 : KeptPrefixChars;
        return text[..length];
    }

    /// <summary>The first <see cref="KeptPrefixBytes"/> bytes of <paramref name="content"/>, cut back so that no UTF-8 sequence is split.</summary>
    public static byte[] BytesPrefix(byte[] content)
    {
        ArgumentNullException.ThrowIfNull(content);
        return content[..Utf8Cut(content, KeptPrefixBytes)];
    }

    private static (string Value, string? Blob) Text(string value, int thresholdBytes, Action<string, byte[]> put)
    {
        if ((long)value.Length * 3 <= thresholdBytes || (value.Length <= thresholdBytes && Encoding.UTF8.GetByteCount(value) <= thresholdBytes))
        {
            return (value, null);
        }

        byte[] raw;
        try
        {
            raw = StrictUtf8.GetBytes(value);
        }
        catch (EncoderFallbackException)
        {
            return (value, null); // not well-formed UTF-16: kept in the row, where it round-trips as it always did
        }

        string hash = BlobCodec.Hash(raw);
        put(hash, raw);
        return (Prefix(value), hash);
    }

    private static byte[] Read(Func<string, byte[]?> read, string hash)
        => read(hash) ?? throw new InvalidDataException($"Blob {hash} is missing from the database; run 'acode db check'.");

    /// <summary>The length of the longest prefix of at most <paramref name="max"/> bytes that does not end inside a UTF-8 sequence.</summary>
    private static int Utf8Cut(byte[] content, int max)
    {
        if (content.Length <= max)
        {
            return content.Length;
        }

        int cut = max;
        while (cut > 0 && cut > max - 4 && (content[cut] & 0xC0) == 0x80)
        {
            cut--;
        }

        return cut;
    }

    private static ToolCallDocument With(ToolCallDocument c, string arguments, string? argumentsBlob, string? result, string? resultBlob) => new()
    {
        Schema = c.Schema, Id = c.Id, Version = c.Version, CreatedAt = c.CreatedAt, UpdatedAt = c.UpdatedAt,
        SessionId = c.SessionId, StepId = c.StepId, ToolName = c.ToolName, Arguments = arguments, ArgumentsBlob = argumentsBlob, Status = c.Status,
        Result = result, ResultBlob = resultBlob, Error = c.Error, StartedAt = c.StartedAt, CompletedAt = c.CompletedAt, DurationTicks = c.DurationTicks,
    };

    private static ArtifactDocument With(ArtifactDocument a, byte[] content, string? contentBlob) => new()
    {
        Schema = a.Schema, Id = a.Id, Version = a.Version, CreatedAt = a.CreatedAt, UpdatedAt = a.UpdatedAt,
        SessionId = a.SessionId, StepId = a.StepId, ToolCallId = a.ToolCallId, Name = a.Name, Kind = a.Kind, MediaType = a.MediaType,
        Size = a.Size, ContentHash = a.ContentHash, Content = content, ContentBlob = contentBlob,
    };
}
