namespace Acode.Application.Search;

/// <summary>A matched word in a <see cref="SearchSnippet"/>: <paramref name="Start"/> and <paramref name="Length"/> in UTF-16 code units of its text.</summary>
public readonly record struct SearchHighlight(int Start, int Length);
