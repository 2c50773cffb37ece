using System.Diagnostics.CodeAnalysis;

namespace Acode.Domain.Ids;

/// <summary>Identifies an artifact: <c>art_</c> followed by a ULID, so IDs sort by creation time.</summary>
public readonly record struct ArtifactId : IPrefixedId<ArtifactId>
{
    /// <summary>The text before the underscore: <c>art</c>.</summary>
    public const string Prefix = "art";

    private ArtifactId(string value) => Value = value;

    /// <summary>The whole id, <c>art_</c> followed by 26 Crockford base-32 characters (a ULID); null only in <c>default</c>.</summary>
    public string Value { get; }

    static string IPrefixedId<ArtifactId>.Prefix => Prefix;

    static string IPrefixedId<ArtifactId>.Kind => "artifact";

    /// <summary>A new artifact id; ids made in a later millisecond sort after it (a ULID: 48-bit millisecond time, then 80 random bits).</summary>
    public static ArtifactId New() => PrefixedId.New<ArtifactId>();

    /// <summary>Parses <paramref name="text"/> as a <c>art_</c> id (as printed by <see cref="ToString"/>).</summary>
    /// <exception cref="FormatException">The text is not a <c>art_</c> ID.</exception>
    public static ArtifactId Parse(string text) => PrefixedId.Parse<ArtifactId>(text);

    /// <summary>Parses <paramref name="text"/> as a <c>art_</c> id; false (and <c>default</c>) when it is not one.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out ArtifactId id) => PrefixedId.TryParse(text, out id);

    /// <summary>The id as text (<see cref="Value"/>); empty for <c>default</c>.</summary>
    public override string ToString() => Value ?? string.Empty;

    static ArtifactId IPrefixedId<ArtifactId>.FromValidText(string text) => new(text);
}
