using System.Text;

namespace Acode.Domain.Text;

/// <summary>
/// Makes the strings of a JSON text well-formed UTF-16 before it is parsed: an escape of an unpaired surrogate
/// (<c>\ud800</c> or <c>\udc00</c> alone, <c>\ud800\ud800</c>), which JavaScript's <c>JSON.stringify</c> writes for a
/// lone surrogate, becomes <c>\uFFFD</c>. System.Text.Json parses such a text but throws when the string is read
/// (<c>GetString</c>, <c>WriteTo</c>, property names), so every JSON text acode reads from outside (transcripts, export lines, documents from PostgreSQL) goes through here first. With
/// <c>nul</c>, <c>\u0000</c> escapes too: PostgreSQL's <c>jsonb</c> refuses them (docs/json-format.md).
/// </summary>
/// <remarks>
/// Raw (unescaped) lone surrogates cannot occur: transcript bytes are decoded as UTF-8, which cannot encode one (the
/// bytes become U+FFFD and the line counts as invalid UTF-8). Only real escapes change: an escaped backslash followed
/// by <c>ud800</c> is text and stays.
/// </remarks>
internal static class JsonEscapes
{
    private const string Replacement = "\\uFFFD";

    /// <summary>The text with every escape of an unpaired surrogate replaced by <c>\uFFFD</c>; the same instance when there is none.</summary>
    public static string WellFormed(string json)
    {
        // Fast path: every surrogate escape starts with "\ud" or "\uD".
        return json.IndexOf("\\ud", StringComparison.OrdinalIgnoreCase) < 0 ? json : Replace(json, nul: false);
    }

    /// <summary>The index of the backslash of the first escape of an unpaired surrogate in <paramref name="json"/>'s strings; -1 when there is none.</summary>
    public static int IndexOfUnpaired(string json)
    {
        string wellFormed = WellFormed(json);
        if (ReferenceEquals(wellFormed, json))
        {
            return -1;
        }

        // The first difference is in the hex digits of the first replaced escape (\uFFFD is never one of them).
        return json.LastIndexOf('\\', json.AsSpan().CommonPrefixLength(wellFormed));
    }

    /// <summary>
    /// The text with every escape of an unpaired surrogate, and with <paramref name="nul"/> every <c>\u0000</c>, replaced
    /// by <c>\uFFFD</c>; the same instance when there is none. Escapes are found by reading the strings (names and
    /// values) of the text, so an escaped backslash followed by <c>u0000</c> is left alone.
    /// </summary>
    public static string Replace(string json, bool nul)
    {
        StringBuilder? output = null;
        int copied = 0;
        bool inString = false;
        for (int i = 0; i < json.Length; i++)
        {
            char c = json[i];
            if (!inString)
            {
                inString = c == '"';
                continue;
            }

            if (c == '"')
            {
                inString = false;
                continue;
            }

            if (c != '\\' || i + 1 >= json.Length)
            {
                continue;
            }

            if (json[i + 1] != 'u' || !TryHex(json, i + 2, out int code))
            {
                i++; // \\, \", \n …: the escaped character never starts another escape
                continue;
            }

            int length = 6;
            bool lone = false;
            if (char.IsHighSurrogate((char)code))
            {
                bool paired = i + 11 < json.Length && json[i + 6] == '\\' && json[i + 7] == 'u' && TryHex(json, i + 8, out int low) && char.IsLowSurrogate((char)low);
                lone = !paired;
                length = paired ? 12 : 6;
            }
            else
            {
                lone = char.IsLowSurrogate((char)code) || (nul && code == 0);
            }

            if (lone)
            {
                output ??= new StringBuilder(json.Length);
                output.Append(json, copied, i - copied).Append(Replacement);
                copied = i + length;
            }

            i += length - 1;
        }

        return output is null ? json : output.Append(json, copied, json.Length - copied).ToString();
    }

    private static bool TryHex(string text, int start, out int value)
    {
        value = 0;
        if (start + 4 > text.Length)
        {
            return false;
        }

        for (int i = start; i < start + 4; i++)
        {
            int digit = text[i] switch
            {
                >= '0' and <= '9' => text[i] - '0',
                >= 'a' and <= 'f' => text[i] - 'a' + 10,
                >= 'A' and <= 'F' => text[i] - 'A' + 10,
                _ => -1,
            };
            if (digit < 0)
            {
                return false;
            }

            value = (value << 4) | digit;
        }

        return true;
    }
}
