using Acode.Cli.Output;

namespace Acode.Cli.Ui;

/// <summary>
/// How long a session title is shown in the viewer. A title is stored whole (<c>session import</c> takes any length),
/// so every page shortens it: in lists, links, search hits and the browser tab to <see cref="ShortLength"/> characters
/// and "…" (as <c>acode session list</c> does); on the session's own page, its heading, to <see cref="HeadingLength"/>
/// characters, with its full length said (the session's goal too); a task's or step's title or a tool's name in the
/// timeline to <see cref="LabelLength"/>, with a note when one was cut (an artifact's media type and an imported fact's
/// name are cut there too). <c>acode session export</c> gives them whole.
/// </summary>
internal static class SessionTitles
{
    /// <summary>Characters of a title in lists, links and the browser tab: those of <c>acode session list</c>'s Title column.</summary>
    public const int ShortLength = 60;

    /// <summary>Characters of a title in the heading of its session's page.</summary>
    public const int HeadingLength = 2000;

    /// <summary>The title cut to <see cref="ShortLength"/> characters, "…" after a cut.</summary>
    public static string Short(string? title) => TextCut.Cut(title, ShortLength);

    /// <summary>The title cut to <see cref="HeadingLength"/> characters, "…" after a cut.</summary>
    public static string Heading(string? title) => TextCut.Cut(title, HeadingLength);

    /// <summary>Characters of a task's or a step's title in the timeline of its session's page.</summary>
    public const int LabelLength = 200;

    /// <summary>A task's or step's title cut to <see cref="LabelLength"/> characters, "…" after a cut.</summary>
    public static string Label(string? title) => TextCut.Cut(title, LabelLength);

    /// <summary>Whether <see cref="Heading"/> cut the title.</summary>
    public static bool IsCutInHeading(string? title) => title is not null && title.Length > HeadingLength;
}
