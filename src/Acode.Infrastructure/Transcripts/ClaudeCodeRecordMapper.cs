using System.Text;
using System.Text.Json;
using Lane = Acode.Infrastructure.Transcripts.TranscriptGraph.Lane;
using StepNode = Acode.Infrastructure.Transcripts.TranscriptGraph.StepNode;
using ToolNode = Acode.Infrastructure.Transcripts.TranscriptGraph.ToolNode;

namespace Acode.Infrastructure.Transcripts;

/// <summary>
/// Claude Code's transcript (<c>~/.claude/projects/&lt;project&gt;/&lt;session-id&gt;.jsonl</c>): records of type
/// <c>user</c>, <c>assistant</c>, <c>summary</c>, <c>system</c> and bookkeeping types; see docs/import.md for the mapping.
/// </summary>
internal sealed class ClaudeCodeRecordMapper : ITranscriptRecordMapper
{
    private const string Interrupted = "[Request interrupted by user";

    /// <summary>
    /// The model Claude Code names in a message it writes itself rather than receives (an API error, an interruption's
    /// notice): no model ran, so it is not the session's model in <c>import.source</c>.
    /// </summary>
    private const string SyntheticModel = "<synthetic>";
    private static readonly HashSet<string> BookkeepingTypes = new(StringComparer.Ordinal) { "file-history-snapshot", "queue-operation", "progress", "attachment" };
    private static readonly HashSet<string> WritingTools = new(StringComparer.Ordinal) { "Write", "Edit", "MultiEdit", "NotebookEdit" };
    private static readonly HashSet<string> SubAgentTools = new(StringComparer.Ordinal) { "Task", "Agent" };

    /// <summary>
    /// The API's stop reasons that end a turn. Claude Code writes each content block of a message as its own record, all
    /// but the last with <c>stop_reason: null</c>, so a record without one of these leaves the turn open (more blocks, a
    /// tool call, may follow).
    /// </summary>
    private static readonly HashSet<string> TurnEndingStopReasons = new(StringComparer.Ordinal) { "end_turn", "stop_sequence", "max_tokens", "refusal", "model_context_window_exceeded" };

    private readonly Dictionary<string, Lane> _sideLanes = new(StringComparer.Ordinal);

    /// <summary>The <c>uuid</c>s of the records read: a record written twice (a transcript appended to twice) is mapped once.</summary>
    private readonly HashSet<string> _seenRecords = new(StringComparer.Ordinal);
    private readonly bool _subAgentTranscript;
    private Lane? _main;

    /// <summary>A slash command typed in the main conversation and not yet answered: the model's answer makes it a task.</summary>
    private (string Uuid, string Line)? _pendingCommand;

    /// <param name="subAgentTranscript">The file is a sub-agent's own transcript (<c>subagents/agent-*.jsonl</c>): every record is a side chain.</param>
    public ClaudeCodeRecordMapper(bool subAgentTranscript = false) => _subAgentTranscript = subAgentTranscript;

    public bool IsOwnRecord(JsonElement record) => TranscriptFormat.IsClaudeCode(record);

    public DateTimeOffset? TimeOf(JsonElement record) => record.Time("timestamp");

    /// <summary>A record whose <c>uuid</c> was read before: its entities and events exist already (their ids come from it).</summary>
    public bool Repeats(JsonElement record) => record.Str("uuid") is { } recordUuid && !_seenRecords.Add(recordUuid);

    public void Map(TranscriptGraph graph, JsonElement record, long lineNumber, ProblemCounter problems)
    {

        string? type = record.Str("type");
        graph.SetSource("version", record.Str("version"));
        graph.SetSource("cwd", record.Str("cwd"));
        graph.SetSource("gitBranch", record.Str("gitBranch"));
        if (record.Str("version") is { } version && JsonValues.Major(version) is not (1 or 2))
        {
            problems.UnknownFormatVersion = true;
        }

        switch (type)
        {
            case "user":
                MapUser(graph, record, lineNumber, problems);
                break;
            case "assistant":
                MapAssistant(graph, record, lineNumber, problems);
                break;
            case "summary":
                graph.SetSummaryTitle(record.Str("summary") ?? string.Empty);
                graph.AddEvent("transcript.summary", TranscriptGraph.Json(w =>
                {
                    w.WriteText("summary", record.Str("summary"));
                    w.WriteText("leafUuid", record.Str("leafUuid"));
                }));
                break;
            case "system":
                graph.AddEvent(record.Str("subtype") == "compact_boundary" ? "transcript.compaction" : "transcript.system", Raw(record, lineNumber));
                if (record.Str("subtype") == "turn_duration" && !record.Bool("isSidechain"))
                {
                    EndTurn(graph);
                }

                break;
            default:
                if (type is null || !BookkeepingTypes.Contains(type))
                {
                    problems.UnknownRecordTypes++;
                }

                graph.UnmappedRecords++;
                graph.AddEvent("transcript.record", Raw(record, lineNumber));
                break;
        }
    }

