using System.Diagnostics.CodeAnalysis;

namespace Acode.Domain.Ids;

/// <summary>Identifies a tool call: <c>tc_</c> followed by a ULID, so IDs sort by creation time.</summary>
public readonly record struct ToolCallId : IPrefixedId<ToolCallId>
{
    public const string Prefix = "tc";

    private ToolCallId(string value) => Value = value;

    public string Value { get; }

    static string IPrefixedId<ToolCallId>.Prefix => Prefix;

    static string IPrefixedId<ToolCallId>.Kind => "tool call";

    public static ToolCallId New() => PrefixedId.New<ToolCallId>();

    /// <exception cref="FormatException">The text is not a <c>tc_</c> ID.</exception>
    public static ToolCallId Parse(string text) => PrefixedId.Parse<ToolCallId>(text);

    public static bool TryParse([NotNullWhen(true)] string? text, out ToolCallId id) => PrefixedId.TryParse(text, out id);

    public override string ToString() => Value ?? string.Empty;

    static ToolCallId IPrefixedId<ToolCallId>.FromValidText(string text) => new(text);
}
