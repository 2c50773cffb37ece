using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Acode.Application.Redaction;

/// <summary>
/// Reads an artifact's content as text, one rule for the redaction that rewrites it and the viewer that shows it. Content
/// whose media type says it is text (<see cref="IsDeclaredText"/>) is read as UTF-32 or UTF-16 after its byte order mark
/// (PowerShell's logs, trial AX X3; a cut tail kept as it is), as UTF-32 without one when every four bytes are a scalar
/// value in one byte order only (a cut tail kept too), as UTF-16 when its <c>charset</c> says so or its zero bytes fall
/// on one side of each pair (UTF-16 without a byte order mark; in another script, such as CJK, a run of ASCII
/// characters shows the side),
/// code unit by code unit so that an unpaired surrogate or a stray last byte does
/// not hide the rest (trial AY F6); else as UTF-8 when it is valid UTF-8, else byte for byte as ISO-8859-1 (Latin-1: a
/// <c>.env</c> or a log written in Latin-1 or Windows-1252, trial AU 4; with NUL bytes too, trial AY F5). Valid UTF-8
/// is text whatever the media type says; anything else (an image, an archive, an Office document) is not text.
/// </summary>
public static class ArtifactText
{
    /// <summary>How many ASCII characters in a row, each beside a zero byte, make content UTF-16 (<see cref="AsciiRunSide"/>); fewer than any token the redaction finds by its shape has (an AWS key id has 20).</summary>
    private const int AsciiRun = 16;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private static readonly HashSet<string> TextSubtypes = new(
        ["json", "x-ndjson", "ndjson", "xml", "yaml", "x-yaml", "javascript", "x-javascript", "ecmascript", "toml", "x-toml", "sql", "x-sh", "x-shellscript",
         "x-www-form-urlencoded", "csv", "x-csv", "jwt", "x-httpd-php", "x-php", "x-python", "x-perl", "x-ruby", "graphql", "x-tex", "rtf"],
        StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Decodes <paramref name="content"/> as the class summary says.
    /// </summary>
    /// <param name="mediaType">The artifact's media type, as stored (its <c>charset</c> parameter is read; other parameters are ignored).</param>
    /// <param name="content">The stored bytes.</param>
    /// <param name="text">The decoded text; a byte order mark is kept in it as U+FEFF.</param>
    /// <param name="encoding">How the bytes were read, and the way back to them (<see cref="ArtifactTextEncoding.GetBytes"/>).</param>
    /// <returns>False for empty content and for content that is not text by this rule.</returns>
    public static bool TryDecode(
        string mediaType,
        ReadOnlySpan<byte> content,
        [NotNullWhen(true)] out string? text,
        [NotNullWhen(true)] out ArtifactTextEncoding? encoding)
    {
        ArgumentNullException.ThrowIfNull(mediaType);
        (text, encoding) = (null, null);
        if (content.IsEmpty)
        {
            return false;
        }

        bool declared = IsDeclaredText(mediaType);
        bool utf8 = System.Text.Unicode.Utf8.IsValid(content);
        if (declared && Wide(content, Charset(mediaType), utf8) is { } wide)
        {
            (text, encoding) = wide;
            return true;
        }

        if (utf8)
        {
            (text, encoding) = (StrictUtf8.GetString(content), ArtifactTextEncoding.Utf8);
            return true;
        }

        if (!declared)
        {
            return false;
        }

        (text, encoding) = (Encoding.Latin1.GetString(content), ArtifactTextEncoding.Latin1);
        return true;
    }

    /// <summary>
    /// Declared text in UTF-32 or UTF-16 (see the class summary); null when it is neither. <paramref name="utf8"/>: whether
    /// <paramref name="content"/> is valid UTF-8, read once by the caller.
    /// </summary>
    private static (string Text, ArtifactTextEncoding Encoding)? Wide(ReadOnlySpan<byte> content, string? charset, bool utf8)
    {
        if (content.Length >= 4 && content[..4] is [0xFF, 0xFE, 0, 0] or [0, 0, 0xFE, 0xFF])
        {
            try
            {
                bool bigEndian32 = content[0] == 0;
                int whole = content.Length - (content.Length % 4);
                byte[]? tail = whole == content.Length ? null : content[whole..].ToArray();
                return (new UTF32Encoding(bigEndian32, byteOrderMark: false, throwOnInvalidCharacters: true).GetString(content[..whole]), ArtifactTextEncoding.Utf32(bigEndian32, tail));
            }
            catch (DecoderFallbackException)
            {
                // Not UTF-32 after all: read on as UTF-16 (FF FE) or as the rest says.
            }
        }

        bool? bigEndianUnits = content.Length >= 2 && content[..2] is [0xFF, 0xFE] or [0xFE, 0xFF] ? content[0] == 0xFE : null;
        // A cut tail (a log cut mid-write) is kept as it is, as after a byte order mark (trial BC F5).
        int wholeScalars = content.Length - (content.Length % 4);
        if (bigEndianUnits is null && Utf32Order(content[..wholeScalars], charset) is { } bigEndianScalars)
        {
            byte[]? cut = wholeScalars == content.Length ? null : content[wholeScalars..].ToArray();
            return (new UTF32Encoding(bigEndianScalars, byteOrderMark: false, throwOnInvalidCharacters: true).GetString(content[..wholeScalars]), ArtifactTextEncoding.Utf32(bigEndianScalars, cut));
        }

        if (bigEndianUnits is null && content.Contains((byte)0) || !utf8)
        {
            // Without a byte order mark: UTF-16 when the charset says so (its order, or where the zero bytes fall), or when
            // the zero bytes of text in a Latin script all fall on one side of the pairs; valid UTF-8 without a NUL is UTF-8.
            bigEndianUnits ??= charset?.ToUpperInvariant() switch
            {
                "UTF-16LE" => false,
                "UTF-16BE" => true,
                // Without a clear side, valid UTF-8 is UTF-8 (padded with NULs, mislabelled: trial AZ F1). Content in more
                // than one encoding is shown in one; the redaction reads it in the others too (AlsoRead).
                "UTF-16" or "UTF16" or "UNICODE" => ZeroSide(content, strict: true) ?? (utf8 ? null : ZeroSide(content) ?? false),
                // Text in another script (CJK) has few zero bytes: a run of ASCII characters (a token is one) tells.
                _ => ZeroSide(content, strict: true) ?? (utf8 ? null : AsciiRunSide(content)),
            };
        }

        if (bigEndianUnits is not { } bigEndian)
        {
            return null;
        }

        return Utf16Units(content, bigEndian);
    }

    /// <summary>
    /// The content as UTF-16 code units in this byte order (any bytes: see <see cref="ArtifactTextEncoding.Utf16(bool, byte?)"/>),
    /// from its first byte, or (<paramref name="fromSecond"/>) from its second, the first kept as it is.
    /// </summary>
    private static (string Text, ArtifactTextEncoding Encoding) Utf16Units(ReadOnlySpan<byte> content, bool bigEndian, bool fromSecond = false)
    {
        byte? leading = fromSecond && content.Length > 0 ? content[0] : null;
        ReadOnlySpan<byte> pairs = leading is null ? content : content[1..];
        var units = new char[pairs.Length / 2];
        for (int i = 0; i < units.Length; i++)
        {
            units[i] = bigEndian ? (char)((pairs[2 * i] << 8) | pairs[(2 * i) + 1]) : (char)(pairs[2 * i] | (pairs[(2 * i) + 1] << 8));
        }

        byte? trailing = pairs.Length % 2 == 1 ? pairs[^1] : null;
        return (new string(units), ArtifactTextEncoding.Utf16(bigEndian, leading, trailing));
    }

    /// <summary>
    /// The readings of declared text besides the one <see cref="TryDecode"/> chose (<paramref name="chosen"/>) in which the
    /// redaction looks for secrets too: content in more than one encoding at once (a UTF-8 or Latin-1 log holding a Windows
    /// tool's UTF-16 output; UTF-16 text holding a line of UTF-8) is shown in one, but a secret in any part is found
    /// (trials BC F1, BD F4, F5, BE F1–F3). UTF-16 in each byte order, from the first byte (but the reading chosen) and
    /// from the second (a fragment at an odd offset), when the content holds a zero byte (an ASCII character in UTF-16 has
    /// one); and UTF-8, or Latin-1 when the content is not valid UTF-8, when it was read as UTF-16 or UTF-32. Each
    /// reading gives the very bytes back (<see cref="ArtifactTextEncoding.GetBytes"/>), so they are applied one after
    /// another, each to the bytes the one before left; every marker is ASCII.
    /// </summary>
    internal static IReadOnlyList<Func<byte[], (string Text, ArtifactTextEncoding Encoding)>> AlsoRead(ReadOnlySpan<byte> content, ArtifactTextEncoding chosen)
    {
        var readings = new List<Func<byte[], (string, ArtifactTextEncoding)>>();
        if (chosen.UnitSize > 1)
        {
            readings.Add(bytes => System.Text.Unicode.Utf8.IsValid(bytes) ? (StrictUtf8.GetString(bytes), ArtifactTextEncoding.Utf8) : (Encoding.Latin1.GetString(bytes), ArtifactTextEncoding.Latin1));
        }

        if (content.Contains((byte)0))
        {
            foreach (bool bigEndian in (ReadOnlySpan<bool>)[false, true])
            {
                if (chosen.UnitSize != 2 || chosen.BigEndian != bigEndian)
                {
                    readings.Add(bytes => Utf16Units(bytes, bigEndian));
                }

                readings.Add(bytes => Utf16Units(bytes, bigEndian, fromSecond: true));
            }
        }

        return readings;
    }

    /// <summary>
    /// Which side of the byte pairs holds the zero bytes: true when the first (big-endian), false when the second; null
    /// when neither does (or, <paramref name="strict"/>, when both do, or fewer than half the pairs hold one: text in a Latin
    /// script has a zero byte in nearly every pair).
    /// </summary>
    private static bool? ZeroSide(ReadOnlySpan<byte> content, bool strict = false)
    {
        int first = 0, second = 0;
        for (int i = 0; i + 1 < content.Length; i += 2)
        {
            first += content[i] == 0 ? 1 : 0;
            second += content[i + 1] == 0 ? 1 : 0;
        }

        if (strict && ((first > 0 && second > 0) || Math.Max(first, second) * 2 < content.Length / 2))
        {
            return null;
        }

        return first == second ? null : first > second;
    }

    /// <summary>
    /// Which side of the byte pairs holds the zero bytes of UTF-16 in a script other than Latin (true when the first,
    /// big-endian): the side of a run of at least <see cref="AsciiRun"/> ASCII characters, each with a zero byte (a token, a
    /// path, a command), when that side also holds at least four in five of the zero bytes; null otherwise. Latin-1 text
    /// has no such run: its NUL bytes are padding, not every second byte.
    /// </summary>
    private static bool? AsciiRunSide(ReadOnlySpan<byte> content)
    {
        int first = 0, second = 0, runFirst = 0, runSecond = 0;
        bool foundFirst = false, foundSecond = false;
        for (int i = 0; i + 1 < content.Length; i += 2)
        {
            (byte a, byte b) = (content[i], content[i + 1]);
            first += a == 0 ? 1 : 0;
            second += b == 0 ? 1 : 0;
            runFirst = a == 0 && IsPrintableAscii(b) ? runFirst + 1 : 0;
            runSecond = b == 0 && IsPrintableAscii(a) ? runSecond + 1 : 0;
            foundFirst |= runFirst >= AsciiRun;
            foundSecond |= runSecond >= AsciiRun;
        }

        return (foundFirst, foundSecond) switch
        {
            (true, false) when first >= 4 * second => true,
            (false, true) when second >= 4 * first => false,
            _ => null,
        };
    }

    private static bool IsPrintableAscii(byte value) => value is (>= 0x20 and <= 0x7E) or 0x09 or 0x0A or 0x0D;

    /// <summary>
    /// The byte order of UTF-32 without a byte order mark (true when big-endian): its <c>charset</c>'s (UTF-32LE, UTF-32BE),
    /// or the one order in which every four bytes are a Unicode scalar value (at most U+10FFFF, not a surrogate; not all
    /// U+0000); null when the length is not a multiple of four (the caller leaves a cut tail out), or neither or both orders are.
    /// </summary>
    private static bool? Utf32Order(ReadOnlySpan<byte> content, string? charset)
    {
        if (content.Length < 4 || content.Length % 4 != 0 || !content.Contains((byte)0))
        {
            return null;
        }

        // The order the charset names, when the content is in it, without reading the content in the other order.
        switch (charset?.ToUpperInvariant())
        {
            case "UTF-32LE" when AreScalars(content, bigEndian: false):
                return false;
            case "UTF-32BE" when AreScalars(content, bigEndian: true):
                return true;
        }

        bool little = AreScalars(content, bigEndian: false), big = AreScalars(content, bigEndian: true);
        return little == big ? null : big;
    }

    private static bool AreScalars(ReadOnlySpan<byte> content, bool bigEndian)
    {
        bool any = false;
        for (int i = 0; i < content.Length; i += 4)
        {
            uint value = bigEndian
                ? (uint)((content[i] << 24) | (content[i + 1] << 16) | (content[i + 2] << 8) | content[i + 3])
                : (uint)(content[i] | (content[i + 1] << 8) | (content[i + 2] << 16) | (content[i + 3] << 24));
            if (value > 0x10FFFF || value is >= 0xD800 and <= 0xDFFF)
            {
                return false;
            }

            any |= value != 0;
        }

        return any;
    }

    /// <summary>The <c>charset</c> parameter of a media type (RFC 2045: case-insensitive, may be quoted); null when none.</summary>
    private static string? Charset(string mediaType)
    {
        foreach (string parameter in mediaType.Split(';').Skip(1))
        {
            string[] pair = parameter.Split('=', 2, StringSplitOptions.TrimEntries);
            if (pair.Length == 2 && pair[0].Equals("charset", StringComparison.OrdinalIgnoreCase))
            {
                return pair[1].Trim('"');
            }
        }

        return null;
    }

    /// <summary>
    /// Whether the media type says the content is text: <c>text/*</c>, <c>message/*</c> (an e-mail), or JSON, XML, YAML,
    /// JavaScript, TOML, SQL, a shell, PHP, Python, Perl or Ruby script, CSV, a form body, a JWT, GraphQL, TeX or RTF (also
    /// a <c>+json</c>, <c>+xml</c>, <c>+yaml</c> suffix), compared without case (RFC 6838, section 4.2).
    /// Not by <c>xml</c> anywhere in the name: an Office document (<c>…openxmlformats…</c>) is a zip archive (trial AX X2),
    /// and replacing bytes inside an archive or an image breaks it.
    /// </summary>
    public static bool IsDeclaredText(string mediaType)
    {
        ArgumentNullException.ThrowIfNull(mediaType);
        string type = mediaType.Split(';')[0].Trim();
        int slash = type.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0)
        {
            return false;
        }

        string subtype = type[(slash + 1)..];
        return type[..slash].Equals("text", StringComparison.OrdinalIgnoreCase)
            || type[..slash].Equals("message", StringComparison.OrdinalIgnoreCase)
            || TextSubtypes.Contains(subtype)
            || subtype.EndsWith("+json", StringComparison.OrdinalIgnoreCase)
            || subtype.EndsWith("+xml", StringComparison.OrdinalIgnoreCase)
            || subtype.EndsWith("+yaml", StringComparison.OrdinalIgnoreCase);
    }
}
