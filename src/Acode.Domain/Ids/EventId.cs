using System.Diagnostics.CodeAnalysis;

namespace Acode.Domain.Ids;

/// <summary>Identifies a session event: <c>evt_</c> followed by a ULID, so IDs sort by creation time.</summary>
public readonly record struct EventId : IPrefixedId<EventId>
{
    public const string Prefix = "evt";

    private EventId(string value) => Value = value;

    public string Value { get; }

    static string IPrefixedId<EventId>.Prefix => Prefix;

    static string IPrefixedId<EventId>.Kind => "session event";

    public static EventId New() => PrefixedId.New<EventId>();

    /// <exception cref="FormatException">The text is not a <c>evt_</c> ID.</exception>
    public static EventId Parse(string text) => PrefixedId.Parse<EventId>(text);

    public static bool TryParse([NotNullWhen(true)] string? text, out EventId id) => PrefixedId.TryParse(text, out id);

    public override string ToString() => Value ?? string.Empty;

    static EventId IPrefixedId<EventId>.FromValidText(string text) => new(text);
}
