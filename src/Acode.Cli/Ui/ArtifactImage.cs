using Acode.Domain.Entities;

namespace Acode.Cli.Ui;

/// <summary>
/// Which artifacts the viewer shows as images: those whose declared media type is a raster format browsers decode
/// without running anything (PNG, JPEG, GIF, WebP) and whose stored bytes start as that format does. SVG is never one:
/// it is a document that can carry script, so it stays text on the artifact's page.
/// </summary>
internal static class ArtifactImage
{
    /// <summary>The media types shown as images, as they are served (lower case, no parameters).</summary>
    public static readonly IReadOnlyList<string> MediaTypes = ["image/png", "image/jpeg", "image/gif", "image/webp"];

    /// <summary>
    /// The declared media type's essence (before any <c>;</c> parameter, trimmed, lower case) when it is one of
    /// <see cref="MediaTypes"/>; otherwise null.
    /// </summary>
    public static string? Declared(string mediaType)
    {
        int semicolon = mediaType.IndexOf(';', StringComparison.Ordinal);
        string essence = (semicolon < 0 ? mediaType : mediaType[..semicolon]).Trim(' ', '\t').ToLowerInvariant();
        return MediaTypes.Contains(essence) ? essence : null;
    }

    /// <summary>
    /// The media type to serve <paramref name="artifact"/>'s content as an image (one of <see cref="MediaTypes"/>): its
    /// declared type, when that is one of them and the content's first bytes are that format's signature. Null for
    /// any other artifact, a reference (no stored content) and content whose bytes are not of the declared type.
    /// </summary>
    public static string? ServedType(Artifact artifact)
        => artifact.Content is { } content && Declared(artifact.MediaType) is { } type && HasSignature(type, content.Span) ? type : null;

    /// <summary>True when <paramref name="bytes"/> start with the signature of <paramref name="type"/> (one of <see cref="MediaTypes"/>).</summary>
    public static bool HasSignature(string type, ReadOnlySpan<byte> bytes) => type switch
    {
        "image/png" => bytes.StartsWith(Png),
        "image/jpeg" => bytes.StartsWith(Jpeg),
        "image/gif" => bytes.StartsWith("GIF87a"u8) || bytes.StartsWith("GIF89a"u8),
        "image/webp" => bytes.Length >= 12 && bytes.StartsWith("RIFF"u8) && bytes[8..12].SequenceEqual("WEBP"u8),
        _ => false,
    };

    /// <summary>A short name of the format for messages ("PNG"), from one of <see cref="MediaTypes"/>.</summary>
    public static string FormatName(string type) => type switch
    {
        "image/jpeg" => "JPEG",
        "image/webp" => "WebP",
        _ => type["image/".Length..].ToUpperInvariant(),
    };

    private static ReadOnlySpan<byte> Png => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    private static ReadOnlySpan<byte> Jpeg => [0xFF, 0xD8, 0xFF];
}
