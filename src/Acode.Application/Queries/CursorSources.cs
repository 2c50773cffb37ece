namespace Acode.Application.Queries;

/// <summary>How a <see cref="CursorSource"/> is written in a cursor and named in a refusal.</summary>
internal static class CursorSources
{
    /// <summary>The one letter a cursor holds: <c>w</c> or <c>p</c>.</summary>
    public static string Code(CursorSource source) => source == CursorSource.Postgres ? "p" : "w";

    /// <summary>The source a cursor's letter names; false for anything else.</summary>
    public static bool TryParse(string code, out CursorSource source)
    {
        source = code == "p" ? CursorSource.Postgres : CursorSource.Workspace;
        return code is "w" or "p";
    }

    /// <summary>The listing, as a user asked for it: "a workspace's own sessions (without --remote)" or "the team's PostgreSQL (--remote)".</summary>
    public static string Listing(CursorSource source)
        => source == CursorSource.Postgres ? "the team's PostgreSQL (--remote)" : "a workspace's own sessions (without --remote)";

    /// <summary>The refusal of a cursor that <paramref name="printedBy"/> printed, given to <paramref name="expected"/>.</summary>
    public static Errors.CursorMismatchException Mismatch(CursorSource printedBy, CursorSource expected)
        => new($"The cursor was made for a page of {Listing(printedBy)}, not of {Listing(expected)}. Ask for every page from the same place, or start again without a cursor.");
}
