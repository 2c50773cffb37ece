using System.Globalization;

namespace Acode.Cli.Output;

/// <summary>
/// The characters acode shows as <c>\uXXXX</c> text instead of themselves, on the terminal and in the viewer: C0/C1
/// controls (ANSI escapes start with U+001B), line and paragraph separators, and format characters (bidi controls such
/// as U+202E and U+2066…, zero-width space, soft hyphen, byte-order mark), which act instead of showing. Zero-width
/// non-joiner and joiner (U+200C, U+200D) show as themselves: Persian, Arabic and Indic scripts need them in ordinary
/// words, and emoji sequences (👨‍👩‍👧) are joined by them; they neither reorder text nor hide any.
/// </summary>
internal static class HiddenCharacters
{
    /// <summary>True for a character shown as <c>\uXXXX</c> (newline and tab included: callers that keep them test them first).</summary>
    public static bool Is(char c)
        => char.IsControl(c) || c is '\u2028' or '\u2029'
           || (char.GetUnicodeCategory(c) == UnicodeCategory.Format && c is not ('\u200C' or '\u200D'));
}
