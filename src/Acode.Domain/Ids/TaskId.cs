using System.Diagnostics.CodeAnalysis;

namespace Acode.Domain.Ids;

/// <summary>Identifies a task: <c>task_</c> followed by a ULID, so IDs sort by creation time.</summary>
public readonly record struct TaskId : IPrefixedId<TaskId>
{
    public const string Prefix = "task";

    private TaskId(string value) => Value = value;

    public string Value { get; }

    static string IPrefixedId<TaskId>.Prefix => Prefix;

    static string IPrefixedId<TaskId>.Kind => "task";

    public static TaskId New() => PrefixedId.New<TaskId>();

    /// <exception cref="FormatException">The text is not a <c>task_</c> ID.</exception>
    public static TaskId Parse(string text) => PrefixedId.Parse<TaskId>(text);

    public static bool TryParse([NotNullWhen(true)] string? text, out TaskId id) => PrefixedId.TryParse(text, out id);

    public override string ToString() => Value ?? string.Empty;

    static TaskId IPrefixedId<TaskId>.FromValidText(string text) => new(text);
}
