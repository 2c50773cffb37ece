using System.Text.Json;

namespace Acode.Infrastructure.Transcripts;

/// <summary>
/// Which format a JSON Lines record belongs to, by its record type: what lets an importer refuse a file none of whose
/// records is its agent's, and say which command fits instead (docs/import.md, "A file of another format").
/// </summary>
internal static class TranscriptFormat
{
    public const string AcodeExport = "acode-export";

    /// <summary>The longest line <see cref="GuessTranscriptAgent"/> reads (1 MiB); a longer one is skipped.</summary>
    private const int GuessLineBytes = 1024 * 1024;

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

    /// <summary>
    /// Which agent's transcript the file at <paramref name="path"/> looks like (<c>claude-code</c>, <c>codex</c>), judged by its
    /// first <paramref name="maxLines"/> lines (a UTF-8 byte-order mark skipped); null when it looks like neither, holds an
    /// acode export line first, or cannot be read.
    /// </summary>
    public static string? GuessTranscriptAgent(string path, int maxLines = 50)
    {
        try
        {
            // Lines are read as bytes with a 1 MiB cap: a longer line is skipped without being held whole (its start only).
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.SequentialScan);
            int i = 0;
            foreach (TranscriptLine line in new TranscriptLineReader(GuessLineBytes).Read(stream, 1, _ => { }))
            {
                if (i++ >= maxLines)
                {
                    break;
                }

                string text = i == 1 ? line.Text.TrimStart('\uFEFF') : line.Text;
                if (line.Oversized || string.IsNullOrWhiteSpace(text))
                {
                    continue;
                }

                try
                {
                    using JsonDocument document = JsonValues.Parse(text);
                    if (document.RootElement.ValueKind != JsonValueKind.Object)
                    {
                        continue;
                    }

                    switch (Guess(document.RootElement))
                    {
                        case AcodeExport:
                            return null;
                        case { } agent:
                            return agent;
                    }
                }
                catch (JsonException)
                {
                    // Not JSON: the next line may tell.
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        return null;
    }

    /// <summary>What the record looks like: <c>claude-code</c>, <c>codex</c>, <see cref="AcodeExport"/>, or null.</summary>
    public static string? Guess(JsonElement record)
        => IsAcodeExport(record) ? AcodeExport
            : IsCodex(record) ? CodexTranscriptImporter.AgentName
            : IsClaudeCode(record) ? ClaudeCodeTranscriptImporter.AgentName
            : null;
}