    /// <summary>A record kept whole: <c>{"line": n, "record": {…}}</c>.</summary>
    public static string Raw(JsonElement record, long lineNumber) => TranscriptGraph.Json(w =>
    {
        w.WriteNumber("line", lineNumber);
        w.WritePropertyName("record");
        if (record.ValueKind == JsonValueKind.Undefined)
        {
            w.WriteNullValue(); // a field that is missing or null (a Codex response_item without its payload)
        }
        else
        {
            record.WriteTo(w);
        }
    });

    private void MapUser(TranscriptGraph graph, JsonElement record, long lineNumber, ProblemCounter problems)
    {
        JsonElement message = record.Get("message") ?? default;
        JsonElement? content = message.ValueKind == JsonValueKind.Object ? message.Get("content") : null;
        string uuid = record.Str("uuid") ?? "line-" + lineNumber;
        bool side = _subAgentTranscript || record.Bool("isSidechain");
        var texts = new StringBuilder();
        var images = new List<JsonElement>();
        var results = new List<JsonElement>();
        if (content is { ValueKind: JsonValueKind.String } s)
        {
            texts.Append(s.GetString());
        }
        else if (content is { ValueKind: JsonValueKind.Array } blocks)
        {
            foreach (JsonElement block in blocks.EnumerateArray())
            {
                switch (block.Str("type"))
                {
                    case "text":
                        texts.Append(texts.Length > 0 ? "\n" : string.Empty).Append(block.Str("text"));
                        break;
                    case "image":
                        images.Add(block);
                        break;
                    case "tool_result":
                        results.Add(block);
                        break;
                    default:
                        problems.UnknownRecordTypes++;
                        graph.UnmappedRecords++;
                        graph.AddEvent("transcript.record", Raw(block, lineNumber));
                        break;
                }
            }
        }

        string text = texts.ToString();
        Lane? lane = side ? SideLane(graph, record) : _main;
        foreach (JsonElement result in results)
        {
            MapToolResult(graph, record, result, lineNumber, problems);
            if (graph.FindToolCall(result.Str("tool_use_id") ?? string.Empty) is { } call && SubAgentTools.Contains(call.Name) && call.Status != ToolCallStatus.Running)
            {
                EndSideChains(graph, call);
            }
        }

        if (record.Bool("isCompactSummary"))
        {
            graph.AddEvent("transcript.compaction", Message("user", text, uuid));
            return;
        }

        if (record.Bool("isMeta") || (text.Length == 0 && images.Count == 0))
        {
            if (text.Length > 0)
            {
                graph.AddEvent("transcript.message", Message("user", text, uuid, meta: true));
            }

            if (lane is not null && results.Count > 0)
            {
                lane.AwaitingOutput = true;
                if (!side)
                {
                    graph.SetSessionState(SessionState.Executing);
                    graph.SetLaneState(lane, WorkState.Running);
                }
            }

            return;
        }

        if (IsShellRecord(text))
        {
            // The user's own shell command (! in Claude Code's prompt) and its output: the model is not asked, no turn starts.
            graph.AddEvent("transcript.shell", Shell(text, uuid));
            return;
        }

        if (IsCommandRecord(text))
        {
            // What Claude Code writes for a slash command (/model, /clear, a custom command): the command's echo and its
            // local output are not prompts. A command the model then answers (a custom command) becomes a task then.
            graph.AddEvent("transcript.message", Message("user", text, uuid, meta: true));
            if (!side && CommandLine(text) is { } line)
            {
                _pendingCommand = (uuid, line);
            }

            return;
        }

        if (!side)
        {
            _pendingCommand = null;
        }

        if (text.StartsWith(Interrupted, StringComparison.Ordinal))
        {
            graph.AddEvent("transcript.interrupted", Message("user", text, uuid));
            if (lane is not null)
            {
                graph.SetLaneState(lane, WorkState.Cancelled);
            }

            if (!side)
            {
                graph.SetSessionState(SessionState.Cancelled);
            }

            return;
        }

        // A prompt: it starts a task (a side chain's first prompt starts the sub-agent's task).
        if (side)
        {
            lane = _sideLanes.GetValueOrDefault(record.Str("parentUuid") ?? string.Empty);
            if (lane is null)
            {
                lane = graph.StartTask(uuid, "Sub-agent: " + text, SubAgentDescription(graph, record, text));
            }

            _sideLanes[uuid] = lane;
        }
        else
        {
            if (_main is not null && _main.Task.State == WorkState.Running)
            {
                graph.SetLaneState(_main, WorkState.Completed);
            }

            graph.SetFirstPrompt(text);
            lane = _main = graph.StartTask(uuid, text, text);
            graph.SetSessionState(SessionState.Executing);
        }

        lane.AwaitingOutput = true;
        for (int i = 0; i < images.Count; i++)
        {
            AddImage(graph, images[i], $"{uuid}:image:{i}", $"prompt image {i + 1} (line {lineNumber})", null, null, problems);
        }
    }

