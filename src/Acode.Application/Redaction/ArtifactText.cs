using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Acode.Application.Redaction;

/// <summary>
/// Reads an artifact's content as text, one rule for the redaction that rewrites it and the viewer that shows it: valid
/// UTF-8 is text whatever its media type says; content whose media type says it is text (<see cref="IsDeclaredText"/>)
/// is also read as UTF-16 after its byte order mark (PowerShell's logs, trial AX X3), or else byte for byte as
/// ISO-8859-1 (Latin-1: a <c>.env</c> or a log written in Latin-1 or Windows-1252, trial AU 4) unless it holds a NUL
/// byte (binary, as git judges a file). Anything else (an image, an archive, an Office document) is not text.
/// </summary>
public static class ArtifactText
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private static readonly HashSet<string> TextSubtypes = new(
        ["json", "x-ndjson", "ndjson", "xml", "yaml", "x-yaml", "javascript", "x-javascript", "ecmascript", "toml", "sql", "x-sh", "x-shellscript"],
        StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Decodes <paramref name="content"/> as the class summary says.
    /// </summary>
    /// <param name="mediaType">The artifact's media type, as stored (parameters such as <c>; charset=…</c> are ignored).</param>
    /// <param name="content">The stored bytes.</param>
    /// <param name="text">The decoded text; a byte order mark is kept in it as U+FEFF.</param>
    /// <param name="encoding">
    /// The encoding that gives the same bytes back for the decoded text (strict UTF-8, UTF-16 without a byte order mark
    /// of the content's byte order, or <see cref="Encoding.Latin1"/>): a writer that re-encodes an edited text with it
    /// keeps every byte it did not edit.
    /// </param>
    /// <returns>False for empty content and for content that is not text by this rule.</returns>
    public static bool TryDecode(
        string mediaType,
        ReadOnlySpan<byte> content,
        [NotNullWhen(true)] out string? text,
        [NotNullWhen(true)] out Encoding? encoding)
    {
        ArgumentNullException.ThrowIfNull(mediaType);
        text = null;
        encoding = null;
        if (content.IsEmpty)
        {
            return false;
        }

        if (System.Text.Unicode.Utf8.IsValid(content))
        {
            (text, encoding) = (StrictUtf8.GetString(content), StrictUtf8);
            return true;
        }

        if (!IsDeclaredText(mediaType))
        {
            return false;
        }

        if (content.Length >= 2 && (content[0], content[1]) is (0xFF, 0xFE) or (0xFE, 0xFF))
        {
            var utf16 = new UnicodeEncoding(bigEndian: content[0] == 0xFE, byteOrderMark: false, throwOnInvalidBytes: true);
            try
            {
                (text, encoding) = (utf16.GetString(content), utf16);
                return true;
            }
            catch (DecoderFallbackException)
            {
                return false;
            }
        }

        if (content.Contains((byte)0))
        {
            return false;
        }

        (text, encoding) = (Encoding.Latin1.GetString(content), Encoding.Latin1);
        return true;
    }

    /// <summary>
    /// Whether the media type says the content is text: <c>text/*</c>, or JSON, XML, YAML, JavaScript, TOML, SQL or a shell
    /// script (also as a <c>+json</c>, <c>+xml</c>, <c>+yaml</c> suffix), compared without case (RFC 6838, section 4.2).
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
            || TextSubtypes.Contains(subtype)
            || subtype.EndsWith("+json", StringComparison.OrdinalIgnoreCase)
            || subtype.EndsWith("+xml", StringComparison.OrdinalIgnoreCase)
            || subtype.EndsWith("+yaml", StringComparison.OrdinalIgnoreCase);
    }
}
