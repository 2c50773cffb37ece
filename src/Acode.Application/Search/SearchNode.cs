namespace Acode.Application.Search;

/// <summary>
/// A node of a parsed search query (<see cref="SearchQuery"/>): a <see cref="SearchTerm"/>, a <see cref="SearchAll"/>
/// (AND, with exclusions) or a <see cref="SearchAny"/> (OR). Engines translate the tree; they never see the user's text.
/// </summary>
public abstract record SearchNode;
