using System.Diagnostics.CodeAnalysis;

namespace Acode.Domain.Ids;

/// <summary>Identifies a session event: <c>evt_</c> followed by a ULID, so IDs sort by creation time.</summary>
public readonly record struct EventId
{
    public const string Prefix = "evt";

    private EventId(string value) => Value = value;

    public string Value { get; }

    public static EventId New() => new(PrefixedId.New(Prefix));

    /// <exception cref="FormatException">The text is not a <c>evt_</c> ID.</exception>
    public static EventId Parse(string text) => new(PrefixedId.Validate(Prefix, text, "session event"));

    public static bool TryParse([NotNullWhen(true)] string? text, out EventId id)
    {
        bool valid = PrefixedId.TryValidate(Prefix, text);
        id = valid ? new EventId(text!) : default;
        return valid;
    }

    public override string ToString() => Value ?? string.Empty;
}
