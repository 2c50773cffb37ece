using System.Diagnostics.CodeAnalysis;

namespace Acode.Domain.Ids;

/// <summary>Identifies a session: <c>sess_</c> followed by a ULID, so IDs sort by creation time.</summary>
public readonly record struct SessionId : IPrefixedId<SessionId>
{
    /// <summary>The text before the underscore: <c>sess</c>.</summary>
    public const string Prefix = "sess";

    private SessionId(string value) => Value = value;

    /// <summary>The whole id, <c>sess_</c> followed by 26 Crockford base-32 characters (a ULID); null only in <c>default</c>.</summary>
    public string Value { get; }

    static string IPrefixedId<SessionId>.Prefix => Prefix;

    static string IPrefixedId<SessionId>.Kind => "session";

    /// <summary>A new session id; ids made in a later millisecond sort after it (a ULID: 48-bit millisecond time, then 80 random bits).</summary>
    public static SessionId New() => PrefixedId.New<SessionId>();

    /// <summary>Parses <paramref name="text"/> as a <c>sess_</c> id (as printed by <see cref="ToString"/>).</summary>
    /// <exception cref="FormatException">The text is not a <c>sess_</c> ID.</exception>
    public static SessionId Parse(string text) => PrefixedId.Parse<SessionId>(text);

    /// <summary>Parses <paramref name="text"/> as a <c>sess_</c> id; false (and <c>default</c>) when it is not one.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out SessionId id) => PrefixedId.TryParse(text, out id);

    /// <summary>The id as text (<see cref="Value"/>); empty for <c>default</c>.</summary>
    public override string ToString() => Value ?? string.Empty;

    static SessionId IPrefixedId<SessionId>.FromValidText(string text) => new(text);
}
