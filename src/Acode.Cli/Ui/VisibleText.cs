using System.Globalization;
using System.Text;

namespace Acode.Cli.Ui;

/// <summary>
/// Makes characters that would act instead of show visible as text: C0/C1 controls (ANSI escapes start with
/// U+001B), bidi and other format characters (U+202E, U+2066…, zero-width ones but the joiners: <see cref="Output.HiddenCharacters"/>)
/// and line/paragraph separators become <c>\u001B</c>-style text. Newlines and tabs stay; a CR is dropped only before an LF (CRLF line ends).
/// </summary>
internal static class VisibleText
{
    /// <summary>True for a character shown as <c>\uXXXX</c> instead of itself.</summary>
    public static bool IsHidden(string text, int index)
    {
        char c = text[index];
        if (c is '\n' or '\t')
        {
            return false;
        }

        return Output.HiddenCharacters.Is(c);
    }

    /// <summary>True when the character at <paramref name="index"/> is the CR of a CRLF pair, which is simply left out.</summary>
    public static bool IsCrBeforeLf(string text, int index) => text[index] == '\r' && index + 1 < text.Length && text[index + 1] == '\n';

    /// <summary>The <c>\uXXXX</c> form of one character.</summary>
    public static string Escape(char c) => string.Create(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}");

    /// <summary><paramref name="text"/> with every hidden character replaced by its <c>\uXXXX</c> form (for JSON the script shows as text).</summary>
    public static string Of(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text ?? string.Empty;
        }

        StringBuilder? builder = null;
        for (int i = 0; i < text.Length; i++)
        {
            if (IsCrBeforeLf(text, i) || IsHidden(text, i))
            {
                builder ??= new StringBuilder(text.Length + 16).Append(text, 0, i);
                if (!IsCrBeforeLf(text, i))
                {
                    builder.Append(Escape(text[i]));
                }
            }
            else
            {
                builder?.Append(text[i]);
            }
        }

        return builder?.ToString() ?? text;
    }
}
