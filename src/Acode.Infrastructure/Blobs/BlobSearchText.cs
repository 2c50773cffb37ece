using System.Buffers;
using System.IO.Compression;
using System.Text;
using System.Text.Unicode;
using Acode.Infrastructure.Search;

namespace Acode.Infrastructure.Blobs;

/// <summary>
/// The text full-text search indexes for a blob (docs/search.md): its first <see cref="MaxCharacters"/> characters
/// (Unicode scalar values, as PostgreSQL's <c>left()</c> counts them), the same limit as every other searchable field.
/// The bytes are judged as PostgreSQL's <c>acode_search_text</c> (migration 1.3.0) judges artifact content: the first
/// <see cref="MaxBytes"/> bytes must be UTF-8, except that up to 3 bytes at the end of a longer blob may be a character
/// the cut went through; otherwise the blob is not text (binary artifact content) and has no words. A blob whose text is
/// JSON (one JSON value, or the start of one when the blob is longer than what is read: large tool-call arguments, a
/// JSON result or artifact) has its escapes decoded (schema 1.13.0, <see cref="JsonEscapeDecoder"/>; 1.12.0 replaced
/// <c>\n</c>, <c>\r</c>, <c>\t</c>, <c>\b</c>, <c>\f</c> by two spaces each): a blob is content-addressed and shared by every field that
/// holds that content, so whether it is JSON decides, not the field; plain text (a log naming <c>C:\new</c>) is left as it is.
/// </summary>
internal static class BlobSearchText
{
    /// <summary>How many characters are indexed, 65536 (<c>acode_search_words</c> cuts there too).</summary>
    public const int MaxCharacters = 65536;

    /// <summary>At most 4 UTF-8 bytes per character: the first <see cref="MaxCharacters"/> characters lie in these bytes.</summary>
    public const int MaxBytes = 4 * MaxCharacters;

    private static readonly UTF8Encoding Utf8Text = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The indexed text of a stored blob, decompressing only its first <see cref="MaxBytes"/> bytes; null when it is not UTF-8 text or does not decode (a damaged blob: reading a row that names it reports the damage).</summary>
    public static string? Of(StoredBlob blob) => Of(blob, out _);

    /// <summary>
    /// <see cref="Of(StoredBlob)"/>, and whether its escapes were decoded (JSON text holding an escape): migrations 1.12.0
    /// and 1.13.0 index those blobs again, decoding each once.
    /// </summary>
    public static string? Of(StoredBlob blob, out bool escapesDecoded)
    {
        ArgumentNullException.ThrowIfNull(blob);
        escapesDecoded = false;
        int length = (int)Math.Min(blob.RawLength, MaxBytes);
        switch (blob.Codec)
        {
            case BlobCodec.None when blob.Content.LongLength == blob.RawLength:
                return OfHead(blob.Content.AsSpan(0, length), whole: blob.RawLength <= MaxBytes, out escapesDecoded);
            case BlobCodec.Brotli:
                // Only the head is decompressed. A mutable struct: not a 'using' variable, which would be called on copies.
                byte[] head = new byte[length];
                var decoder = new BrotliDecoder();
                try
                {
                    OperationStatus status = decoder.Decompress(blob.Content, head, out _, out int written);
                    bool complete = status == OperationStatus.Done && written == blob.RawLength;
                    bool cut = status == OperationStatus.DestinationTooSmall && written == length && blob.RawLength > length;
                    return complete || cut ? OfHead(head, whole: complete, out escapesDecoded) : null;
                }
                finally
                {
                    decoder.Dispose();
                }

            default:
                return null;
        }
    }

    /// <summary>The indexed text of raw bytes; null when they are not UTF-8 text.</summary>
    public static string? Of(ReadOnlySpan<byte> raw) => OfHead(raw.Length > MaxBytes ? raw[..MaxBytes] : raw, whole: raw.Length <= MaxBytes, out _);

    /// <summary>
    /// The indexed text of a blob's first bytes (at most <see cref="MaxBytes"/>; <paramref name="whole"/>: they are all of
    /// it), and whether its escapes were decoded (JSON text holding an escape); null when they are not UTF-8 text.
    /// </summary>
    public static string? OfHead(ReadOnlySpan<byte> head, bool whole, out bool escapesDecoded)
    {
        escapesDecoded = false;
        for (int cut = 0; cut <= (whole ? 0 : 3) && cut < head.Length; cut++)
        {
            ReadOnlySpan<byte> bytes = head[..^cut];
            if (Utf8.IsValid(bytes))
            {
                string text = FirstCharacters(Utf8Text.GetString(bytes));

                // Only text holding a backslash is read as JSON (most is not, and is returned as it is).
                escapesDecoded = text.Contains('\\', StringComparison.Ordinal) && JsonEscapeDecoder.IsJson(bytes, whole);
                return escapesDecoded ? JsonEscapeDecoder.Decode(text) : text;
            }
        }

        return null;
    }

    private static string FirstCharacters(string text)
    {
        if (text.Length <= MaxCharacters)
        {
            return text;
        }

        int end = 0;
        for (int count = 0; count < MaxCharacters && end < text.Length; count++)
        {
            end += char.IsSurrogatePair(text, end) ? 2 : 1;
        }

        return text[..end];
    }
}
