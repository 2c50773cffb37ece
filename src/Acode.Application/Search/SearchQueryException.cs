namespace Acode.Application.Search;

/// <summary>
/// A search query that cannot be run as written (nothing to search for, only exclusions, unbalanced parentheses, too
/// long). An <see cref="ArgumentException"/> with parameter <c>query</c>; <see cref="Reason"/> is the message without
/// the parameter suffix, for a user-facing error. Nothing was read.
/// </summary>
public sealed class SearchQueryException : ArgumentException
{
    /// <summary>A query error for parameter <c>query</c>.</summary>
    /// <param name="reason">What is wrong with the query, in one sentence (becomes <see cref="Reason"/>).</param>
    public SearchQueryException(string reason)
        : base(reason, "query")
    {
        Reason = reason;
    }

    /// <summary>What is wrong with the query, in one sentence.</summary>
    public string Reason { get; }
}
