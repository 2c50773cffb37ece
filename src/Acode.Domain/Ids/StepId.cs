using System.Diagnostics.CodeAnalysis;

namespace Acode.Domain.Ids;

/// <summary>Identifies a step: <c>step_</c> followed by a ULID, so IDs sort by creation time.</summary>
public readonly record struct StepId : IPrefixedId<StepId>
{
    /// <summary>The text before the underscore: <c>step</c>.</summary>
    public const string Prefix = "step";

    private StepId(string value) => Value = value;

    /// <summary>The whole id, <c>step_</c> followed by 26 Crockford base-32 characters (a ULID); null only in <c>default</c>.</summary>
    public string Value { get; }

    static string IPrefixedId<StepId>.Prefix => Prefix;

    static string IPrefixedId<StepId>.Kind => "step";

    /// <summary>A new step id; ids made in a later millisecond sort after it (a ULID: 48-bit millisecond time, then 80 random bits).</summary>
    public static StepId New() => PrefixedId.New<StepId>();

    /// <summary>Parses <paramref name="text"/> as a <c>step_</c> id (as printed by <see cref="ToString"/>).</summary>
    /// <exception cref="FormatException">The text is not a <c>step_</c> ID.</exception>
    public static StepId Parse(string text) => PrefixedId.Parse<StepId>(text);

    /// <summary>Parses <paramref name="text"/> as a <c>step_</c> id; false (and <c>default</c>) when it is not one.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out StepId id) => PrefixedId.TryParse(text, out id);

    /// <summary>The id as text (<see cref="Value"/>); empty for <c>default</c>.</summary>
    public override string ToString() => Value ?? string.Empty;

    static StepId IPrefixedId<StepId>.FromValidText(string text) => new(text);
}
