using System.Buffers;
using System.IO.Compression;
using System.Text;
using System.Text.Unicode;

namespace Acode.Infrastructure.Blobs;

/// <summary>
/// The text full-text search indexes for a blob (docs/search.md): its first <see cref="MaxCharacters"/> characters
/// (Unicode scalar values, as PostgreSQL's <c>left()</c> counts them), the same limit as every other searchable field.
/// The bytes are judged as PostgreSQL's <c>acode_search_text</c> (migration 1.3.0) judges artifact content: the first
/// <see cref="MaxBytes"/> bytes must be UTF-8, except that up to 3 bytes at the end of a longer blob may be a character
/// the cut went through; otherwise the blob is not text (binary artifact content) and has no words.
/// </summary>
internal static class BlobSearchText
{
    /// <summary>How many characters are indexed, 65536 (<c>acode_search_words</c> cuts there too).</summary>
    public const int MaxCharacters = 65536;

    /// <summary>At most 4 UTF-8 bytes per character: the first <see cref="MaxCharacters"/> characters lie in these bytes.</summary>
    public const int MaxBytes = 4 * MaxCharacters;

    /// <summary>A part holds fewer occurrences of any word than this (PostgreSQL keeps 255 positions per word; a margin for its parser).</summary>
    public const int PartRepeats = 200;

    /// <summary>A part holds fewer words than this (PostgreSQL keeps no position above 16383; a margin for its parser).</summary>
    public const int PartWords = 12_000;

    /// <summary>How many words consecutive parts share: the longest phrase a part is sure to hold whole.</summary>
    public const int PartOverlap = 32;

    private static readonly UTF8Encoding Utf8Text = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The indexed text of a stored blob, decompressing only its first <see cref="MaxBytes"/> bytes; null when it is not UTF-8 text or does not decode (a damaged blob, which <c>acode db check</c> reports).</summary>
    public static string? Of(StoredBlob blob)
    {
        ArgumentNullException.ThrowIfNull(blob);
        int length = (int)Math.Min(blob.RawLength, MaxBytes);
        switch (blob.Codec)
        {
            case BlobCodec.None when blob.Content.LongLength == blob.RawLength:
                return OfHead(blob.Content.AsSpan(0, length), whole: blob.RawLength <= MaxBytes);
            case BlobCodec.Brotli:
                byte[] head = new byte[length];
                using (var decoder = new BrotliDecoder())
                {
                    OperationStatus status = decoder.Decompress(blob.Content, head, out _, out int written);
                    bool complete = status == OperationStatus.Done && written == blob.RawLength;
                    bool cut = status == OperationStatus.DestinationTooSmall && written == length && blob.RawLength > length;
                    return complete || cut ? OfHead(head, whole: complete) : null;
                }

            default:
                return null;
        }
    }

    /// <summary>The indexed text of raw bytes; null when they are not UTF-8 text.</summary>
    public static string? Of(ReadOnlySpan<byte> raw) => OfHead(raw.Length > MaxBytes ? raw[..MaxBytes] : raw, whole: raw.Length <= MaxBytes);

    /// <summary>The indexed text of a blob's first bytes (at most <see cref="MaxBytes"/>); <paramref name="whole"/>: they are all of it.</summary>
    public static string? OfHead(ReadOnlySpan<byte> head, bool whole)
    {
        for (int cut = 0; cut <= (whole ? 0 : 3) && cut < head.Length; cut++)
        {
            ReadOnlySpan<byte> bytes = head[..^cut];
            if (Utf8.IsValid(bytes))
            {
                return FirstCharacters(Utf8Text.GetString(bytes));
            }
        }

        return null;
    }

    /// <summary>
    /// The overlapping parts of <paramref name="text"/> a PostgreSQL tsvector needs to match phrases in it, or null when one
    /// tsvector of the whole text holds every word's every position. A tsvector keeps at most 255 positions per word and
    /// none above 16383, so in a long test log ("line 3999 ok" after 3999 other lines) the whole text's vector still
    /// finds each word but no longer a phrase of them. Each part holds fewer than <see cref="PartRepeats"/> occurrences of
    /// any word and fewer than <see cref="PartWords"/> words (words counted as runs of letters, digits and marks, which is
    /// how acode_search_words leaves PostgreSQL's parser to split them), and begins <see cref="PartOverlap"/> words before
    /// the previous one ends, so a phrase of up to that many words lies whole in one part.
    /// </summary>
    public static IReadOnlyList<string>? PartsOf(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        List<(int Start, int End, string Word)> words = Words(text);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        bool lossy = words.Count >= PartWords;
        foreach ((int _, int _, string word) in words)
        {
            int count = counts.GetValueOrDefault(word) + 1;
            counts[word] = count;
            lossy |= count >= PartRepeats;
        }

        if (!lossy)
        {
            return null;
        }

        var parts = new List<string>();
        int first = 0;
        while (first < words.Count)
        {
            counts.Clear();
            int end = first;
            while (end < words.Count && end - first < PartWords - 1)
            {
                int count = counts.GetValueOrDefault(words[end].Word) + 1;
                if (count >= PartRepeats)
                {
                    break;
                }

                counts[words[end].Word] = count;
                end++;
            }

            parts.Add(text[words[first].Start..words[end - 1].End]);
            if (end == words.Count)
            {
                break;
            }

            first = Math.Max(first + 1, end - PartOverlap);
        }

        return parts;
    }

    private static List<(int Start, int End, string Word)> Words(string text)
    {
        var words = new List<(int, int, string)>();
        int start = -1;
        for (int i = 0; i <= text.Length; i++)
        {
            bool inWord = i < text.Length && (char.IsLetterOrDigit(text[i]) || char.IsSurrogate(text[i])
                || char.GetUnicodeCategory(text[i]) is System.Globalization.UnicodeCategory.NonSpacingMark or System.Globalization.UnicodeCategory.SpacingCombiningMark);
            if (inWord && start < 0)
            {
                start = i;
            }
            else if (!inWord && start >= 0)
            {
                words.Add((start, i, text[start..i].ToLowerInvariant()));
                start = -1;
            }
        }

        return words;
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
