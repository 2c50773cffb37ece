using System.Diagnostics.CodeAnalysis;

namespace Acode.Domain.Ids;

/// <summary>Identifies a tool call: <c>tc_</c> followed by a ULID, so IDs sort by creation time.</summary>
public readonly record struct ToolCallId : IPrefixedId<ToolCallId>
{
    /// <summary>The text before the underscore: <c>tc</c>.</summary>
    public const string Prefix = "tc";

    private ToolCallId(string value) => Value = value;

    /// <summary>The whole id, <c>tc_</c> followed by 26 Crockford base-32 characters (a ULID); null only in <c>default</c>.</summary>
    public string Value { get; }

    static string IPrefixedId<ToolCallId>.Prefix => Prefix;

    static string IPrefixedId<ToolCallId>.Kind => "tool call";

    /// <summary>A new tool call id; ids made in a later millisecond sort after it (a ULID: 48-bit millisecond time, then 80 random bits).</summary>
    public static ToolCallId New() => PrefixedId.New<ToolCallId>();

    /// <summary>Parses <paramref name="text"/> as a <c>tc_</c> id (as printed by <see cref="ToString"/>).</summary>
    /// <exception cref="FormatException">The text is not a <c>tc_</c> ID.</exception>
    public static ToolCallId Parse(string text) => PrefixedId.Parse<ToolCallId>(text);

    /// <summary>Parses <paramref name="text"/> as a <c>tc_</c> id; false (and <c>default</c>) when it is not one.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out ToolCallId id) => PrefixedId.TryParse(text, out id);

    /// <summary>The id as text (<see cref="Value"/>); empty for <c>default</c>.</summary>
    public override string ToString() => Value ?? string.Empty;

    static ToolCallId IPrefixedId<ToolCallId>.FromValidText(string text) => new(text);
}
