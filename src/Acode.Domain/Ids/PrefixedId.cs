using System.Diagnostics.CodeAnalysis;

namespace Acode.Domain.Ids;

/// <summary>Shared rules of the prefixed, time-sortable IDs (<c>sess_01J…</c>).</summary>
internal static class PrefixedId
{
    public static string New(string prefix) => prefix + "_" + Ulid.NewUlid();

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
