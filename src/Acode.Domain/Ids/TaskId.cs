using System.Diagnostics.CodeAnalysis;

namespace Acode.Domain.Ids;

/// <summary>Identifies a task: <c>task_</c> followed by a ULID, so IDs sort by creation time.</summary>
public readonly record struct TaskId : IPrefixedId<TaskId>
{
    /// <summary>The text before the underscore: <c>task</c>.</summary>
    public const string Prefix = "task";

    private TaskId(string value) => Value = value;

    /// <summary>The whole id, <c>task_</c> followed by 26 Crockford base-32 characters (a ULID); null only in <c>default</c>.</summary>
    public string Value { get; }

    static string IPrefixedId<TaskId>.Prefix => Prefix;

    static string IPrefixedId<TaskId>.Kind => "task";

    /// <summary>A new task id; ids made in a later millisecond sort after it (a ULID: 48-bit millisecond time, then 80 random bits).</summary>
    public static TaskId New() => PrefixedId.New<TaskId>();

    /// <summary>Parses <paramref name="text"/> as a <c>task_</c> id (as printed by <see cref="ToString"/>).</summary>
    /// <exception cref="FormatException">The text is not a <c>task_</c> ID.</exception>
    public static TaskId Parse(string text) => PrefixedId.Parse<TaskId>(text);

    /// <summary>Parses <paramref name="text"/> as a <c>task_</c> id; false (and <c>default</c>) when it is not one.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out TaskId id) => PrefixedId.TryParse(text, out id);

    /// <summary>The id as text (<see cref="Value"/>); empty for <c>default</c>.</summary>
    public override string ToString() => Value ?? string.Empty;

    static TaskId IPrefixedId<TaskId>.FromValidText(string text) => new(text);
}