    private string SubAgentDescription(TranscriptGraph graph, JsonElement record, string prompt)
    {
        string? starter = null;
        if (!_subAgentTranscript)
        {
            // A side chain in the session's own file: the sub-agent tool call still waiting for its result started it.
            ToolNode? call = graph.ToolCalls.LastOrDefault(c => SubAgentTools.Contains(c.Name) && c.Status == ToolCallStatus.Running);
            starter = call is null ? null : $"started by step {call.Step.Id}, tool call {call.Id}";
        }

        string agent = record.Str("agentId") is { } id ? $"sub-agent {id}" : "sub-agent";
        return $"{agent}{(starter is null ? string.Empty : ", " + starter)}\n\n{prompt}";
    }

    private Lane? SideLane(TranscriptGraph graph, JsonElement record)
    {
        if (record.Str("parentUuid") is { } parent && _sideLanes.TryGetValue(parent, out Lane? lane))
        {
            if (record.Str("uuid") is { } uuid)
            {
                _sideLanes[uuid] = lane;
            }

            return lane;
        }

        return null;
    }

    private void MapAssistant(TranscriptGraph graph, JsonElement record, long lineNumber, ProblemCounter problems)
    {
        JsonElement message = record.Get("message") ?? default;
        string uuid = record.Str("uuid") ?? "line-" + lineNumber;
        bool side = _subAgentTranscript || record.Bool("isSidechain");
        string? model = message.ValueKind == JsonValueKind.Object && !side ? message.Str("model") : null;
        graph.SetSource("model", model == SyntheticModel ? null : model);
        Lane? lane = side ? SideLane(graph, record) : _main;
        if (!side && _pendingCommand is { } command)
        {
            // The model answers a slash command (a custom command's expanded prompt, written as a meta record): its task.
            _pendingCommand = null;
            if (_main is not null && _main.Task.State == WorkState.Running)
            {
                graph.SetLaneState(_main, WorkState.Completed);
            }

            lane = _main = graph.StartTask(command.Uuid, command.Line, command.Line);
            graph.SetSessionState(SessionState.Executing);
        }

        if (lane is null)
        {
            // Output before any prompt (a resumed or cut transcript): an implicit task holds it.
            lane = graph.StartTask(uuid, side ? "Sub-agent (prompt not in the transcript)" : "(no prompt in the transcript)", null);
            if (side)
            {
                _sideLanes[uuid] = lane;
            }
            else
            {
                _main = lane;
            }
        }
        else if (side)
        {
            _sideLanes[uuid] = lane;
        }

        string stepKey = message.Str("id") ?? uuid;
        StepNode step = graph.Step(lane, stepKey, "Assistant turn");
        lane.AwaitingOutput = false;
        bool usesTools = false;
        foreach (JsonElement block in message.Array("content"))
        {
            switch (block.Str("type"))
            {
                case "text":
                    graph.TitleStep(step, block.Str("text") ?? string.Empty);
                    graph.AddEvent("transcript.message", Message("assistant", block.Str("text") ?? string.Empty, uuid, step: step.Id));
                    break;
                case "thinking":
                    graph.AddEvent("transcript.reasoning", TranscriptGraph.Json(w =>
                    {
                        w.WriteText("text", block.Str("thinking"));
                        w.WriteText("uuid", uuid);
                        w.WriteText("stepId", step.Id);
                    }));
                    break;
                case "redacted_thinking":
                    graph.AddEvent("transcript.reasoning", TranscriptGraph.Json(w =>
                    {
                        w.WriteBoolean("redacted", true);
                        w.WriteText("uuid", uuid);
                        w.WriteText("stepId", step.Id);
                    }));
                    break;
                case "tool_use":
                    usesTools = true;
                    string name = block.Str("name") ?? "(unnamed tool)";
                    graph.TitleStep(step, "Calls " + name);
                    graph.AddToolCall(step, block.Str("id") ?? $"{uuid}:{name}", name, block.Get("input")?.GetRawText() ?? "{}");
                    break;
                default:
                    problems.UnknownRecordTypes++;
                    graph.UnmappedRecords++;
                    graph.AddEvent("transcript.record", Raw(block, lineNumber));
                    break;
            }
        }

        if (message.Get("usage") is { } usage)
        {
            graph.AddEvent("transcript.usage", TranscriptGraph.Json(w =>
            {
                w.WriteText("model", message.Str("model"));
                w.WriteText("messageId", message.Str("id"));
                w.WritePropertyName("usage");
                usage.WriteTo(w);
            }));
        }

        bool apiError = record.Bool("isApiErrorMessage");
        if (apiError)
        {
            graph.AddEvent("transcript.api_error", Raw(record, lineNumber));
        }

        bool open = HasOpenToolCall(lane);
        bool ended = message.Str("stop_reason") is { } stopReason && TurnEndingStopReasons.Contains(stopReason);
        WorkState state = apiError ? WorkState.Failed : usesTools || open || !ended ? WorkState.Running : WorkState.Completed;
        graph.SetLaneState(lane, state);
        if (!side)
        {
            graph.SetSessionState(state switch
            {
                WorkState.Failed => SessionState.Failed,
                WorkState.Completed => SessionState.Completed,
                _ => SessionState.Executing,
            });
        }
    }

