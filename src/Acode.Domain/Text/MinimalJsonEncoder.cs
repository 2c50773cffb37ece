using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;

namespace Acode.Domain.Text;

/// <summary>
/// The JSON string escaping acode stores text with: only what RFC 8259 §7 requires (<c>"</c>, <c>\</c> and the
/// control characters U+0000–U+001F, as <c>\"</c>, <c>\\</c>, <c>\n</c>… or <c>\u001F</c>) and an unpaired surrogate
/// (which UTF-8 cannot carry; written as U+FFFD); every other character, an emoji or a letter outside ASCII, is written
/// as itself. <see cref="JavaScriptEncoder.UnsafeRelaxedJsonEscaping"/> escapes every character outside the Basic
/// Multilingual Plane (an emoji as <c>\uD83D\uDE80</c>) and the default encoder everything outside ASCII, so text that
/// acode wrote into a payload or redacted in arguments read back as escapes where the agent wrote the characters
/// (trial AJ 1). Not for HTML or JavaScript: pages escape what they show themselves.
/// </summary>
public sealed class MinimalJsonEncoder : JavaScriptEncoder
{
    private static readonly SearchValues<char> Special = SearchValues.Create(SpecialChars());
    private static readonly SearchValues<byte> SpecialBytes = SearchValues.Create(SpecialUtf8());

    private MinimalJsonEncoder()
    {
    }

    /// <summary>The one instance (it holds no state).</summary>
    public static MinimalJsonEncoder Instance { get; } = new();

    /// <inheritdoc/>
    public override int MaxOutputCharactersPerInputCharacter => 6; // \u001F

    /// <summary>A JSON string literal of <paramref name="text"/>, quotes included, escaped as this encoder does.</summary>
    public static string Quote(string text) => "\"" + System.Text.Json.JsonEncodedText.Encode(text, Instance).Value + "\"";

    /// <inheritdoc/>
    public override bool WillEncode(int unicodeScalar) => unicodeScalar is < 0x20 or '"' or '\\';

    /// <inheritdoc/>
    public override unsafe int FindFirstCharacterToEncode(char* text, int textLength)
    {
        var span = new ReadOnlySpan<char>(text, textLength);
        int i = 0;
        while (i < span.Length)
        {
            int next = span[i..].IndexOfAny(Special);
            if (next < 0)
            {
                return -1;
            }

            i += next;
            if (!char.IsHighSurrogate(span[i]) || i + 1 >= span.Length || !char.IsLowSurrogate(span[i + 1]))
            {
                return i;
            }

            i += 2;
        }

        return -1;
    }

    /// <inheritdoc/>
    public override int FindFirstCharacterToEncodeUtf8(ReadOnlySpan<byte> utf8Text)
    {
        int i = 0;
        while (i < utf8Text.Length)
        {
            int next = utf8Text[i..].IndexOfAny(SpecialBytes);
            if (next < 0)
            {
                return -1;
            }

            i += next;
            if (utf8Text[i] < 0x80 || Rune.DecodeFromUtf8(utf8Text[i..], out _, out int length) != OperationStatus.Done)
            {
                return i;
            }

            i += length;
        }

        return -1;
    }

    /// <inheritdoc/>
    public override unsafe bool TryEncodeUnicodeScalar(int unicodeScalar, char* buffer, int bufferLength, out int numberOfCharactersWritten)
    {
        var destination = new Span<char>(buffer, bufferLength);
        string written = unicodeScalar switch
        {
            '"' => "\\\"",
            '\\' => "\\\\",
            '\b' => "\\b",
            '\f' => "\\f",
            '\n' => "\\n",
            '\r' => "\\r",
            '\t' => "\\t",
            < 0x20 => "\\u" + unicodeScalar.ToString("X4", CultureInfo.InvariantCulture),
            _ => Rune.IsValid(unicodeScalar) ? char.ConvertFromUtf32(unicodeScalar) : "\uFFFD",
        };
        if (written.Length > destination.Length)
        {
            numberOfCharactersWritten = 0;
            return false;
        }

        written.CopyTo(destination);
        numberOfCharactersWritten = written.Length;
        return true;
    }

    private static string SpecialChars()
    {
        var chars = new StringBuilder("\"\\");
        for (char c = '\0'; c < ' '; c++)
        {
            chars.Append(c);
        }

        for (int c = 0xD800; c <= 0xDFFF; c++)
        {
            chars.Append((char)c);
        }

        return chars.ToString();
    }

    private static byte[] SpecialUtf8()
    {
        List<byte> bytes = [(byte)'"', (byte)'\\'];
        for (int b = 0; b < 0x20; b++)
        {
            bytes.Add((byte)b);
        }

        for (int b = 0x80; b <= 0xFF; b++)
        {
            bytes.Add((byte)b);
        }

        return [.. bytes];
    }
}
