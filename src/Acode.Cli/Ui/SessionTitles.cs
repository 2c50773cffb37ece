namespace Acode.Cli.Ui;

/// <summary>
/// How long a session title is shown in the viewer. A title is stored whole (<c>session import</c> takes any length),
/// so every page shortens it: in lists, links, search hits and the browser tab to <see cref="ShortLength"/> characters
/// and "…" (as <c>acode session list</c> does); on the session's own page, its heading, to <see cref="HeadingLength"/>
/// characters, with its full length said. <c>acode session export</c> gives it whole.
/// </summary>
internal static class SessionTitles
{
    /// <summary>Characters of a title in lists, links and the browser tab: those of <c>acode session list</c>'s Title column.</summary>
    public const int ShortLength = 60;

    /// <summary>Characters of a title in the heading of its session's page.</summary>
    public const int HeadingLength = 2000;

    /// <summary>The title cut to <see cref="ShortLength"/> characters, "…" after a cut.</summary>
    public static string Short(string? title) => Cut(title, ShortLength);

    /// <summary>The title cut to <see cref="HeadingLength"/> characters, "…" after a cut.</summary>
    public static string Heading(string? title) => Cut(title, HeadingLength);

    /// <summary>Whether <see cref="Heading"/> cut the title.</summary>
    public static bool IsCutInHeading(string? title) => title is not null && title.Length > HeadingLength;

    private static string Cut(string? title, int length)
    {
        if (title is null || title.Length <= length)
        {
            return title ?? string.Empty;
        }

        // Never half a surrogate pair: the cut goes before it.
        int end = char.IsHighSurrogate(title[length - 1]) ? length - 1 : length;
        return string.Concat(title.AsSpan(0, end), "…");
    }
}
