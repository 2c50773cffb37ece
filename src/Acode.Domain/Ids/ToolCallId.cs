using System.Diagnostics.CodeAnalysis;

namespace Acode.Domain.Ids;

/// <summary>Identifies a tool call: <c>tc_</c> followed by a ULID, so IDs sort by creation time.</summary>
public readonly record struct ToolCallId
{
    public const string Prefix = "tc";

    private ToolCallId(string value) => Value = value;

    public string Value { get; }

    public static ToolCallId New() => new(PrefixedId.New(Prefix));

    /// <exception cref="FormatException">The text is not a <c>tc_</c> ID.</exception>
    public static ToolCallId Parse(string text) => new(PrefixedId.Validate(Prefix, text, "tool call"));

    public static bool TryParse([NotNullWhen(true)] string? text, out ToolCallId id)
    {
        bool valid = PrefixedId.TryValidate(Prefix, text);
        id = valid ? new ToolCallId(text!) : default;
        return valid;
    }

    public override string ToString() => Value ?? string.Empty;
}
