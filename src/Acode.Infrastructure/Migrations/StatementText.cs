using System.Text;

namespace Acode.Infrastructure.Migrations;

/// <summary>
/// Reading one SQL statement's text as both engines write it: where its code starts after comments, and a short
/// excerpt that names it in an error message.
/// </summary>
internal static class StatementText
{
    /// <summary>The longest excerpt, in characters.</summary>
    public const int ExcerptLength = 80;

    /// <summary>
    /// The start of <paramref name="statement"/> on one line (whitespace runs become one space), without its leading
    /// comments, at most <see cref="ExcerptLength"/> characters (the last an ellipsis when cut), e.g.
    /// <c>ALTER TABLE sessions ADD COLUMN extra text;</c>.
    /// </summary>
    public static string Excerpt(string statement)
    {
        ArgumentNullException.ThrowIfNull(statement);
        var text = new StringBuilder();
        bool space = false;
        foreach (char c in statement.AsSpan(CodeStart(statement)))
        {
            if (char.IsWhiteSpace(c))
            {
                space = text.Length > 0;
                continue;
            }

            if (space)
            {
                text.Append(' ');
                space = false;
            }

            text.Append(c);
            if (text.Length > ExcerptLength)
            {
                return string.Concat(text.ToString(0, ExcerptLength - 1), "…");
            }
        }

        return text.ToString();
    }

    /// <summary>
    /// The index of the first character of <paramref name="text"/> that is not whitespace, a semicolon or inside a
    /// <c>--</c> or <c>/* */</c> comment; the length of the text when it has no such character (no statement at all).
    /// </summary>
    public static int CodeStart(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        int i = 0;
        while (i < text.Length)
        {
            if (char.IsWhiteSpace(text[i]) || text[i] == ';')
            {
                i++;
            }
            else if (string.CompareOrdinal(text, i, "--", 0, 2) == 0)
            {
                int end = text.IndexOf('\n', i);
                i = end < 0 ? text.Length : end + 1;
            }
            else if (string.CompareOrdinal(text, i, "/*", 0, 2) == 0)
            {
                int end = text.IndexOf("*/", i + 2, StringComparison.Ordinal);
                i = end < 0 ? text.Length : end + 2;
            }
            else
            {
                return i;
            }
        }

        return text.Length;
    }
}
