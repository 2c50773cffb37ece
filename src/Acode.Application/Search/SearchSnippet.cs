using System.Text;

namespace Acode.Application.Search;

/// <summary>
/// A short passage of a matched field around the match (about 16 words), with the matched words marked by
/// <see cref="Highlights"/>. <c>…</c> stands for text left out before or after.
/// </summary>
public sealed record SearchSnippet(string Text, IReadOnlyList<SearchHighlight> Highlights)
{
    /// <summary>What an engine puts before a matched word; a private-use character no acode text means anything by.</summary>
    public const char StartMark = '\uE000';

    /// <summary>What an engine puts after a matched word.</summary>
    public const char EndMark = '\uE001';

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

        return new SearchSnippet(text.ToString(), highlights);
    }

    /// <summary>Equal when the other holds the same values in the same order (records compare lists by reference otherwise).</summary>
    public bool Equals(SearchSnippet? other) => other is not null && Text == other.Text && Highlights.SequenceEqual(other.Highlights);

    /// <summary>A hash consistent with the value equality above.</summary>
    public override int GetHashCode() => HashCode.Combine(Text, Highlights.Count);
}
