using System.Text;

namespace Acode.Application.Redaction;

/// <summary>
/// How <see cref="ArtifactText"/> read an artifact's bytes, and the way back: <see cref="GetBytes"/> of the decoded text,
/// unedited, gives the very bytes it was read from (a UTF-16 text's unpaired surrogates and a stray last byte included),
/// so a writer that edits only a secret keeps every other byte.
/// </summary>
public sealed class ArtifactTextEncoding
{
    private readonly Func<string, byte[]> _encode;

    private ArtifactTextEncoding(string name, Func<string, byte[]> encode, int unitSize = 1, bool bigEndian = false)
    {
        Name = name;
        _encode = encode;
        UnitSize = unitSize;
        BigEndian = bigEndian;
    }

    /// <summary>Strict UTF-8.</summary>
    public static ArtifactTextEncoding Utf8 { get; } = new("UTF-8", new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetBytes);

    /// <summary>ISO-8859-1, byte for byte (every byte is one character U+0000–U+00FF).</summary>
    public static ArtifactTextEncoding Latin1 { get; } = new("ISO-8859-1 (Latin-1)", Encoding.Latin1.GetBytes);

    /// <summary>
    /// UTF-32 with the byte order of its byte order mark (strict), with <paramref name="trailingBytes"/> (the 1 to 3 last
    /// bytes of a length that is not a multiple of 4: a capture cut at a byte limit, trial AZ F2) written after the text.
    /// </summary>
    public static ArtifactTextEncoding Utf32(bool bigEndian, byte[]? trailingBytes)
    {
        var utf32 = new UTF32Encoding(bigEndian, byteOrderMark: false, throwOnInvalidCharacters: true);
        return new(bigEndian ? "UTF-32 (big-endian)" : "UTF-32 (little-endian)", text => [.. utf32.GetBytes(text), .. trailingBytes ?? []], 4, bigEndian);
    }

    /// <summary>
    /// UTF-16 code unit by code unit (an unpaired surrogate stays one), with <paramref name="trailingByte"/> (a last byte of
    /// an odd length, as a capture cut at a byte limit leaves it) written after the text.
    /// </summary>
    public static ArtifactTextEncoding Utf16(bool bigEndian, byte? trailingByte) => Utf16(bigEndian, null, trailingByte);

    /// <summary>As <see cref="Utf16(bool, byte?)"/>, with <paramref name="leadingByte"/> written before the text: UTF-16 read from the second byte on.</summary>
    internal static ArtifactTextEncoding Utf16(bool bigEndian, byte? leadingByte, byte? trailingByte) => new(
        bigEndian ? "UTF-16 (big-endian)" : "UTF-16 (little-endian)",
        text =>
        {
            int first = leadingByte is null ? 0 : 1;
            byte[] bytes = new byte[first + (text.Length * 2) + (trailingByte is null ? 0 : 1)];
            for (int i = 0; i < text.Length; i++)
            {
                (bytes[first + (2 * i)], bytes[first + (2 * i) + 1]) = bigEndian ? ((byte)(text[i] >> 8), (byte)text[i]) : ((byte)text[i], (byte)(text[i] >> 8));
            }

            if (leadingByte is { } lead)
            {
                bytes[0] = lead;
            }

            if (trailingByte is { } last)
            {
                bytes[^1] = last;
            }

            return bytes;
        },
        2,
        bigEndian);

    /// <summary>The encoding's name as a page shows it: <c>UTF-8</c>, <c>UTF-16 (little-endian)</c>, <c>ISO-8859-1 (Latin-1)</c>, ….</summary>
    public string Name { get; }

    /// <summary>Bytes per code unit: 1 (UTF-8, Latin-1), 2 (UTF-16) or 4 (UTF-32).</summary>
    internal int UnitSize { get; }

    /// <summary>Whether a UTF-16 or UTF-32 encoding is big-endian.</summary>
    internal bool BigEndian { get; }

    /// <summary>Whether this is UTF-8 (what a page need not name).</summary>
    public bool IsUtf8 => ReferenceEquals(this, Utf8);

    /// <summary>The bytes of <paramref name="text"/> in this encoding.</summary>
    /// <exception cref="EncoderFallbackException">The text holds what the encoding cannot write (not for text it decoded, edited only with ASCII).</exception>
    public byte[] GetBytes(string text) => _encode(text ?? throw new ArgumentNullException(nameof(text)));
}
