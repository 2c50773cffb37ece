using System.Globalization;

namespace Acode.Cli.Output;

/// <summary>
/// The one way text is shortened for people (the terminal's columns, the viewer's titles, labels and payloads): cut at a
/// number of UTF-16 characters, never inside a user-perceived character (an extended grapheme cluster, Unicode UAX #29:
/// a surrogate pair, an emoji ZWJ sequence such as 👩‍👩‍👧, a flag's two regional indicators, a letter and its combining
/// marks; the cut goes before it), and "…" after a cut.
/// </summary>
internal static class TextCut
{
    /// <summary>What follows a cut text.</summary>
    public const char Ellipsis = '…';

    /// <summary>
    /// How many characters of <paramref name="text"/> are kept when it is cut at <paramref name="length"/>: all of it
    /// when it is not longer, else the whole user-perceived characters that fit (trial AM 10: a family emoji lost its last
    /// person and kept a dangling joiner, a flag one of its letters); 0 when <paramref name="length"/> is not positive. A
    /// first cluster longer than <paramref name="length"/> (a letter under many combining marks) is cut inside, never
    /// between the halves of a surrogate pair.
    /// </summary>
    public static int Kept(ReadOnlySpan<char> text, int length)
    {
        if (text.Length <= length)
        {
            return text.Length;
        }

        if (length <= 0)
        {
            return 0;
        }

        int kept = 0;
        for (int next = StringInfo.GetNextTextElementLength(text); kept + next <= length; next = StringInfo.GetNextTextElementLength(text[kept..]))
        {
            kept += next;
        }

        return kept > 0 ? kept : char.IsHighSurrogate(text[length - 1]) ? length - 1 : length;
    }

    /// <summary><paramref name="text"/> cut at <paramref name="length"/> characters, "…" after a cut; "" for null.</summary>
    public static string Cut(string? text, int length)
    {
        if (text is null || text.Length <= length)
        {
            return text ?? string.Empty;
        }

        return string.Concat(text.AsSpan(0, Kept(text, length)), Ellipsis.ToString());
    }

    /// <summary>
    /// <paramref name="text"/> cut as <see cref="Cut"/> cuts it, and, when something was left out, the sentence a page shows
    /// under it: "N more characters not shown; " and <paramref name="remedy"/> (the command that gives it whole). The
    /// sentence is null when <paramref name="text"/> is shown whole.
    /// </summary>
    public static (string Shown, string? LeftOut) CutAndSay(string text, int length, string remedy)
    {
        int kept = Kept(text, length);
        return kept == text.Length
            ? (text, null)
            : (string.Concat(text.AsSpan(0, kept), Ellipsis.ToString()),
               string.Create(CultureInfo.InvariantCulture, $"{text.Length - kept:N0} more characters not shown; {remedy}"));
    }
}