    /// <summary>
    /// A user record Claude Code writes for a slash command: its echo (<c>&lt;command-name&gt;/model&lt;/command-name&gt;…</c>,
    /// <c>&lt;command-message&gt;</c> first in some versions) or its local output (<c>&lt;local-command-stdout&gt;</c>, <c>-stderr</c>).
    /// </summary>
    private static bool IsCommandRecord(string text)
    {
        ReadOnlySpan<char> start = text.AsSpan().TrimStart();
        return start.StartsWith("<command-name>", StringComparison.Ordinal)
            || start.StartsWith("<command-message>", StringComparison.Ordinal)
            || start.StartsWith("<local-command-stdout>", StringComparison.Ordinal)
            || start.StartsWith("<local-command-stderr>", StringComparison.Ordinal)
            || start.StartsWith("<local-command-caveat>", StringComparison.Ordinal);
    }

    /// <summary>
    /// A user record Claude Code writes for a command the user ran in its shell mode (<c>!git status</c>): the command
    /// (<c>&lt;bash-input&gt;git status&lt;/bash-input&gt;</c>) and, in the same record or the next, its output
    /// (<c>&lt;bash-stdout&gt;…&lt;/bash-stdout&gt;&lt;bash-stderr&gt;…&lt;/bash-stderr&gt;</c>).
    /// </summary>
    private static bool IsShellRecord(string text)
    {
        ReadOnlySpan<char> start = text.AsSpan().TrimStart();
        return start.StartsWith("<bash-input>", StringComparison.Ordinal)
            || start.StartsWith("<bash-stdout>", StringComparison.Ordinal)
            || start.StartsWith("<bash-stderr>", StringComparison.Ordinal);
    }

