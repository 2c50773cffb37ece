using System.Diagnostics.CodeAnalysis;

namespace Acode.Domain.Ids;

/// <summary>Identifies a session: <c>sess_</c> followed by a ULID, so IDs sort by creation time.</summary>
public readonly record struct SessionId
{
    public const string Prefix = "sess";

    private SessionId(string value) => Value = value;

    public string Value { get; }

    public static SessionId New() => new(PrefixedId.New(Prefix));

    /// <exception cref="FormatException">The text is not a <c>sess_</c> ID.</exception>
    public static SessionId Parse(string text) => new(PrefixedId.Validate(Prefix, text, "session"));

    public static bool TryParse([NotNullWhen(true)] string? text, out SessionId id)
    {
        bool valid = PrefixedId.TryValidate(Prefix, text);
        id = valid ? new SessionId(text!) : default;
        return valid;
    }

    public override string ToString() => Value ?? string.Empty;
}
