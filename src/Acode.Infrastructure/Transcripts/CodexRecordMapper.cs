using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Lane = Acode.Infrastructure.Transcripts.TranscriptGraph.Lane;
using StepNode = Acode.Infrastructure.Transcripts.TranscriptGraph.StepNode;
using ToolNode = Acode.Infrastructure.Transcripts.TranscriptGraph.ToolNode;

namespace Acode.Infrastructure.Transcripts;

/// <summary>
/// The Codex CLI rollout (<c>~/.codex/sessions/YYYY/MM/DD/rollout-&lt;time&gt;-&lt;id&gt;.jsonl</c>): lines
/// <c>{"timestamp", "type", "payload"}</c> of type <c>session_meta</c>, <c>response_item</c>, <c>event_msg</c>,
/// <c>turn_context</c> and <c>compacted</c>; older rollouts hold bare response items. See docs/import.md.
/// </summary>
internal sealed partial class CodexRecordMapper : ITranscriptRecordMapper
{
    // event_msg records that repeat a response_item (the prompt, the answer, the reasoning summary): not stored twice.
    private static readonly HashSet<string> RepeatedEvents = new(StringComparer.Ordinal) { "user_message", "agent_message", "agent_reasoning", "agent_reasoning_raw_content" };
    private Lane? _lane;

    /// <summary>
    /// A hash of each timed line read: a line written twice (the same record, timestamp included) is mapped once. Codex
    /// records carry no id of their own; lines without a timestamp (early rollouts' bare items and state markers, which
    /// repeat legitimately) are not compared.
    /// </summary>
    private readonly HashSet<UInt128> _seenRecords = [];

    // The rollout records where its turns start and end (task_started / task_complete, or their turn_* names): then only
    // task_complete ends a turn. Rollouts of Codex versions that persist neither have nothing but the answer to go by.
    private bool _recordsTurns;

    public bool IsOwnRecord(JsonElement record) => TranscriptFormat.IsCodex(record);

    public DateTimeOffset? TimeOf(JsonElement record) => record.Time("timestamp");

    /// <summary>A timed line identical to one read before: what it maps exists already.</summary>
    public bool Repeats(JsonElement record) => record.Get("timestamp") is { ValueKind: JsonValueKind.String } && !_seenRecords.Add(HashOf(record));

    public void Map(TranscriptGraph graph, JsonElement record, long lineNumber, ProblemCounter problems)
    {

        string? type = record.Str("type");
        JsonElement payload = record.Get("payload") ?? default;
        if (payload.ValueKind != JsonValueKind.Object && type is not null && TranscriptFormat.CodexResponseItemTypes.Contains(type))
        {
            // An early rollout: response items were written bare, without the {timestamp, type, payload} envelope.
            MapResponseItem(graph, record, lineNumber, problems);
            return;
        }

        switch (type)
        {
            case "session_meta":
                graph.SetSource("version", payload.Str("cli_version"));
                graph.SetSource("cwd", payload.Str("cwd"));
                graph.SetSource("originator", payload.Str("originator"));
                graph.SetSource("modelProvider", payload.Str("model_provider"));
                graph.SetSource("sourceSessionId", payload.Str("id"));
                if (payload.Get("git") is { } git)
                {
                    graph.SetSource("gitBranch", git.Str("branch"));
                    graph.SetSource("gitCommit", git.Str("commit_hash"));
                    graph.SetSource("gitRepository", git.Str("repository_url"));
                }

                if (payload.Str("cli_version") is { } version && JsonValues.Major(version) is not 0)
                {
                    problems.UnknownFormatVersion = true;
                }

                graph.AddEvent("transcript.session_meta", ClaudeCodeRecordMapper.Raw(record, lineNumber));
                break;
            case "turn_context":
                graph.SetSource("model", payload.Str("model"));
                graph.SetSource("cwd", payload.Str("cwd"));
                graph.AddEvent("transcript.turn_context", ClaudeCodeRecordMapper.Raw(record, lineNumber));
                break;
            case "compacted":
                graph.AddEvent("transcript.compaction", ClaudeCodeRecordMapper.Raw(record, lineNumber));
                break;
            case "response_item":
                MapResponseItem(graph, payload, lineNumber, problems);
                break;
            case "event_msg":
                MapEvent(graph, record, payload, lineNumber);
                break;
            case null when record.Str("record_type") == "state":
                // Early rollouts: a marker of the state saved so far, nothing to map.
                graph.UnmappedRecords++;
                graph.AddEvent("transcript.record", ClaudeCodeRecordMapper.Raw(record, lineNumber));
                break;
            case null when record.Str("id") is { } id && record.TryGetProperty("instructions", out _):
                // Early rollouts began with {id, timestamp, instructions[, git]}: the session_meta of later ones.
                graph.SetSource("sourceSessionId", id);
                graph.AddEvent("transcript.session_meta", ClaudeCodeRecordMapper.Raw(record, lineNumber));
                break;
            default:
                problems.UnknownRecordTypes++;
                graph.UnmappedRecords++;
                graph.AddEvent("transcript.record", ClaudeCodeRecordMapper.Raw(record, lineNumber));
                break;
        }
    }

