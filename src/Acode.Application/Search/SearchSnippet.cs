using System.Text;

namespace Acode.Application.Search;

/// <summary>
/// A short passage of a matched field around the match (about 16 words, at most <see cref="MaxLength"/> characters),
/// with the matched words marked by <see cref="Highlights"/>. <c>…</c> stands for text left out before or after.
/// </summary>
public sealed record SearchSnippet(string Text, IReadOnlyList<SearchHighlight> Highlights)
{
    /// <summary>What an engine puts before a matched word; a private-use character no acode text means anything by.</summary>
    public const char StartMark = '\uE000';

    /// <summary>What an engine puts after a matched word.</summary>
    public const char EndMark = '\uE001';

    /// <summary>
    /// The most characters of the field a snippet keeps (plus a <c>…</c> at each end that was cut). The engines cut by
    /// words, and one word can be a whole 200,000-character result (base64, a minified file): a longer passage is cut
    /// to this width around its first highlight, which is itself cut when it alone is longer.
    /// </summary>
    public const int MaxLength = 400;

    /// <summary>Of a snippet cut to <see cref="MaxLength"/>, how many characters before its first highlight are kept (when there are that many).</summary>
    public const int ContextBefore = 100;

    /// <summary>
    /// The snippet an engine marked with <see cref="StartMark"/> and <see cref="EndMark"/>. The marks are removed; a mark
    /// without its partner (one that was part of the stored text) marks nothing.
    /// </summary>
    internal static SearchSnippet FromMarked(string marked)
    {
        ArgumentNullException.ThrowIfNull(marked);
        var text = new StringBuilder(marked.Length);
        var highlights = new List<SearchHighlight>();
        int open = -1;
        foreach (char c in marked)
        {
            if (c == StartMark)
            {
                open = text.Length;
            }
            else if (c == EndMark)
            {
                if (open >= 0 && text.Length > open)
                {
                    highlights.Add(new SearchHighlight(open, text.Length - open));
                }

                open = -1;
            }
            else
            {
                text.Append(c);
            }
        }

        return text.Length <= MaxLength ? new SearchSnippet(text.ToString(), highlights) : Cut(text.ToString(), highlights);
    }

    /// <summary><paramref name="text"/> cut to <see cref="MaxLength"/> characters from <see cref="ContextBefore"/> before its first highlight, never inside a surrogate pair.</summary>
    private static SearchSnippet Cut(string text, List<SearchHighlight> highlights)
    {
        int anchor = highlights.Count > 0 ? highlights[0].Start : 0;
        int end = Math.Min(text.Length, Math.Max(0, anchor - ContextBefore) + MaxLength);
        int start = Math.Max(0, end - MaxLength);
        if (start > 0 && char.IsLowSurrogate(text[start]))
        {
            start++;
        }

        if (end < text.Length && char.IsLowSurrogate(text[end]))
        {
            end--;
        }

        string before = start > 0 ? "…" : "";
        var kept = new List<SearchHighlight>(highlights.Count);
        foreach (SearchHighlight highlight in highlights)
        {
            int from = Math.Max(highlight.Start, start);
            int to = Math.Min(highlight.Start + highlight.Length, end);
            if (to > from)
            {
                kept.Add(new SearchHighlight(from - start + before.Length, to - from));
            }
        }

        return new SearchSnippet(before + text[start..end] + (end < text.Length ? "…" : ""), kept);
    }

    /// <summary>Equal when the other holds the same values in the same order (records compare lists by reference otherwise).</summary>
    public bool Equals(SearchSnippet? other) => other is not null && Text == other.Text && Highlights.SequenceEqual(other.Highlights);

    /// <summary>A hash consistent with the value equality above.</summary>
    public override int GetHashCode() => HashCode.Combine(Text, Highlights.Count);
}
