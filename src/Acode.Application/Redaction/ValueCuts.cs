using System.Buffers;

namespace Acode.Application.Redaction;

/// <summary>
/// Where a value a rule found is cut short, the rest searched again: at the delimiter of the sed or perl substitution it
/// stands in (<c>s/^DB_PASSWORD=.*/DB_PASSWORD=…/</c>), or before a query string's next parameter
/// (<c>client_secret=…&amp;grant_type=password</c>). Offsets are into the text the rule matched on.
/// </summary>
internal static class ValueCuts
{
    private static readonly SearchValues<char> NameSeparators = SearchValues.Create(" \t\"'=:");
    private static readonly SearchValues<string> SecretParameterWords = SearchValues.Create(["pass", "pwd", "secret", "token", "key", "auth", "credential"], StringComparison.OrdinalIgnoreCase);
    private static readonly SearchValues<string> GenericSecretNames = SearchValues.Create(BuiltInSecretRules.SecretNameLiterals, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The length of the value at <paramref name="index"/> up to its substitution's next delimiter (<see cref="SubstitutionDelimiter"/>:
    /// sed's or perl's <c>s#^DB_PASSWORD=.*#DB_PASSWORD=…#</c>), not an escaped one: neither <c>\/</c> in
    /// <paramref name="matched"/> nor, read through a <paramref name="view"/> that decoded JSON escapes, one written
    /// otherwise than the substitution's own (<c>…=S3cr3t\/Pw9x/</c> showed <c>\/Pw9x</c>: trial BN M4; JSON that writes
    /// every <c>/</c> as <c>\/</c> cuts at them: trial BP M2). Null when it is in none or holds none.
    /// </summary>
    public static int? DelimitedPart(string matched, int index, int length, JsonUnescapedView? view)
    {
        int at = SubstitutionDelimiter(matched, index, view);
        if (at < 0)
        {
            return null;
        }

        for (int i = index; i < index + length; i++)
        {
            if (matched[i] == '\\')
            {
                i++;
            }
            else if (IsDelimiter(matched, i, at, view))
            {
                return i > index ? i - index : null;
            }
        }

        return null;
    }

    /// <summary>
    /// Where the delimiter of the sed or perl substitution whose pattern or replacement the name assigned the value at
    /// <paramref name="valueStart"/> begins (<c>NAME=</c>, <c>name: </c>, a quote skipped) is: one of <c>/ # @ | ,</c> right
    /// before the name (or before a regular expression's <c>^</c>) that is the <c>s</c> command's own (<c>s/^NAME=…</c>),
    /// or whose previous one on the line is (<c>s/…/NAME=…</c>); -1 otherwise, so that <c>@PGPASSWORD=P@ss…</c> (a
    /// Makefile's silent line) or <c>#DB_PASSWORD=ab#…</c> (a commented-out line) is one value (trial BO H1, H2).
    /// </summary>
    public static int SubstitutionDelimiter(string text, int valueStart, JsonUnescapedView? view = null)
    {
        int nameEnd = BackScan.Over(text, valueStart - 1, NameSeparators);
        int i = BackScan.Over(text, nameEnd, SecretValues.IdentifierCharacters);
        if (i == nameEnd || i < 1)
        {
            return -1;
        }

        if (text[i] == '^')
        {
            i--;
        }

        if (i < 1 || text[i] is not ('/' or '#' or '@' or '|' or ','))
        {
            return -1;
        }

        if (IsSubstitutionStart(text, i))
        {
            return i;
        }

        // The replacement: the previous delimiter on the line, written as this one is, opens the pattern.
        for (int j = i - 1; j >= Math.Max(0, i - 512) && text[j] is not ('\n' or '\r'); j--)
        {
            if (IsDelimiter(text, j, i, view))
            {
                return IsSubstitutionStart(text, j) ? i : -1;
            }
        }

        return -1;
    }

    /// <summary>
    /// Whether the character at <paramref name="i"/> is the delimiter found at <paramref name="at"/> written the same way:
    /// not after a backslash, and decoded from a JSON escape exactly when that one was.
    /// </summary>
    private static bool IsDelimiter(string text, int i, int at, JsonUnescapedView? view)
        => text[i] == text[at] && (i == 0 || text[i - 1] != '\\') && (view?.IsEscape(i) == true) == (view?.IsEscape(at) == true);

    /// <summary>Whether the delimiter at <paramref name="at"/> follows an <c>s</c> that starts a word (<c>'s/</c>, <c> s#</c>).</summary>
    private static bool IsSubstitutionStart(string text, int at)
        => at >= 1 && text[at - 1] == 's' && (at == 1 || !char.IsAsciiLetterOrDigit(text[at - 2]));

    /// <summary>
    /// Whether a query string's parameters (<c>&amp;a=1&amp;db_password=…</c>) hold one named as a secret whose value the
    /// generic rule would keep alone (<c>hunter2024</c>; not a marker, not one it takes: <c>&amp;refresh_token=…</c>), so the
    /// value before it is taken with it (trial BO). A password's parameter (<c>&amp;db_password=</c>, <c>&amp;passwd=</c>) is the URL
    /// rule's, run before: what it left is no password (<c>&amp;show_password=true</c>).
    /// </summary>
    private static bool HoldsSecretParameter(ReadOnlySpan<char> parameters)
    {
        foreach (Range range in parameters.Split('&'))
        {
            ReadOnlySpan<char> parameter = parameters[range];
            int equals = parameter.IndexOf('=');
            ReadOnlySpan<char> name = parameter[..Math.Max(equals, 0)], value = parameter[(equals + 1)..];
            if (equals > 0 && !value.IsEmpty && !value.StartsWith(SecretValues.MarkerPrefix, StringComparison.Ordinal)
                && name.ContainsAny(SecretParameterWords) && !IsPasswordParameter(name)
                && !(name.ContainsAny(GenericSecretNames) && SecretValues.IsAssignedSecret(value)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// An assigned value's part before a query string's next parameter (<c>&amp;name=</c>), when that part alone is either
    /// a secret (<c>client_secret=…&amp;grant_type=password</c>: the rest is other parameters, each judged by the rules:
    /// trial BM H2; a secret holding <c>&amp;kq=</c> is taken whole: trial BN M3), <c>Secret</c> true and <c>Length</c> the
    /// secret's; or a flag, <c>Secret</c> false: <c>true</c>, <c>false</c>, <c>yes</c>, <c>no</c>, <c>on</c>, <c>off</c> or
    /// a number of at most 4 digits (<c>?reset_password=true&amp;id=5</c>, <c>?forgot_password=1&amp;lang=en-US</c>: trial
    /// BT; not <c>Sunshine</c> or <c>48213957204817</c>: trial BU), whose following parameters are judged on their own.
    /// Null when the value has no next parameter or its first part is neither.
    /// </summary>
    public static (int Length, bool Secret)? BeforeNextParameter(string matched, int index, int length)
    {
        ReadOnlySpan<char> value = matched.AsSpan(index, length);
        int at = NextParameter(value);
        if (at < 0)
        {
            return null;
        }

        (_, int cut) = SecretRedactor.WithoutTrailingAmpersands(matched, index, at);
        if (SecretValues.IsAssignedSecret(value[..cut]) && !HoldsSecretParameter(value[at..]))
        {
            return (cut, true);
        }

        ReadOnlySpan<char> part = value[..at];
        bool flag = (part.Length <= 4 && !part.ContainsAnyExceptInRange('0', '9'))
            || part.Equals("true", StringComparison.OrdinalIgnoreCase) || part.Equals("false", StringComparison.OrdinalIgnoreCase)
            || part.Equals("yes", StringComparison.OrdinalIgnoreCase) || part.Equals("no", StringComparison.OrdinalIgnoreCase)
            || part.Equals("on", StringComparison.OrdinalIgnoreCase) || part.Equals("off", StringComparison.OrdinalIgnoreCase);
        return flag ? (at, false) : null;
    }

    /// <summary>Where a query string's next parameter (<c>&amp;name=</c>) starts in <paramref name="value"/>, or -1.</summary>
    private static int NextParameter(ReadOnlySpan<char> value)
    {
        for (int at = value.IndexOf('&'); at > 0;)
        {
            ReadOnlySpan<char> rest = value[(at + 1)..];
            int equals = rest.IndexOf('=');
            if (equals > 0 && char.IsAsciiLetter(rest[0]) && !rest[..equals].ContainsAnyExcept(SecretValues.IdentifierCharacters))
            {
                return at;
            }

            int next = rest.IndexOf('&');
            at = next < 0 ? -1 : at + 1 + next;
        }

        return -1;
    }

    /// <summary>Whether a query parameter's <paramref name="name"/> is one the URL rule reads a password from: ending in <c>password</c> or <c>passwd</c>.</summary>
    private static bool IsPasswordParameter(ReadOnlySpan<char> name)
        => name.EndsWith("password", StringComparison.OrdinalIgnoreCase) || name.EndsWith("passwd", StringComparison.OrdinalIgnoreCase);
}