    private static UInt128 HashOf(JsonElement record)
    {
        Span<byte> hash = stackalloc byte[32];
        System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(record.GetRawText()), hash);
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt128BigEndian(hash);
    }

    private void MapEvent(TranscriptGraph graph, JsonElement record, JsonElement payload, long lineNumber)
    {
        string? type = payload.Str("type");
        switch (type)
        {
            case null:
                break;
            case "token_count":
                graph.AddEvent("transcript.usage", ClaudeCodeRecordMapper.Raw(payload, lineNumber));
                return;
            case "task_started" or "turn_started":
                _recordsTurns = true;
                graph.AddEvent("transcript.turn", ClaudeCodeRecordMapper.Raw(payload, lineNumber));
                return;
            case "task_complete" or "turn_complete":
                _recordsTurns = true;
                if (_lane is not null)
                {
                    graph.SetLaneState(_lane, WorkState.Completed);
                }

                graph.SetSessionState(SessionState.Completed);
                graph.AddEvent("transcript.turn", ClaudeCodeRecordMapper.Raw(payload, lineNumber));
                return;
            case "turn_aborted":
                if (_lane is not null)
                {
                    graph.SetLaneState(_lane, WorkState.Cancelled);
                }

                graph.SetSessionState(SessionState.Cancelled);
                graph.AddEvent("transcript.interrupted", ClaudeCodeRecordMapper.Raw(payload, lineNumber));
                return;
            case "error":
                if (_lane is not null)
                {
                    graph.SetLaneState(_lane, WorkState.Failed);
                }

                graph.SetSessionState(SessionState.Failed);
                graph.AddEvent("transcript.api_error", ClaudeCodeRecordMapper.Raw(payload, lineNumber));
                return;
            default:
                if (RepeatedEvents.Contains(type))
                {
                    return;
                }

                break;
        }

        graph.UnmappedRecords++;
        graph.AddEvent("transcript.record", ClaudeCodeRecordMapper.Raw(record, lineNumber));
    }

    private void MapResponseItem(TranscriptGraph graph, JsonElement item, long lineNumber, ProblemCounter problems)
    {
        string key = "line-" + lineNumber.ToString(CultureInfo.InvariantCulture);
        switch (item.Str("type"))
        {
            case "message":
                MapMessage(graph, item, key, lineNumber, problems);
                break;
            case "reasoning":
            {
                StepNode step = Output(graph, key);
                graph.AddEvent("transcript.reasoning", TranscriptGraph.Json(w =>
                {
                    w.WriteText("text", string.Join("\n", item.Array("summary").Select(s => s.Str("text")).Where(t => t is not null)));
                    w.WriteBoolean("encrypted", item.Get("encrypted_content") is not null);
                    w.WriteText("stepId", step.Id);
                }));
                break;
            }

            case "function_call":
            {
                StepNode step = Output(graph, key);
                string arguments = item.Get("arguments") is { ValueKind: JsonValueKind.String } a ? a.GetString() ?? "{}" : item.Get("arguments")?.GetRawText() ?? "{}";
                string name = item.Str("name") ?? "(unnamed tool)";
                graph.TitleStep(step, "Calls " + name);
                graph.AddToolCall(step, item.Str("call_id") ?? key, name, arguments);
                Executing(graph);
                break;
            }

            case "custom_tool_call":
            {
                StepNode step = Output(graph, key);
                string name = item.Str("name") ?? "(unnamed tool)";
                graph.TitleStep(step, "Calls " + name);
                graph.AddToolCall(step, item.Str("call_id") ?? key, name, TranscriptGraph.Json(w => w.WriteText("input", item.Str("input"))));
                Executing(graph);
                break;
            }

            case "local_shell_call":
            {
                StepNode step = Output(graph, key);
                graph.TitleStep(step, "Calls local_shell");
                graph.AddToolCall(step, item.Str("call_id") ?? item.Str("id") ?? key, "local_shell", item.Get("action")?.GetRawText() ?? "{}");
                Executing(graph);
                break;
            }

            case "web_search_call":
            {
                StepNode step = Output(graph, key);
                graph.TitleStep(step, "Calls web_search");
                if (graph.AddToolCall(step, item.Str("id") ?? key, "web_search", item.Get("action")?.GetRawText() ?? "{}") is { } call)
                {
                    graph.FinishToolCall(call, item.Str("status") ?? string.Empty, failed: item.Str("status") == "failed");
                }

                break;
            }

            case "function_call_output":
            case "custom_tool_call_output":
                MapOutput(graph, item, lineNumber, problems);
                break;
            default:
                problems.UnknownRecordTypes++;
                graph.UnmappedRecords++;
                graph.AddEvent("transcript.record", ClaudeCodeRecordMapper.Raw(item, lineNumber));
                break;
        }
    }

    private void MapMessage(TranscriptGraph graph, JsonElement item, string key, long lineNumber, ProblemCounter problems)
    {
        string role = item.Str("role") ?? "unknown";
        string text = JsonValues.Text(item.Get("content"));
        List<JsonElement> images = item.Array("content").Where(c => c.Str("type") == "input_image").ToList();
        if (role == "user" && !IsContext(text))
        {
            if (_lane is not null && _lane.Task.State == WorkState.Running)
            {
                graph.SetLaneState(_lane, WorkState.Completed);
            }

            graph.SetFirstPrompt(text);
            _lane = graph.StartTask(key, text, text);
            graph.SetSessionState(SessionState.Executing);
            for (int i = 0; i < images.Count; i++)
            {
                AddImage(graph, images[i], $"{key}:image:{i}", $"prompt image {i + 1} (line {lineNumber})", problems);
            }

            return;
        }

        if (role == "assistant")
        {
            StepNode step = Output(graph, key);
            graph.TitleStep(step, text);
            graph.AddEvent("transcript.message", TranscriptGraph.Json(w =>
            {
                w.WriteText("role", role);
                w.WriteText("text", text);
                w.WriteText("stepId", step.Id);
            }));
            // A message is not the end of the turn by itself: Codex writes progress notes (phase "commentary") between
            // tool calls, and a rollout that records its turns ends each with task_complete. Only a rollout that records
            // no turns (older Codex versions) has nothing else to go by than an answer with no tool call open.
            bool open = _lane!.Task.Steps.Any(s => s.ToolCalls.Any(c => c.Status == ToolCallStatus.Running));
            if (!open && !_recordsTurns && item.Str("phase") != "commentary")
            {
                graph.SetLaneState(_lane, WorkState.Completed);
                graph.SetSessionState(SessionState.Completed);
            }

            return;
        }

        // Instructions and environment context (user/developer/system messages that are not prompts).
        graph.AddEvent("transcript.message", TranscriptGraph.Json(w =>
        {
            w.WriteText("role", role);
            w.WriteText("text", text);
            w.WriteBoolean("meta", true);
        }));
    }

    private void MapOutput(TranscriptGraph graph, JsonElement item, long lineNumber, ProblemCounter problems)
    {
        ToolNode? call = graph.FindToolCall(item.Str("call_id") ?? string.Empty);
        if (call is null)
        {
            problems.UnpairedToolResults++;
            graph.AddEvent("transcript.unpaired_tool_result", ClaudeCodeRecordMapper.Raw(item, lineNumber));
            return;
        }

        (string text, bool failed, TimeSpan? duration) = ParseOutput(item.Get("output"));
        if (_lane is not null)
        {
            _lane.AwaitingOutput = true;
        }

        if (!graph.FinishToolCall(call, text, failed, duration))
        {
            return;
        }

        // Content items (an output with images: view_image, an MCP tool): each image becomes an artifact of the call.
        if (item.Get("output") is { ValueKind: JsonValueKind.Array } items)
        {
            int index = 0;
            foreach (JsonElement image in items.EnumerateArray().Where(i => i.Str("type") == "input_image"))
            {
                AddImage(graph, image, $"{call.Id}:image:{index}", $"{call.Name} result image {++index}", problems, call.Step, call);
            }
        }

        if (!failed && PatchOf(call) is { } patch)
        {
            string files = string.Join(", ", PatchFile().Matches(patch).Select(m => m.Groups[1].Value.Trim()));
            graph.AddArtifact(call.Id + ":patch", files.Length > 0 ? files : "apply_patch", ArtifactKind.Diff, "text/x-diff; charset=utf-8", Encoding.UTF8.GetBytes(patch), call.Step, call);
        }
    }

    /// <summary>
    /// A tool's output as Codex records it: a string (plain, <c>{"output":…,"metadata":{"exit_code":…,"duration_seconds":…}}</c>,
    /// or <c>Exit code: N\nWall time: …</c> text), an object <c>{"content":…, "success":…}</c>, or an array of content
    /// items (<c>{"type":"input_text","text":…}</c>, <c>{"type":"input_image","image_url":…}</c>): their texts, one a line.
    /// </summary>
    private static (string Text, bool Failed, TimeSpan? Duration) ParseOutput(JsonElement? output)
    {
        if (output is { ValueKind: JsonValueKind.Object } o)
        {
            return (JsonValues.Text(o.Get("content")), o.Get("success") is { ValueKind: JsonValueKind.False }, null);
        }

        if (output is { ValueKind: JsonValueKind.Array } items)
        {
            return (JsonValues.Text(items), false, null);
        }

        string text = output is { ValueKind: JsonValueKind.String } s ? s.GetString() ?? string.Empty : output?.GetRawText() ?? string.Empty;
        if (text.StartsWith('{'))
        {
            try
            {
                using JsonDocument document = JsonValues.Parse(text);
                JsonElement root = document.RootElement;
                if (root.Get("metadata") is { } metadata)
                {
                    long? exit = metadata.Long("exit_code");
                    TimeSpan? duration = metadata.Double("duration_seconds") is { } seconds && seconds >= 0 && seconds < TimeSpan.MaxValue.TotalSeconds ? TimeSpan.FromSeconds(seconds) : null;
                    return (root.Str("output") ?? text, exit is not null and not 0, duration);
                }
            }
            catch (JsonException)
            {
                // Plain text that starts with a brace.
            }
        }

        (bool failed, TimeSpan? took) = ParseShellHeader(text);
        return (text, failed, took);
    }

    /// <summary>
    /// Whether a shell tool's text result says its command failed, and how long it took, from the lines before its
    /// <c>Output:</c> line (the first line only when there is none): <c>Exit code: N</c> and <c>Wall time: S seconds</c>
    /// (Codex's <c>shell</c> tool), or <c>Chunk ID: …</c>, <c>Wall time: S seconds</c>, <c>Process exited with code N</c>
    /// (<c>Process running with session ID N</c> while it runs) and <c>Original token count: N</c> (its unified exec
    /// tool, <c>exec_command</c> and <c>write_stdin</c>; openai/codex, codex-rs unified exec). A text that starts otherwise
    /// is a plain result: not failed, its time measured from the records.
    /// </summary>
    private static (bool Failed, TimeSpan? Duration) ParseShellHeader(string text)
    {
        if (!ShellHeaderStart().IsMatch(text))
        {
            return (false, null);
        }

        int output = text.IndexOf("\nOutput:", StringComparison.Ordinal);
        int firstLine = text.IndexOf('\n', StringComparison.Ordinal);
        string header = output >= 0 ? text[..output] : firstLine >= 0 ? text[..firstLine] : text;
        Match code = ExitCode().Match(header);
        Match wall = WallTime().Match(header);
        TimeSpan? duration = wall.Success && double.TryParse(wall.Groups[1].ValueSpan, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double seconds)
            && seconds >= 0 && seconds < TimeSpan.MaxValue.TotalSeconds ? TimeSpan.FromSeconds(seconds) : null;
        return (code.Success && code.Groups[1].Value != "0", duration);
    }

    /// <summary>
    /// The patch a successful tool call applied: an <c>apply_patch</c> call's input, or a shell call whose command is
    /// <c>["apply_patch", "*** Begin Patch…"]</c> (how Codex invoked it before it became a tool of its own); else null.
    /// </summary>
    private static string? PatchOf(ToolNode call)
    {
        using JsonDocument document = JsonValues.Parse(call.Arguments);
        JsonElement arguments = document.RootElement;
        if (call.Name == "apply_patch")
        {
            return arguments.Str("input") ?? arguments.Str("patch") ?? JsonValues.Text(arguments.Get("command"));
        }

        JsonElement? command = arguments.Get("command");
        if (call.Name is "shell" or "local_shell" or "container.exec" && command is { ValueKind: JsonValueKind.Array } parts
            && parts.GetArrayLength() == 2 && parts[0].ValueKind == JsonValueKind.String && parts[0].GetString() is "apply_patch" or "applypatch"
            && parts[1].ValueKind == JsonValueKind.String)
        {
            return parts[1].GetString();
        }

        return null;
    }

    private static bool IsContext(string text)
    {
        string trimmed = text.TrimStart();
        return trimmed.StartsWith("<environment_context>", StringComparison.Ordinal)
            || trimmed.StartsWith("<user_instructions>", StringComparison.Ordinal)
            || trimmed.StartsWith("# AGENTS.md instructions", StringComparison.Ordinal);
    }

    /// <summary>
    /// An <c>input_image</c> (<c>image_url</c>: a data URL) as an artifact of its bytes. A data URL whose payload is not
    /// base64 is kept as written (<c>text/uri-list</c>) and counted in <see cref="ProblemCounter.InvalidImages"/>; any other
    /// URL (acode does not fetch it) is kept as written too, not a problem.
    /// </summary>
    private static void AddImage(TranscriptGraph graph, JsonElement block, string key, string name, ProblemCounter problems, StepNode? step = null, ToolNode? call = null)
    {
        string url = block.Str("image_url") ?? string.Empty;
        const string marker = ";base64,";
        int comma = url.IndexOf(marker, StringComparison.Ordinal);
        if (url.StartsWith("data:", StringComparison.Ordinal) && comma > 0)
        {
            try
            {
                graph.AddArtifact(key, name, ArtifactKind.Other, url[5..comma], Convert.FromBase64String(url[(comma + marker.Length)..]), step, call);
                return;
            }
            catch (FormatException)
            {
                problems.InvalidImages++; // kept as text below
            }
        }

        graph.AddArtifact(key, name, ArtifactKind.Other, "text/uri-list", Encoding.UTF8.GetBytes(url), step, call);
    }

    private void Executing(TranscriptGraph graph)
    {
        graph.SetLaneState(_lane!, WorkState.Running);
        graph.SetSessionState(SessionState.Executing);
    }

    /// <summary>The step model output goes to: the current one, or a new one after input (a prompt or a tool output).</summary>
    private StepNode Output(TranscriptGraph graph, string key)
    {
        _lane ??= graph.StartTask(key, "(no prompt in the transcript)", null);
        if (_lane.AwaitingOutput || _lane.Step is null)
        {
            _lane.AwaitingOutput = false;
            return graph.Step(_lane, key, "Assistant turn");
        }

        return _lane.Step;
    }

    [GeneratedRegex(@"^\*\*\* (?:Add|Update|Delete) File: (.+)$", RegexOptions.Multiline)]
    private static partial Regex PatchFile();

    [GeneratedRegex(@"\A(?:Exit code: |Wall time: |Chunk ID: |Process exited with code )")]
    private static partial Regex ShellHeaderStart();

    [GeneratedRegex(@"^(?:Exit code:|Process exited with code) (-?\d+)\r?$", RegexOptions.Multiline)]
    private static partial Regex ExitCode();

    [GeneratedRegex(@"^Wall time: (\d+(?:\.\d+)?) seconds?\r?$", RegexOptions.Multiline)]
    private static partial Regex WallTime();
}
