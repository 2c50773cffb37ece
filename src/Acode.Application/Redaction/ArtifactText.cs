using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Acode.Application.Redaction;

/// <summary>
/// Reads an artifact's content as text, one rule for the redaction that rewrites it and the viewer that shows it. Content
/// whose media type says it is text (<see cref="IsDeclaredText"/>) is read as UTF-32 or UTF-16 after its byte order mark
/// (PowerShell's logs, trial AX X3; a cut tail kept as it is), as UTF-16 when its <c>charset</c> says so or its zero bytes fall on one side of each
/// pair (UTF-16 without a byte order mark), code unit by code unit so that an unpaired surrogate or a stray last byte does
/// not hide the rest (trial AY F6); else as UTF-8 when it is valid UTF-8, else byte for byte as ISO-8859-1 (Latin-1: a
/// <c>.env</c> or a log written in Latin-1 or Windows-1252, trial AU 4; with NUL bytes too, trial AY F5). Valid UTF-8
/// is text whatever the media type says; anything else (an image, an archive, an Office document) is not text.
/// </summary>
public static class ArtifactText
{
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
        if (bigEndianUnits is null && content.Contains((byte)0) || !utf8)
        {
            // Without a byte order mark: UTF-16 when the charset says so (its order, or where the zero bytes fall), or when
            // the zero bytes of text in a Latin script all fall on one side of the pairs; valid UTF-8 without a NUL is UTF-8.
            bigEndianUnits ??= charset?.ToUpperInvariant() switch
            {
                "UTF-16LE" => false,
                "UTF-16BE" => true,
                // Without a clear side, valid UTF-8 is UTF-8 (padded with NULs, mislabelled: trial AZ F1).
                "UTF-16" or "UTF16" or "UNICODE" => ZeroSide(content, strict: true) ?? (utf8 ? null : ZeroSide(content) ?? false),
                _ => ZeroSide(content, strict: true),
            };
        }

        if (bigEndianUnits is not { } bigEndian)
        {
            return null;
        }

        var units = new char[content.Length / 2];
        for (int i = 0; i < units.Length; i++)
        {
            units[i] = bigEndian ? (char)((content[2 * i] << 8) | content[(2 * i) + 1]) : (char)(content[2 * i] | (content[(2 * i) + 1] << 8));
        }

        byte? trailing = content.Length % 2 == 1 ? content[^1] : null;
        return (new string(units), ArtifactTextEncoding.Utf16(bigEndian, trailing));
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
