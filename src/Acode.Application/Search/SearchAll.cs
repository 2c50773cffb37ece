namespace Acode.Application.Search;

/// <summary>
/// Every node of <paramref name="Include"/> (AND), and none of <paramref name="Exclude"/> (NOT). Include is never empty:
/// a query that only excludes would have to read every entry, so the parser refuses it.
/// </summary>
public sealed record SearchAll(IReadOnlyList<SearchNode> Include, IReadOnlyList<SearchNode> Exclude) : SearchNode
{
    /// <inheritdoc/>
    public override bool HasPhrase => Include.Any(n => n.HasPhrase) || Exclude.Any(n => n.HasPhrase);

    /// <summary>Equal when the other holds the same values in the same order (records compare lists by reference otherwise).</summary>
    public bool Equals(SearchAll? other) => other is not null && Include.SequenceEqual(other.Include) && Exclude.SequenceEqual(other.Exclude);

    /// <summary>A hash consistent with the value equality above.</summary>
    public override int GetHashCode() => HashCode.Combine(Include.Count, Exclude.Count);
}
