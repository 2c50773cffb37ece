using System.Text;

namespace Acode.Infrastructure.Blobs;

/// <summary>
/// The text of a blob that full-text search indexes (schema 1.6.0, docs/search.md): its first
/// <see cref="MaxCodePoints"/> characters (Unicode code points, as SQLite's <c>substr</c> and PostgreSQL's <c>left</c>
/// count them, the limit every other searchable field has), or none when its bytes are not UTF-8 (binary content).
/// </summary>
internal static class BlobSearchText
{
    /// <summary>How many characters of a field the search indexes: 65,536, on both engines.</summary>
    public const int MaxCodePoints = 65_536;

    /// <summary>The longest UTF-8 encoding of <see cref="MaxCodePoints"/> characters (4 bytes each).</summary>
    private const int MaxBytes = MaxCodePoints * 4;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The indexed text of <paramref name="raw"/> (a blob's bytes), or null when they are not well-formed UTF-8.</summary>
    public static string? Of(ReadOnlySpan<byte> raw)
    {
        if (!System.Text.Unicode.Utf8.IsValid(raw))
        {
            return null;
        }

        ReadOnlySpan<byte> head = raw.Length <= MaxBytes ? raw : raw[..Utf8Boundary(raw, MaxBytes)];
        string text = StrictUtf8.GetString(head);
        int end = 0;
        for (int codePoints = 0; end < text.Length && codePoints < MaxCodePoints; codePoints++)
        {
            end += char.IsHighSurrogate(text[end]) && end + 1 < text.Length ? 2 : 1;
        }

        return end == text.Length ? text : text[..end];
    }

    /// <summary>The indexed text of a stored blob (<see cref="BlobCodec"/>), or null when it is not UTF-8.</summary>
    /// <exception cref="InvalidDataException">The blob does not decode (see <see cref="BlobCodec.Decompress"/>).</exception>
    public static string? Of(string codec, byte[] content, long rawLength) => Of(BlobCodec.Decompress(codec, content, rawLength));

    /// <summary>
    /// The indexed text of a stored blob already known to be text (it has an index entry), decoding no more than the
    /// bytes that text can span: a search reads the start of a 2 MB log, not all of it.
    /// </summary>
    /// <exception cref="InvalidDataException">The blob does not decode.</exception>
    public static string IndexedOf(string codec, byte[] content, long rawLength)
    {
        ArgumentNullException.ThrowIfNull(content);
        if (rawLength <= MaxBytes || codec != BlobCodec.Brotli)
        {
            return Of(BlobCodec.Decompress(codec, content, rawLength)) ?? "";
        }

        byte[] head = new byte[MaxBytes + 1]; // one byte more than can be kept, to see where the last character ends
        using var decoder = new System.IO.Compression.BrotliDecoder();
        System.Buffers.OperationStatus status = decoder.Decompress(content, head, out _, out int written);
        if (status is not (System.Buffers.OperationStatus.Done or System.Buffers.OperationStatus.DestinationTooSmall) || written != head.Length)
        {
            throw new InvalidDataException($"A stored blob ({codec}, {content.LongLength} bytes) does not decode to its {rawLength} bytes; run 'acode db check'.");
        }

        return Of(head.AsSpan(0, Utf8Boundary(head, MaxBytes))) ?? "";
    }

    /// <summary>The largest length at most <paramref name="max"/> that does not end inside a UTF-8 sequence of valid <paramref name="raw"/>.</summary>
    private static int Utf8Boundary(ReadOnlySpan<byte> raw, int max)
    {
        int cut = max;
        while (cut > 0 && (raw[cut] & 0xC0) == 0x80)
        {
            cut--;
        }

        return cut;
    }
}
