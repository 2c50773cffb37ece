namespace Acode.Application.Search;

/// <summary>
/// Words that must appear in this order, next to each other: one word (<c>deploy</c>), a quoted phrase
/// (<c>"connection refused"</c>), or a word that punctuation splits (<c>src/parser.cs</c> is parser-and-cs after src).
/// Each word is a run of letters, digits and combining marks, never empty.
/// </summary>
/// <param name="Words">One or more words, in order.</param>
/// <param name="Prefix">True when the last word is a prefix (<c>depl*</c> matches deploy, deployment).</param>
public sealed record SearchTerm(IReadOnlyList<string> Words, bool Prefix) : SearchNode
{
    public bool Equals(SearchTerm? other) => other is not null && Prefix == other.Prefix && Words.SequenceEqual(other.Words, StringComparer.Ordinal);

    public override int GetHashCode() => HashCode.Combine(Prefix, Words.Count);
}
