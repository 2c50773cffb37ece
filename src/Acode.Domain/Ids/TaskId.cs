using System.Diagnostics.CodeAnalysis;

namespace Acode.Domain.Ids;

/// <summary>Identifies a task: <c>task_</c> followed by a ULID, so IDs sort by creation time.</summary>
public readonly record struct TaskId
{
    public const string Prefix = "task";

    private TaskId(string value) => Value = value;

    public string Value { get; }

    public static TaskId New() => new(PrefixedId.New(Prefix));

    /// <exception cref="FormatException">The text is not a <c>task_</c> ID.</exception>
    public static TaskId Parse(string text) => new(PrefixedId.Validate(Prefix, text, "task"));

    public static bool TryParse([NotNullWhen(true)] string? text, out TaskId id)
    {
        bool valid = PrefixedId.TryValidate(Prefix, text);
        id = valid ? new TaskId(text!) : default;
        return valid;
    }

    public override string ToString() => Value ?? string.Empty;
}