    /// <summary>A <c>transcript.shell</c> event: <c>{uuid, command?, stdout?, stderr?, text}</c>, each part present when its tag is.</summary>
    private static string Shell(string text, string uuid) => TranscriptGraph.Json(w =>
    {
        w.WriteText("uuid", uuid);
        foreach ((string name, string tag) in new[] { ("command", "bash-input"), ("stdout", "bash-stdout"), ("stderr", "bash-stderr") })
        {
            if (Tag(text, tag) is { } part)
            {
                w.WriteText(name, Domain.Text.TextContent.ToWellFormed(part));
            }
        }

        w.WriteText("text", Domain.Text.TextContent.ToWellFormed(text));
    });

    /// <summary>The text between <c>&lt;tag&gt;</c> and <c>&lt;/tag&gt;</c> (to the end when not closed), or null when the tag is not there.</summary>
    private static string? Tag(string text, string tag)
    {
        int open = text.IndexOf("<" + tag + ">", StringComparison.Ordinal);
        if (open < 0)
        {
            return null;
        }

        int start = open + tag.Length + 2;
        int close = text.IndexOf("</" + tag + ">", start, StringComparison.Ordinal);
        return close < 0 ? text[start..] : text[start..close];
    }

    /// <summary>The command as typed (<c>/review src</c>) from a command echo, or null for a record without a command name.</summary>
    private static string? CommandLine(string text)
    {
        string? name = Tag(text, "command-name");
        if (string.IsNullOrWhiteSpace(name))
        {
            return null;
        }

        string args = Tag(text, "command-args") ?? string.Empty;
        return args.Trim().Length == 0 ? name.Trim() : name.Trim() + " " + args.Trim();
    }

    /// <summary>
    /// The sub-agent tool call has its result: the side chains it started (in this file) are over, whatever stop reason
    /// their last record carried.
    /// </summary>
    private void EndSideChains(TranscriptGraph graph, ToolNode call)
    {
        foreach (Lane lane in _sideLanes.Values.Distinct())
        {
            if (lane.Task.State == WorkState.Running && !HasOpenToolCall(lane) && lane.Task.Description?.Contains("tool call " + call.Id, StringComparison.Ordinal) == true)
            {
                graph.SetLaneState(lane, WorkState.Completed);
            }
        }
    }

    /// <inheritdoc/>
    /// <remarks>Its tasks still running end (<c>Completed</c>), as a side chain in the session's file does when its tool call gets its result.</remarks>
    public void EndSubAgentRun(TranscriptGraph graph)
    {
        foreach (Lane lane in _sideLanes.Values.Distinct())
        {
            if (lane.Task.State == WorkState.Running && !HasOpenToolCall(lane))
            {
                graph.SetLaneState(lane, WorkState.Completed);
            }
        }
    }

    private static bool HasOpenToolCall(Lane lane) => lane.Task.Steps.Any(s => s.ToolCalls.Any(c => c.Status == ToolCallStatus.Running));

    /// <summary>
    /// Claude Code's <c>turn_duration</c> record: the turn is over (the record versions that write no stop reason on the last
    /// block say so only here). A turn waiting for a tool result or for the model's answer to one is not ended by it.
    /// </summary>
    private void EndTurn(TranscriptGraph graph)
    {
        if (_main is { } lane && lane.Task.State == WorkState.Running && !lane.AwaitingOutput && !HasOpenToolCall(lane))
        {
            graph.SetLaneState(lane, WorkState.Completed);
            graph.SetSessionState(SessionState.Completed);
        }
    }

    private static void MapToolResult(TranscriptGraph graph, JsonElement record, JsonElement block, long lineNumber, ProblemCounter problems)
    {
        string key = block.Str("tool_use_id") ?? string.Empty;
        ToolNode? call = graph.FindToolCall(key);
        if (call is null)
        {
            problems.UnpairedToolResults++;
            graph.AddEvent("transcript.unpaired_tool_result", Raw(block, lineNumber));
            return;
        }

        JsonElement? content = block.Get("content");
        bool failed = block.Bool("is_error");
        TimeSpan? duration = record.Get("toolUseResult") is { ValueKind: JsonValueKind.Object } r && r.Long("durationMs") is { } ms && ms >= 0 && ms < (long)TimeSpan.MaxValue.TotalMilliseconds
            ? TimeSpan.FromMilliseconds(ms)
            : null; // a duration no TimeSpan holds: the records' own times give it
        if (!graph.FinishToolCall(call, JsonValues.Text(content), failed, duration))
        {
            return;
        }

        int imageIndex = 0;
        if (content is { ValueKind: JsonValueKind.Array } parts)
        {
            foreach (JsonElement part in parts.EnumerateArray().Where(p => p.Str("type") == "image"))
            {
                AddImage(graph, part, $"{key}:image:{imageIndex}", $"{call.Name} result image {++imageIndex}", call.Step, call, problems);
            }
        }

        if (record.Get("toolUseResult") is { ValueKind: JsonValueKind.Object } toolUseResult && toolUseResult.Str("agentId") is { } agentId && SubAgentTools.Contains(call.Name))
        {
            graph.FinishSubAgent(agentId);
            graph.AddEvent("import.subagent", TranscriptGraph.Json(w =>
            {
                w.WriteText("agentId", agentId);
                w.WriteText("stepId", call.Step.Id);
                w.WriteText("toolCallId", call.Id);
            }));
        }

        if (!failed && WritingTools.Contains(call.Name))
        {
            AddFileArtifact(graph, call, key);
        }
    }

