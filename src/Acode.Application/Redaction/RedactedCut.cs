using System.Text;

namespace Acode.Application.Redaction;

/// <summary>
/// Shortens text that will be stored or shown without letting part of a secret through: the whole text is redacted
/// first, then cut, so what is kept holds whole <c>[REDACTED:kind]</c> markers where the secrets were and never the start
/// of one. Cutting first would not do: a URL whose <c>@host</c> is cut off, or a token cut after a few characters, no
/// longer matches its rule, and the store's scan of the shortened text would keep that part. The cut never splits a
/// marker (it goes back to the marker's start) nor a surrogate pair. See docs/secrets.md.
/// </summary>
internal static class RedactedCut
{
    /// <summary>The text redacted whole, then cut to at most <paramref name="maxChars"/> UTF-16 characters.</summary>
    /// <param name="redactor">The store's redactor (its configured rules).</param>
    /// <param name="text">Any text.</param>
    /// <param name="maxChars">At most this many characters are kept (1 or more).</param>
    /// <param name="counts">Counts what was replaced; null: not counted (the caller stores the whole text elsewhere, where it is counted).</param>
    public static string Prefix(ISecretRedactor redactor, string text, int maxChars, RedactionCounts? counts = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        string redacted = Redact(redactor, text, counts);
        return redacted.Length <= maxChars ? redacted : redacted[..SafeCut(redacted, maxChars)];
    }

    /// <summary>The text redacted whole, then cut to at most <paramref name="maxBytes"/> bytes of UTF-8.</summary>
    public static string Utf8Prefix(ISecretRedactor redactor, string text, int maxBytes, RedactionCounts? counts = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        string redacted = Redact(redactor, text, counts);
        int chars = 0, bytes = 0;
        while (chars < redacted.Length)
        {
            bool pair = char.IsHighSurrogate(redacted[chars]) && chars + 1 < redacted.Length && char.IsLowSurrogate(redacted[chars + 1]);
            int size = pair ? 4 : Encoding.UTF8.GetByteCount(redacted.AsSpan(chars, 1));
            if (bytes + size > maxBytes)
            {
                break;
            }

            bytes += size;
            chars += pair ? 2 : 1;
        }

        return chars == redacted.Length ? redacted : redacted[..SafeCut(redacted, chars)];
    }

    /// <summary>
    /// For an error message quoting a value it refuses: the value redacted with the built-in rules, then at most
    /// <paramref name="maxChars"/> characters of it and an ellipsis when cut.
    /// </summary>
    public static string Ellipsis(string text, int maxChars)
    {
        string redacted = Redact(SecretRedactor.Default, text);
        return redacted.Length <= maxChars ? redacted : redacted[..SafeCut(redacted, maxChars)] + "…";
    }

    /// <summary>The text with every secret replaced by its marker (the redactor's rules, through it).</summary>
    public static string Redact(ISecretRedactor redactor, string text, RedactionCounts? counts = null)
    {
        ArgumentNullException.ThrowIfNull(redactor);
        ArgumentNullException.ThrowIfNull(text);
        return redactor.Redact(text, counts ?? new RedactionCounts());
    }

    /// <summary>
    /// The largest length at most <paramref name="max"/> at which <paramref name="text"/> (already redacted) may be cut:
    /// before a marker the cut would split and between the halves of no surrogate pair.
    /// </summary>
    public static int SafeCut(string text, int max)
    {
        ArgumentNullException.ThrowIfNull(text);
        int cut = Math.Clamp(max, 0, text.Length);
        if (cut > 0 && cut < text.Length && char.IsHighSurrogate(text[cut - 1]) && char.IsLowSurrogate(text[cut]))
        {
            cut--;
        }

        int at = 0;
        while (at < cut && (at = text.IndexOf(SecretValues.MarkerPrefix, at, StringComparison.Ordinal)) >= 0 && at < cut)
        {
            int close = text.IndexOf(']', at + SecretValues.MarkerPrefix.Length);
            if (close < 0)
            {
                break;
            }

            if (close >= cut)
            {
                return at; // the marker would lose its end: keep none of it
            }

            at = close + 1;
        }

        return cut;
    }
}
