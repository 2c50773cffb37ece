using System.Diagnostics.CodeAnalysis;

namespace Acode.Domain.Ids;

/// <summary>The one implementation of the prefixed, time-sortable IDs (<c>sess_01J…</c>): creation, validation, parsing.</summary>
internal static class PrefixedId
{
    public static string New(string prefix) => prefix + "_" + Ulid.NewUlid();

    /// <summary>A new id of type <typeparamref name="TId"/>: its prefix, an underscore and a new ULID.</summary>
    public static TId New<TId>()
        where TId : struct, IPrefixedId<TId>
        => TId.FromValidText(New(TId.Prefix));

    /// <exception cref="FormatException">The text is not an id of type <typeparamref name="TId"/>.</exception>
    public static TId Parse<TId>(string text)
        where TId : struct, IPrefixedId<TId>
        => TId.FromValidText(Validate(TId.Prefix, text, TId.Kind));

    public static bool TryParse<TId>([NotNullWhen(true)] string? text, out TId id)
        where TId : struct, IPrefixedId<TId>
    {
        bool valid = TryValidate(TId.Prefix, text);
        id = valid ? TId.FromValidText(text!) : default;
        return valid;
    }

    public static bool TryValidate(string prefix, [NotNullWhen(true)] string? text)
        => text is not null
           && text.Length == prefix.Length + 1 + Ulid.Length
           && text.StartsWith(prefix, StringComparison.Ordinal)
           && text[prefix.Length] == '_'
           && Ulid.IsValid(text.AsSpan(prefix.Length + 1));

    public static string Validate(string prefix, string? text, string kind)
        => TryValidate(prefix, text)
            ? text
            : throw new FormatException(
                $"'{text}' is not a valid {kind} id: expected '{prefix}_' followed by a 26-character ULID, e.g. {prefix}_01JD3Z6Q6V2K8M4N5P7R9S1T3V.");
}
