using System.Text;

namespace Acode.Application.Redaction;

/// <summary>
/// A text with its JSON string escapes decoded (RFC 8259 §7: <c>\"</c>, <c>\\</c>, <c>\/</c>, <c>\b</c>, <c>\f</c>,
/// <c>\n</c>, <c>\r</c>, <c>\t</c>, <c>\uXXXX</c>), and where each decoded character came from in the text, so a secret
/// found in the decoded text is replaced in the text as it was written. Plain text quotes JSON often (a tool printing
/// a JSON document, a log of one): <c>postgres:\/\/admin:pw@db</c> as PHP's <c>json_encode</c> writes it, or
/// <c>\u0041KIA…</c>, does not show the literal its rule looks for (trial AN 8). A backslash that starts no escape is
/// kept as itself.
/// </summary>
internal sealed class JsonUnescapedView
{
    private readonly int[] _starts;

    private JsonUnescapedView(string text, int[] starts)
    {
        Text = text;
        _starts = starts;
    }

    /// <summary>The decoded text.</summary>
    public string Text { get; }

    /// <summary>The view of <paramref name="text"/>; null when it holds no escape (the text is its own view).</summary>
    public static JsonUnescapedView? Of(string text)
    {
        // Nothing is copied for a text whose backslashes start no escape (a Windows path, a regular expression).
        int first = FirstEscape(text);
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
            int length = Decode(text, i, out char c);
            decoded.Append(c);
            starts.Add(i);
            i += length;
        }

        starts.Add(text.Length);
        return new JsonUnescapedView(decoded.ToString(), [.. starts]);
    }

    /// <summary>Where the decoded characters <c>[start, start + length)</c> were written in the text, as its start and length.</summary>
    public (int Start, int Length) Source(int start, int length) => (_starts[start], _starts[start + length] - _starts[start]);

    /// <summary>Whether the decoded character at <paramref name="index"/> was written as an escape (<c>\"</c>, <c>\u0041</c>), not as itself.</summary>
    public bool IsEscape(int index) => _starts[index + 1] - _starts[index] > 1;

    /// <summary>The index of the first backslash of <paramref name="text"/> that starts an escape; -1 when none does.</summary>
    private static int FirstEscape(string text)
    {
        for (int i = text.IndexOf('\\', StringComparison.Ordinal); i >= 0; i = text.IndexOf('\\', i + 1))
        {
            if (Decode(text, i, out _) > 1)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>The character written at <paramref name="index"/> and how many characters of the text write it (1, 2 or 6).</summary>
    private static int Decode(string text, int index, out char c)
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
            'b' => '\b',
            'f' => '\f',
            'n' => '\n',
            'r' => '\r',
            't' => '\t',
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
