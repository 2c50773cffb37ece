using System.Diagnostics.CodeAnalysis;

namespace Acode.Domain.Ids;

/// <summary>Identifies a session event: <c>evt_</c> followed by a ULID, so IDs sort by creation time.</summary>
public readonly record struct EventId : IPrefixedId<EventId>
{
    /// <summary>The text before the underscore: <c>evt</c>.</summary>
    public const string Prefix = "evt";

    private EventId(string value) => Value = value;

    /// <summary>The whole id, <c>evt_</c> followed by 26 Crockford base-32 characters (a ULID); null only in <c>default</c>.</summary>
    public string Value { get; }

    static string IPrefixedId<EventId>.Prefix => Prefix;

    static string IPrefixedId<EventId>.Kind => "session event";

    /// <summary>A new event id; ids made in a later millisecond sort after it (a ULID: 48-bit millisecond time, then 80 random bits).</summary>
    public static EventId New() => PrefixedId.New<EventId>();

    /// <summary>Parses <paramref name="text"/> as a <c>evt_</c> id (as printed by <see cref="ToString"/>).</summary>
    /// <exception cref="FormatException">The text is not a <c>evt_</c> ID.</exception>
    public static EventId Parse(string text) => PrefixedId.Parse<EventId>(text);

    /// <summary>Parses <paramref name="text"/> as a <c>evt_</c> id; false (and <c>default</c>) when it is not one.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out EventId id) => PrefixedId.TryParse(text, out id);

    /// <summary>The id as text (<see cref="Value"/>); empty for <c>default</c>.</summary>
    public override string ToString() => Value ?? string.Empty;

    static EventId IPrefixedId<EventId>.FromValidText(string text) => new(text);
}
