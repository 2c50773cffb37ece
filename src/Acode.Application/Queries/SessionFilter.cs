namespace Acode.Application.Queries;

/// <summary>Which sessions a query returns. Every criterion is optional; those given are combined with AND.</summary>
public sealed record SessionFilter
{
    /// <summary>A filter that keeps every session.</summary>
    public static SessionFilter All { get; } = new();

    /// <summary>Only sessions in one of these states (any state when empty).</summary>
    public IReadOnlyCollection<SessionState> States { get; init; } = [];

    /// <summary>Only sessions created at or after this instant.</summary>
    public DateTimeOffset? CreatedFrom { get; init; }

    /// <summary>Only sessions created before this instant.</summary>
    public DateTimeOffset? CreatedTo { get; init; }

    /// <summary>Only sessions last updated at or after this instant.</summary>
    public DateTimeOffset? UpdatedFrom { get; init; }

    /// <summary>Only sessions last updated before this instant.</summary>
    public DateTimeOffset? UpdatedTo { get; init; }

    /// <summary>Only sessions whose title contains this text, ignoring case for every letter (Unicode lower-casing, the same on both engines; docs/search.md, "The title filter").</summary>
    public string? TitleContains { get; init; }

    /// <summary>
    /// What is wrong with <paramref name="title"/> as a title filter, in one sentence, or null when nothing is. A NUL
    /// character (U+0000) is refused alike on both engines: PostgreSQL cannot hold it in text, and SQLite would bind the
    /// text cut at it (a filter of nothing, matching every session).
    /// </summary>
    public static string? TitleProblem(string? title)
        => title is not null && title.Contains('\0', StringComparison.Ordinal)
            ? "The title filter contains a NUL character (U+0000), which no title filter can search for."
            : null;

    /// <summary>Checks the filter before a store runs it (both engines alike).</summary>
    /// <exception cref="ArgumentException"><see cref="TitleContains"/> has a <see cref="TitleProblem"/>.</exception>
    public void Validate()
    {
        if (TitleProblem(TitleContains) is { } problem)
        {
            throw new ArgumentException(problem, nameof(TitleContains));
        }
    }
}