    private static void AddFileArtifact(TranscriptGraph graph, ToolNode call, string key)
    {
        using JsonDocument document = JsonValues.Parse(call.Arguments);
        JsonElement input = document.RootElement;
        string path = input.Str("file_path") ?? input.Str("notebook_path") ?? "(unknown file)";
        switch (call.Name)
        {
            case "Write":
                graph.AddArtifact(key + ":file", path, ArtifactKind.File, "text/plain; charset=utf-8", Encoding.UTF8.GetBytes(input.Str("content") ?? string.Empty), call.Step, call);
                break;
            case "NotebookEdit":
                graph.AddArtifact(key + ":file", path, ArtifactKind.Other, "text/plain; charset=utf-8", Encoding.UTF8.GetBytes(input.Str("new_source") ?? string.Empty), call.Step, call);
                break;
            default:
                var diff = new StringBuilder().Append("--- ").Append(path).Append("\n+++ ").Append(path).Append('\n');
                IEnumerable<JsonElement> edits = call.Name == "MultiEdit" ? input.Array("edits") : [input];
                foreach (JsonElement edit in edits)
                {
                    diff.Append("@@\n");
                    AppendLines(diff, '-', edit.Str("old_string"));
                    AppendLines(diff, '+', edit.Str("new_string"));
                }

                graph.AddArtifact(key + ":diff", path, ArtifactKind.Diff, "text/x-diff; charset=utf-8", Encoding.UTF8.GetBytes(diff.ToString()), call.Step, call);
                break;
        }
    }

    private static void AppendLines(StringBuilder diff, char sign, string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return;
        }

        foreach (string line in text.Split('\n'))
        {
            diff.Append(sign).Append(line).Append('\n');
        }
    }

    /// <summary>
    /// An image block (<c>{"type":"image","source":{"type":"base64","media_type":…,"data":…}}</c>) as an artifact. Data
    /// that is not base64 is kept as it was written (a text artifact) and counted in <see cref="ProblemCounter.InvalidImages"/>.
    /// </summary>
    public static void AddImage(TranscriptGraph graph, JsonElement block, string key, string name, StepNode? step, ToolNode? call, ProblemCounter problems)
    {
        JsonElement source = block.Get("source") ?? default;
        string mediaType = source.Str("media_type") ?? "application/octet-stream";
        byte[] content;
        try
        {
            content = source.Str("data") is { } data ? Convert.FromBase64String(data) : Encoding.UTF8.GetBytes(source.ValueKind == JsonValueKind.Undefined ? block.GetRawText() : source.GetRawText());
        }
        catch (FormatException)
        {
            // Not base64 after all: keep the text as it was written.
            content = Encoding.UTF8.GetBytes(source.Str("data")!);
            mediaType = "text/plain; charset=utf-8";
            problems.InvalidImages++;
        }

        graph.AddArtifact(key, name, ArtifactKind.Other, mediaType, content, step, call);
    }

    private static string Message(string role, string text, string uuid, bool meta = false, string? step = null) => TranscriptGraph.Json(w =>
    {
        w.WriteText("role", role);
        w.WriteText("text", Domain.Text.TextContent.ToWellFormed(text));
        w.WriteText("uuid", uuid);
        if (meta)
        {
            w.WriteBoolean("meta", true);
        }

        if (step is not null)
        {
            w.WriteText("stepId", step);
        }
    });
}
