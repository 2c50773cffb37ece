namespace Acode.Application.Search;

/// <summary>
/// A node of a parsed search query (<see cref="SearchQuery"/>): a <see cref="SearchTerm"/>, a <see cref="SearchAll"/>
/// (AND, with exclusions) or a <see cref="SearchAny"/> (OR). Engines translate the tree; they never see the user's text.
/// </summary>
public abstract record SearchNode
{
    /// <summary>
    /// True when a term of more than one word stands anywhere in this node (excluded terms too): an engine whose index
    /// keeps no word positions matches such a node by its words and must check the matches against the text.
    /// </summary>
    public abstract bool HasPhrase { get; }
}
