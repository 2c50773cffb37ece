using System.Buffers;

namespace Acode.Application.Redaction;

/// <summary>Steps back over a run of characters before a value (its separators, its name), as the checks read a value's context.</summary>
internal static class BackScan
{
    /// <summary>Blanks within a line: a space or a tab.</summary>
    public static readonly SearchValues<char> Blanks = SearchValues.Create(" \t");

    /// <summary>
    /// The index of the last character at or before <paramref name="from"/> of <paramref name="text"/> that is not one of
    /// <paramref name="over"/>; -1 when there is none (or <paramref name="from"/> is -1).
    /// </summary>
    public static int Over(string text, int from, SearchValues<char> over)
        => from < 0 ? -1 : text.AsSpan(0, from + 1).LastIndexOfAnyExcept(over);
}
