using System.Diagnostics.CodeAnalysis;

namespace Acode.Domain.Ids;

/// <summary>Identifies a artifact: <c>art_</c> followed by a ULID, so IDs sort by creation time.</summary>
public readonly record struct ArtifactId
{
    public const string Prefix = "art";

    private ArtifactId(string value) => Value = value;

    public string Value { get; }

    public static ArtifactId New() => new(PrefixedId.New(Prefix));

    /// <exception cref="FormatException">The text is not a <c>art_</c> ID.</exception>
    public static ArtifactId Parse(string text) => new(PrefixedId.Validate(Prefix, text, "artifact"));

    public static bool TryParse([NotNullWhen(true)] string? text, out ArtifactId id)
    {
        bool valid = PrefixedId.TryValidate(Prefix, text);
        id = valid ? new ArtifactId(text!) : default;
        return valid;
    }

    public override string ToString() => Value ?? string.Empty;
}
