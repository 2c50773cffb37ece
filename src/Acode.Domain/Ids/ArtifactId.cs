using System.Diagnostics.CodeAnalysis;

namespace Acode.Domain.Ids;

/// <summary>Identifies an artifact: <c>art_</c> followed by a ULID, so IDs sort by creation time.</summary>
public readonly record struct ArtifactId : IPrefixedId<ArtifactId>
{
    public const string Prefix = "art";

    private ArtifactId(string value) => Value = value;

    public string Value { get; }

    static string IPrefixedId<ArtifactId>.Prefix => Prefix;

    static string IPrefixedId<ArtifactId>.Kind => "artifact";

    public static ArtifactId New() => PrefixedId.New<ArtifactId>();

    /// <exception cref="FormatException">The text is not a <c>art_</c> ID.</exception>
    public static ArtifactId Parse(string text) => PrefixedId.Parse<ArtifactId>(text);

    public static bool TryParse([NotNullWhen(true)] string? text, out ArtifactId id) => PrefixedId.TryParse(text, out id);

    public override string ToString() => Value ?? string.Empty;

    static ArtifactId IPrefixedId<ArtifactId>.FromValidText(string text) => new(text);
}
