namespace Acode.Application.Redaction;

/// <summary>The checks a candidate value passes before it is redacted (placeholders and low-entropy values are kept).</summary>
internal static class SecretValues
{
    /// <summary>The text that starts every marker: <c>[REDACTED:kind]</c>.</summary>
    public const string MarkerPrefix = "[REDACTED:";

    /// <summary>Letters, digits and <c>- _ .</c>: the characters of an identifier, a host's or a database's name.</summary>
    public static readonly System.Buffers.SearchValues<char> IdentifierCharacters = System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.");

    private static readonly System.Buffers.SearchValues<char> HexDigits = System.Buffers.SearchValues.Create("0123456789abcdefABCDEF");

    private static readonly string[] Placeholders =
    [
        "password", "passwd", "secret", "changeme", "change-me", "change_me", "token", "redacted", "hidden", "none", "null",
        "undefined", "true", "false", "your-password", "yourpassword", "mypassword", "pass", "test", "dummy", "placeholder",
    ];

    /// <summary>The marker that replaces a secret of <paramref name="kind"/>.</summary>
    public static string Marker(string kind) => MarkerPrefix + kind + "]";

    /// <summary>
    /// True for values that are not credentials though they sit where one would: documented examples (containing
    /// <c>example</c>, <c>EXAMPLE</c> or <c>Example</c>, like AWS's <c>AKIAIOSFODNN7EXAMPLE</c>), markers already written, template references
    /// (<c>${VAR}</c>, <c>$var</c>, <c>{{var}}</c>, <c>&lt;token&gt;</c>, <c>$(cmd)</c>, <c>%(name)s</c>), masks (<c>****</c>,
    /// <c>xxxx</c>: one character repeated) and common placeholder words.
    /// </summary>
    public static bool IsPlaceholder(ReadOnlySpan<char> value)
    {
        if (value.IsEmpty || value.StartsWith(MarkerPrefix, StringComparison.Ordinal) || IsExample(value))
        {
            return true;
        }

        if (value.StartsWith("${") || value.StartsWith("{{") || value.StartsWith("$(") || value.StartsWith("%(") || value[0] == '<' || (value[0] == '$' && value.Length > 1 && (char.IsAsciiLetter(value[1]) || value[1] == '_')))
        {
            return true;
        }

        char first = char.ToLowerInvariant(value[0]);
        bool repeated = true;
        foreach (char c in value)
        {
            if (char.ToLowerInvariant(c) != first)
            {
                repeated = false;
                break;
            }
        }

        if (repeated)
        {
            return true;
        }

        foreach (string word in Placeholders)
        {
            if (value.Equals(word, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Whether the value names itself an example: it contains <c>example</c>, <c>EXAMPLE</c> or <c>Example</c>. Not any mix
    /// of cases: a long random value (a private key's base64) holds a mixed-case <c>eXamPlE</c> often enough to matter
    /// (found by the randomized corpus test: a whole RSA key was kept), one of these three spellings about 10⁵ times less.
    /// </summary>
    private static bool IsExample(ReadOnlySpan<char> value)
        => value.Contains("example", StringComparison.Ordinal) || value.Contains("EXAMPLE", StringComparison.Ordinal) || value.Contains("Example", StringComparison.Ordinal);

    /// <summary>Shannon entropy of <paramref name="value"/> in bits per character.</summary>
    public static double Entropy(ReadOnlySpan<char> value)
    {
        if (value.IsEmpty)
        {
            return 0;
        }

        var counts = new Dictionary<char, int>();
        foreach (char c in value)
        {
            counts[c] = counts.GetValueOrDefault(c) + 1;
        }

        double entropy = 0;
        foreach (int count in counts.Values)
        {
            double p = (double)count / value.Length;
            entropy -= p * Math.Log2(p);
        }

        return entropy;
    }

    /// <summary>
    /// True when the value looks random: its entropy is at least min(3, 0.75 × log2(length)) − 0.3 bits per character
    /// (a random string of length n cannot exceed log2(n); 2.7 bits is below random hex, far above words and masks). The
    /// 0.3 bits of slack are for the tail of real draws: without them about one 32-digit hex key in 10 000, one 16-character
    /// base-62 value in 17 000 and one 14-character password of the usual shape in 23 000 fell just below the bar and
    /// were kept (found by the randomized corpus test); with them the measured tail is below one in 300 000.
    /// </summary>
    public static bool LooksRandom(ReadOnlySpan<char> value)
    {
        if (value.Length < 8)
        {
            return false;
        }

        double threshold = Math.Min(3.0, 0.75 * Math.Log2(value.Length)) - 0.3;
        return Entropy(value) >= threshold;
    }

    /// <summary>
    /// True when the value is too regular to be a random draw: its entropy is below half of log2 of its length bits per
    /// character (2 bits for 16 characters; masks like <c>XXXXXXXXXXXXXXXX</c> have 0, random base-32 about 3.5).
    /// </summary>
    public static bool IsMask(ReadOnlySpan<char> value) => Entropy(value) < 0.5 * Math.Log2(value.Length);

    /// <summary>True when the value has at least two of: an upper-case letter, a lower-case letter, a digit.</summary>
    public static bool IsMixed(ReadOnlySpan<char> value)
    {
        bool upper = false, lower = false, digit = false;
        foreach (char c in value)
        {
            upper |= char.IsAsciiLetterUpper(c);
            lower |= char.IsAsciiLetterLower(c);
            digit |= char.IsAsciiDigit(c);
        }

        return (upper ? 1 : 0) + (lower ? 1 : 0) + (digit ? 1 : 0) >= 2;
    }

    /// <summary>
    /// True for a value without digits, of letters and at most the separators <c>- _ .</c>, with 20+ letters whose case
    /// flips like a random draw: between a quarter and three quarters of them upper case (random base-62 secrets that
    /// happen to hold no digit: about 1 in 300 of 32 characters), and whose case changes at least once per 8 letters (a
    /// random draw changes about every other letter; words in runs of one case do not: <c>process.env.DB_PASSWORD</c>,
    /// trial BT). Identifiers in camelCase or PascalCase (mostly lower case) and CONSTANT_NAMES (all upper case) stay
    /// outside that band.
    /// </summary>
    public static bool IsRandomMixedCaseLetters(ReadOnlySpan<char> value)
    {
        if (!IsLettersAndSeparators(value))
        {
            return false;
        }

        int letters = 0, upper = 0, flips = 0;
        bool? wasUpper = null;
        foreach (char c in value)
        {
            if (char.IsAsciiLetter(c))
            {
                bool isUpper = char.IsAsciiLetterUpper(c);
                letters++;
                upper += isUpper ? 1 : 0;
                flips += wasUpper is bool previous && previous != isUpper ? 1 : 0;
                wasUpper = isUpper;
            }
        }

        return letters >= 20 && upper * 4 >= letters && upper * 4 <= letters * 3 && flips * 8 >= letters;
    }

    /// <summary>True when the value holds only ASCII letters and the separators <c>- _ .</c> (a word or an identifier, no digit).</summary>
    public static bool IsLettersAndSeparators(ReadOnlySpan<char> value) => !value.ContainsAnyExcept(LettersAndSeparators);

    private static readonly System.Buffers.SearchValues<char> LettersAndSeparators = System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_.");

    /// <summary>True when the value holds both an ASCII letter and an ASCII digit.</summary>
    public static bool HasLetterAndDigit(ReadOnlySpan<char> value) => value.ContainsAnyInRange('0', '9') && (value.ContainsAnyInRange('a', 'z') || value.ContainsAnyInRange('A', 'Z'));

    /// <summary>
    /// A value assigned to a secret name is redacted when it looks random and is not an identifier or a path: it has a letter
    /// and a digit, and either upper and lower case letters, a symbol other than <c>- _ .</c>, or 16+ hex digits; or it is
    /// digit-free and 20+ letters whose case flips like a random draw (<see cref="IsRandomMixedCaseLetters"/>).
    /// </summary>
    public static bool IsAssignedSecret(ReadOnlySpan<char> value)
    {
        if (value[0] == '/' || value.StartsWith("~/") || value.StartsWith("./") || value.StartsWith("../") || value.Contains("://", StringComparison.Ordinal) || !LooksRandom(value))
        {
            return false;
        }

        if (!HasLetterAndDigit(value))
        {
            return IsRandomMixedCaseLetters(value);
        }

        bool upper = value.ContainsAnyInRange('A', 'Z'), lower = value.ContainsAnyInRange('a', 'z');
        bool symbol = value.ContainsAnyExcept(IdentifierCharacters);
        bool hex = value.Length >= 16 && !value.ContainsAnyExcept(HexDigits);
        return (upper && lower) || symbol || hex;
    }

    /// <summary>Whether the <c>;</c> before <paramref name="at"/> ends a statement: a line break, a blank, a <c>}</c> or the end follows (not a connection string's next <c>Key=</c>: trial BV).</summary>
    internal static bool EndsStatement(string input, int at)
        => at >= input.Length || char.IsWhiteSpace(input[at]) || input[at] == '}';

    /// <summary>
    /// Whether <paramref name="value"/> is code's member access: identifiers joined by <c>.</c>, the first in lower case as a
    /// variable's (<c>config.db.password</c>, <c>process.env.DB_PASSWORD</c>; not <c>Corp.Admin.Pw</c>: trial BU).
    /// </summary>
    internal static bool IsMemberAccess(ReadOnlySpan<char> value)
    {
        int parts = 0;
        foreach (Range range in value.Split('.'))
        {
            ReadOnlySpan<char> part = value[range];
            if (part.IsEmpty || (parts == 0 && !char.IsAsciiLetterLower(part[0])) || char.IsAsciiDigit(part[0]) || part.ContainsAnyExcept(IdentifierCharacters))
            {
                return false;
            }

            parts++;
        }

        return parts >= 2;
    }
}
