using System.Buffers;
using System.Text;

namespace Acode.Application.Redaction;

/// <summary>
/// A text with its JSON string escapes decoded (RFC 8259 §7: <c>\"</c>, <c>\\</c>, <c>\/</c>, <c>\b</c>, <c>\f</c>,
/// <c>\n</c>, <c>\r</c>, <c>\t</c>, <c>\uXXXX</c>), one or more levels deep, and where each decoded character came from
/// in the text, so a secret found in the decoded text is replaced in the text as it was written. Plain text quotes JSON
/// often (a tool printing a JSON document, a log of one): <c>postgres:\/\/admin:pw@db</c> as PHP's <c>json_encode</c>
/// writes it, or <c>\u0041KIA…</c>, does not show the literal its rule looks for (trial AN 8). A backslash that starts no
/// escape is kept as itself.
/// </summary>
/// <remarks>
/// A <c>"</c> written as an escape between two characters a value holds (<c>Sup3r\"Tail9876</c>) is part of a value, not
/// its end: a JSON string opens after white space or one of <c>: , [ { =</c> and closes before white space or one of
/// <c>: , ] }</c> (RFC 8259 §2); code around quoted text adds <c>+ . ! - / |</c> and brackets (trial AW W3:
/// <c>\"…\".trim()</c>, <c>\"…\"|grep</c>). Such a quote is <see cref="QuoteInValue"/> in <see cref="Text"/>, so a rule's value runs
/// over it and its check sees the whole value (trial AV F1–F3: a password holding <c>\"</c> was cut there, or not found).
/// </remarks>
internal sealed class JsonUnescapedView
{
    /// <summary>What a quote inside a value is decoded to: a symbol no rule's value stops at, as <c>"</c> would be one.</summary>
    public const char QuoteInValue = '\u0001';

    private static readonly SearchValues<char> ValueBoundaries = SearchValues.Create("\"'`,;:=(){}[]<>&\\|/.!-+");

    private readonly int[] _starts;

    private JsonUnescapedView(string text, int[] starts)
    {
        Text = text;
        _starts = starts;
    }

    /// <summary>The decoded text.</summary>
    public string Text { get; }

    /// <summary>
    /// The view of <paramref name="text"/> with <paramref name="depth"/> levels of escapes decoded (2: JSON quoting JSON,
    /// <c>{\\\"password\\\":…}</c>); null when a level holds no escape (the text is its own view at that depth).
    /// </summary>
    public static JsonUnescapedView? Of(string text, int depth = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(depth, 1);
        JsonUnescapedView? view = DecodeLevel(text, deeper: false);
        for (int level = 2; view is not null && level <= depth; level++)
        {
            view = view.Deeper();
        }

        return view;
    }

    /// <summary>
    /// This view with one more level of escapes decoded, its sources still in the text; null when <see cref="Text"/> holds
    /// no escape. Only the escapes that write JSON's structure are decoded again (<c>\"</c>, <c>\\</c>, <c>\/</c>,
    /// <c>\uXXXX</c>): a <c>\n</c> there is as often a backslash and a letter of the value (a password, a Windows path) as
    /// a line break (trial AW W2: <c>Abc123XyZ\\nTail9876</c> was cut at it).
    /// </summary>
    private JsonUnescapedView? Deeper()
    {
        JsonUnescapedView? deeper = DecodeLevel(Text, deeper: true);
        return deeper is null ? null : new JsonUnescapedView(deeper.Text, Array.ConvertAll(deeper._starts, s => _starts[s]));
    }

    /// <summary>Where the decoded characters <c>[start, start + length)</c> were written in the text, as its start and length.</summary>
    public (int Start, int Length) Source(int start, int length) => (_starts[start], _starts[start + length] - _starts[start]);

    /// <summary>Whether the decoded character at <paramref name="index"/> was written as an escape (<c>\"</c>, <c>\u0041</c>), not as itself.</summary>
    public bool IsEscape(int index) => _starts[index + 1] - _starts[index] > 1;

    private static JsonUnescapedView? DecodeLevel(string text, bool deeper)
    {
        // Nothing is copied for a text whose backslashes start no escape (a Windows path, a regular expression).
        int first = FirstEscape(text, deeper);
        if (first < 0)
        {
            return null;
        }

        var decoded = new StringBuilder(text.Length);
        var starts = new List<int>(text.Length + 1);
        decoded.Append(text, 0, first);
        for (int i = 0; i < first; i++)
        {
            starts.Add(i);
        }

        for (int i = first; i < text.Length;)
        {
            int length = Decode(text, i, deeper, out char c);
            if (c == '"' && length > 1 && HoldsValue(LeftOf(decoded)) && i + length < text.Length && HoldsValue(text[i + length]))
            {
                c = QuoteInValue;
            }

            decoded.Append(c);
            starts.Add(i);
            i += length;
        }

        starts.Add(text.Length);
        return new JsonUnescapedView(decoded.ToString(), [.. starts]);
    }

    /// <summary>
    /// The character before a quote about to be appended to <paramref name="decoded"/>, or a space at its start. A
    /// backslash right before it makes it a quote of the next level (<c>\"</c>), whose left neighbour is the character
    /// before that backslash: in <c>{\"password\":\"Sup3rS3cret\\\"Tail…\"}</c> the quote after <c>\\</c> is inside the
    /// value at both levels (trial AV F3), in <c>{\\\"password\\\":…}</c> none is.
    /// </summary>
    private static char LeftOf(StringBuilder decoded)
    {
        int at = decoded.Length - 1;
        if (at >= 0 && decoded[at] == '\\')
        {
            at--;
        }

        return at >= 0 ? decoded[at] : ' ';
    }

    /// <summary>
    /// Whether <paramref name="c"/> can be a character of a value next to a quote inside it. Not a backslash: <c>\"</c> in
    /// the decoded text is a quote of the next level, which that level's view reads.
    /// </summary>
    private static bool HoldsValue(char c) => !char.IsWhiteSpace(c) && !char.IsControl(c) && !ValueBoundaries.Contains(c);

    /// <summary>The index of the first backslash of <paramref name="text"/> that starts an escape; -1 when none does.</summary>
    private static int FirstEscape(string text, bool deeper)
    {
        for (int i = text.IndexOf('\\', StringComparison.Ordinal); i >= 0; i = text.IndexOf('\\', i + 1))
        {
            if (Decode(text, i, deeper, out _) > 1)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>
    /// The character written at <paramref name="index"/> and how many characters of the text write it (1, 2 or 6); with
    /// <paramref name="deeper"/>, the escapes of control characters are left as written.
    /// </summary>
    private static int Decode(string text, int index, bool deeper, out char c)
    {
        c = text[index];
        if (c != '\\' || index + 1 >= text.Length)
        {
            return 1;
        }

        char escaped = text[index + 1];
        char? simple = escaped switch
        {
            '"' => '"',
            '\\' => '\\',
            '/' => '/',
            'b' when !deeper => '\b',
            'f' when !deeper => '\f',
            'n' when !deeper => '\n',
            'r' when !deeper => '\r',
            't' when !deeper => '\t',
            _ => null,
        };
        if (simple is { } one)
        {
            c = one;
            return 2;
        }

        if (escaped == 'u' && index + 6 <= text.Length && ushort.TryParse(text.AsSpan(index + 2, 4), System.Globalization.NumberStyles.AllowHexSpecifier, System.Globalization.CultureInfo.InvariantCulture, out ushort code))
        {
            c = (char)code;
            return 6;
        }

        return 1;
    }
}
