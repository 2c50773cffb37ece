using System.Diagnostics.CodeAnalysis;

namespace Acode.Domain.Ids;

/// <summary>Identifies a step: <c>step_</c> followed by a ULID, so IDs sort by creation time.</summary>
public readonly record struct StepId : IPrefixedId<StepId>
{
    public const string Prefix = "step";

    private StepId(string value) => Value = value;

    public string Value { get; }

    static string IPrefixedId<StepId>.Prefix => Prefix;

    static string IPrefixedId<StepId>.Kind => "step";

    public static StepId New() => PrefixedId.New<StepId>();

    /// <exception cref="FormatException">The text is not a <c>step_</c> ID.</exception>
    public static StepId Parse(string text) => PrefixedId.Parse<StepId>(text);

    public static bool TryParse([NotNullWhen(true)] string? text, out StepId id) => PrefixedId.TryParse(text, out id);

    public override string ToString() => Value ?? string.Empty;

    static StepId IPrefixedId<StepId>.FromValidText(string text) => new(text);
}
