using System.Text.Json;

namespace Acode.Infrastructure.Transcripts;

/// <summary>
/// Which format a JSON Lines record belongs to, by its record type: what lets an importer refuse a file none of whose
/// records is its agent's, and say which command fits instead (docs/import.md, "A file of another format").
/// </summary>
internal static class TranscriptFormat
{
    public const string AcodeExport = "acode-export";

    private static readonly HashSet<string> ClaudeCodeTypes = new(StringComparer.Ordinal)
    {
        "user", "assistant", "summary", "system", "file-history-snapshot", "queue-operation", "progress", "attachment",
    };

    private static readonly HashSet<string> CodexTypes = new(StringComparer.Ordinal) { "session_meta", "turn_context", "compacted", "response_item", "event_msg" };

    /// <summary>The response items early Codex rollouts wrote bare, without the <c>{timestamp, type, payload}</c> envelope.</summary>
    public static readonly HashSet<string> CodexResponseItemTypes = new(StringComparer.Ordinal)
    {
        "message", "reasoning", "function_call", "function_call_output", "custom_tool_call", "custom_tool_call_output", "local_shell_call", "web_search_call",
    };

    private static readonly HashSet<string> ExportEntities = new(StringComparer.Ordinal) { "Session", "SessionTask", "Step", "ToolCall", "Artifact", "SessionEvent" };

    public static bool IsClaudeCode(JsonElement record) => record.Str("type") is { } type && ClaudeCodeTypes.Contains(type);

    public static bool IsCodex(JsonElement record)
        => record.Str("type") is { } type
            && (CodexTypes.Contains(type) || (record.Get("payload") is not { ValueKind: JsonValueKind.Object } && CodexResponseItemTypes.Contains(type)));

    /// <summary>A line of <c>acode session export</c>: an entity document (<c>{"entity": "Session", "id": …}</c>).</summary>
    public static bool IsAcodeExport(JsonElement record)
        => record.Str("entity") is { } entity && ExportEntities.Contains(entity) && record.Str("id") is not null;

    /// <summary>What the record looks like: <c>claude-code</c>, <c>codex</c>, <see cref="AcodeExport"/>, or null.</summary>
    public static string? Guess(JsonElement record)
        => IsAcodeExport(record) ? AcodeExport
            : IsCodex(record) ? CodexTranscriptImporter.AgentName
            : IsClaudeCode(record) ? ClaudeCodeTranscriptImporter.AgentName
            : null;
}
