using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Acode.Infrastructure.Search;

/// <summary>
/// The escapes of indexed JSON text, decoded (schema 1.13.0, docs/search.md): a JSON value's text is indexed with each
/// escape read as the character it stands for, so <c>"caf\u00e9"</c> is found by <c>café</c> and <c>"set -e\nmake"</c>
/// by <c>make</c> (the tokenizers split at the backslash but not after the escape's letters). <c>\u0000</c> and a lone
/// surrogate escape become a space (a NUL would end SQLite's text; PostgreSQL's text holds neither). The search triggers
/// of 1.13.0 (SQLite) and <c>acode_json_decode</c> (PostgreSQL) do the same in SQL for fields stored in their rows;
/// <see cref="Blobs.BlobSearchText"/> for every blob whose text is JSON.
/// </summary>
internal static class JsonEscapeDecoder
{
    private static readonly JsonReaderOptions Options = new() { MaxDepth = 1024 };

    /// <summary>
    /// <paramref name="text"/> (JSON text, or the start of it) with every escape decoded; the same string when it holds no
    /// backslash. An escape cut at the end of the text, or malformed, is kept as it is written.
    /// </summary>
    public static string Decode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        int first = text.IndexOf('\\', StringComparison.Ordinal);
        if (first < 0)
        {
            return text;
        }

        var decoded = new StringBuilder(text.Length);
        decoded.Append(text, 0, first);
        for (int i = first; i < text.Length; i++)
        {
            char c = text[i];
            if (c != '\\' || i + 1 == text.Length)
            {
                decoded.Append(c);
                continue;
            }

            switch (text[i + 1])
            {
                case '"' or '\\' or '/':
                    decoded.Append(text[i + 1]);
                    i++;
                    break;
                case 'b':
                    decoded.Append('\b');
                    i++;
                    break;
                case 'f':
                    decoded.Append('\f');
                    i++;
                    break;
                case 'n':
                    decoded.Append('\n');
                    i++;
                    break;
                case 'r':
                    decoded.Append('\r');
                    i++;
                    break;
                case 't':
                    decoded.Append('\t');
                    i++;
                    break;
                case 'u' when Hex(text, i + 2) is { } unit:
                    if (char.IsHighSurrogate(unit) && i + 11 < text.Length && text[i + 6] == '\\' && text[i + 7] == 'u' && Hex(text, i + 8) is { } low && char.IsLowSurrogate(low))
                    {
                        decoded.Append(unit).Append(low);
                        i += 11;
                    }
                    else
                    {
                        decoded.Append(unit == '\0' || char.IsSurrogate(unit) ? ' ' : unit);
                        i += 5;
                    }

                    break;
                default:
                    decoded.Append(c);
                    break;
            }
        }

        return decoded.ToString();
    }

    /// <summary>
    /// Whether <paramref name="utf8"/> is one JSON value, or when <paramref name="whole"/> is false, the start of one (a
    /// blob's head cut from a longer text).
    /// </summary>
    public static bool IsJson(ReadOnlySpan<byte> utf8, bool whole)
    {
        var reader = new Utf8JsonReader(utf8, whole, new JsonReaderState(Options));
        try
        {
            while (reader.Read())
            {
            }

            return reader.TokenType != JsonTokenType.None || !whole;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>The UTF-16 code unit of the four hex digits at <paramref name="start"/>; null when there are not four.</summary>
    private static char? Hex(string text, int start)
        => start + 4 <= text.Length && ushort.TryParse(text.AsSpan(start, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ushort value)
            ? (char)value
            : null;
}
