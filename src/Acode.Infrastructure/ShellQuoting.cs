using System.Globalization;
using System.Text;

namespace Acode.Infrastructure;

/// <summary>
/// Writes arguments as one command line that a POSIX shell (bash, zsh, sh) reads back as exactly those arguments, so a
/// printed "run this next" line works when pasted. Plain words stay bare; anything else is single-quoted; text with
/// control characters uses bash's <c>$'…'</c> with escapes, so that it can neither break the line nor drive the terminal.
/// </summary>
internal static class ShellQuoting
{
    public static string Join(IEnumerable<string> arguments) => string.Join(' ', arguments.Select(Quote));

    public static string Quote(string argument)
    {
        if (argument.Length > 0 && argument.All(IsPlain))
        {
            return argument;
        }

        if (!argument.Any(NeedsEscape))
        {
            return "'" + argument.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
        }

        var builder = new StringBuilder("$'");
        foreach (char c in argument)
        {
            builder.Append(c switch
            {
                '\\' => "\\\\",
                '\'' => "\\'",
                '\n' => "\\n",
                '\t' => "\\t",
                '\r' => "\\r",
                _ when NeedsEscape(c) => c < 0x80 ? string.Create(CultureInfo.InvariantCulture, $"\\x{(int)c:X2}") : string.Create(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}"),
                _ => c.ToString(),
            });
        }

        return builder.Append('\'').ToString();
    }

    private static bool IsPlain(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '@' or '%' or '+' or '=' or ':' or ',' or '.' or '/' or '-';

    private static bool NeedsEscape(char c)
        => char.IsControl(c) || c is '\u2028' or '\u2029' || char.GetUnicodeCategory(c) == UnicodeCategory.Format;
}
