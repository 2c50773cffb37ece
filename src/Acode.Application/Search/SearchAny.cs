namespace Acode.Application.Search;

/// <summary>At least one of two or more nodes (OR).</summary>
public sealed record SearchAny(IReadOnlyList<SearchNode> Options) : SearchNode
{
    /// <inheritdoc/>
    public override bool HasPhrase => Options.Any(n => n.HasPhrase);

    /// <summary>Equal when the other holds the same values in the same order (records compare lists by reference otherwise).</summary>
    public bool Equals(SearchAny? other) => other is not null && Options.SequenceEqual(other.Options);

    /// <summary>A hash consistent with the value equality above.</summary>
    public override int GetHashCode() => Options.Count;
}
