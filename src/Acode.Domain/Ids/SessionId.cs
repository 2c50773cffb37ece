using System.Diagnostics.CodeAnalysis;

namespace Acode.Domain.Ids;

/// <summary>Identifies a session: <c>sess_</c> followed by a ULID, so IDs sort by creation time.</summary>
public readonly record struct SessionId : IPrefixedId<SessionId>
{
    public const string Prefix = "sess";

    private SessionId(string value) => Value = value;

    public string Value { get; }

    static string IPrefixedId<SessionId>.Prefix => Prefix;

    static string IPrefixedId<SessionId>.Kind => "session";

    public static SessionId New() => PrefixedId.New<SessionId>();

    /// <exception cref="FormatException">The text is not a <c>sess_</c> ID.</exception>
    public static SessionId Parse(string text) => PrefixedId.Parse<SessionId>(text);

    public static bool TryParse([NotNullWhen(true)] string? text, out SessionId id) => PrefixedId.TryParse(text, out id);

    public override string ToString() => Value ?? string.Empty;

    static SessionId IPrefixedId<SessionId>.FromValidText(string text) => new(text);
}
