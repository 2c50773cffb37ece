using System.Diagnostics.CodeAnalysis;

namespace Acode.Domain.Ids;

/// <summary>Identifies a step: <c>step_</c> followed by a ULID, so IDs sort by creation time.</summary>
public readonly record struct StepId
{
    public const string Prefix = "step";

    private StepId(string value) => Value = value;

    public string Value { get; }

    public static StepId New() => new(PrefixedId.New(Prefix));

    /// <exception cref="FormatException">The text is not a <c>step_</c> ID.</exception>
    public static StepId Parse(string text) => new(PrefixedId.Validate(Prefix, text, "step"));

    public static bool TryParse([NotNullWhen(true)] string? text, out StepId id)
    {
        bool valid = PrefixedId.TryValidate(Prefix, text);
        id = valid ? new StepId(text!) : default;
        return valid;
    }

    public override string ToString() => Value ?? string.Empty;
}
