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
    /// <inheritdoc/>
    public override bool HasPhrase => Words.Count > 1;

    /// <summary>Equal when the other holds the same values in the same order (records compare lists by reference otherwise).</summary>
    public bool Equals(SearchTerm? other) => other is not null && Prefix == other.Prefix && Words.SequenceEqual(other.Words, StringComparer.Ordinal);

    /// <summary>A hash consistent with the value equality above.</summary>
    public override int GetHashCode() => HashCode.Combine(Prefix, Words.Count);
}
