namespace Acode.Application.Search;

/// <summary>At least one of two or more nodes (OR).</summary>
public sealed record SearchAny(IReadOnlyList<SearchNode> Options) : SearchNode
{
    public bool Equals(SearchAny? other) => other is not null && Options.SequenceEqual(other.Options);

    public override int GetHashCode() => Options.Count;
}
