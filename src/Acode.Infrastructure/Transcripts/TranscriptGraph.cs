using System.Text;
using System.Text.Json;
using Acode.Application.Redaction;
using Acode.Application.Serialization;
using Acode.Domain.Text;

namespace Acode.Infrastructure.Transcripts;

/// <summary>
/// The acode session a transcript defines, built line by line so that every value is a function of the lines read so far.
/// </summary>
/// <remarks>
/// An entity's version is the number of lines that changed it and its <c>updated_at</c> is the time of the last of them
/// (moved on by 100 ns when a line has no later time, so each version has its own idempotency key). Reading a longer
/// prefix of the same file therefore only adds entities or raises versions: an entity at the same version is the same,
/// which is what lets the store's import leave it alone and write only what a grown file changed.
/// </remarks>
internal sealed class TranscriptGraph
{
    private readonly string _sourceKey;
    private readonly long _eventBase;
    private readonly int _ordinalBase;
    private readonly List<Node> _dirty = [];
    private readonly List<TaskNode> _tasks = [];
    private readonly List<ArtifactNode> _artifacts = [];
    private readonly Dictionary<string, ToolNode> _toolCalls = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ToolNode> _latestToolCalls = new(StringComparer.Ordinal);
    private readonly HashSet<string> _artifactKeys = new(StringComparer.Ordinal);
    private readonly List<SessionEventDocument> _events = [];
    private readonly Dictionary<string, RedactionCounts> _redactedBefore = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, string> _source = new(StringComparer.Ordinal);
    private readonly SessionNode _session = new();
    private readonly Dictionary<string, DateTimeOffset> _finishedSubAgents = new(StringComparer.Ordinal);
    private bool _sourceChanged;
    private bool _titleFromSummary;
    private bool _titleFromPrompt;
    private int _exportedEvents;
    private DateTimeOffset? _time;

    /// <summary>The longest title made from text (a prompt, the assistant's text, a summary), the ellipsis included.</summary>
    public const int MaxTitleLength = 80;

    /// <param name="agent"><c>claude-code</c> or <c>codex</c>.</param>
    /// <param name="sourceKey">What identifies the transcript across machines (the agent's session id); ids are derived from it.</param>
    /// <param name="sessionId">The session to build into (a sub-agent transcript's parent session), or null to derive it.</param>
    /// <param name="eventBase">Sequence numbers of this graph's events start after it (0 for a session's own transcript).</param>
    /// <param name="ordinalBase">Task ordinals start after it.</param>
    /// <param name="redactor">
    /// The store's redactor: text is redacted whole before it is cut into a title or an excerpt (<see cref="RedactedCut"/>);
    /// null: the built-in rules.
    /// </param>
    public TranscriptGraph(string agent, string sourceKey, string? sessionId = null, long eventBase = 0, int ordinalBase = 0, ISecretRedactor? redactor = null)
    {
        Agent = agent;
        Redactor = redactor ?? SecretRedactor.Default;
        _sourceKey = agent + ":" + sourceKey;
        _eventBase = eventBase;
        _ordinalBase = ordinalBase;
        FixedSessionId = sessionId;
        _source["agent"] = agent;
    }

    public string Agent { get; }

    /// <summary>What redacts text before it is cut (<see cref="Shorten"/>, <see cref="Excerpt"/>).</summary>
    public ISecretRedactor Redactor { get; }

    public string? FixedSessionId { get; }

    public bool HasTime => _time is not null;

    public DateTimeOffset Time => _time ?? throw new InvalidOperationException("No line is being read.");

    public string? SessionId => _session.Id;

    public SessionState SessionState => _session.State;

    public IReadOnlyList<TaskNode> Tasks => _tasks;

    public int ArtifactCount => _artifacts.Count;

    public long EventCount => _events.Count;

    /// <summary>
    /// By event id, the values this graph replaced by markers in text it stored only in part (the start of an oversized
    /// line): the store counts them in its <c>secrets.redacted</c> event when it writes that event, as it counts what it
    /// replaces itself (docs/secrets.md).
    /// </summary>
    public IReadOnlyDictionary<string, RedactionCounts> RedactedBefore => _redactedBefore;

    public int UnmappedRecords { get; set; }

    public IEnumerable<ToolNode> ToolCalls => _toolCalls.Values;

    public string? Source(string name) => _source.GetValueOrDefault(name);

    /// <summary>
    /// Records that the sub-agent <paramref name="agentId"/> (its own transcript <c>agent-&lt;id&gt;.jsonl</c>) is over: the
    /// tool call that started it got its result, at the time of the line being read. The first such line counts.
    /// </summary>
    public void FinishSubAgent(string agentId) => _finishedSubAgents.TryAdd(agentId, Time);

    /// <summary>When the sub-agent <paramref name="agentId"/> was seen to be over (<see cref="FinishSubAgent"/>), or null.</summary>
    public DateTimeOffset? SubAgentFinishedAt(string agentId) => _finishedSubAgents.TryGetValue(agentId, out DateTimeOffset at) ? at : null;

    /// <summary>Starts a line read at <paramref name="time"/> (a line without a time of its own takes the previous line's).</summary>
    public void BeginLine(DateTimeOffset? time)
    {
        if (time is { } t)
        {
            _time = t.ToUniversalTime();
        }

        _ = _time ?? throw new InvalidOperationException("The first line read must have a time.");
        if (_session.Id is null)
        {
            _session.Id = FixedSessionId ?? DeterministicId.For(Acode.Domain.Ids.SessionId.Prefix, Time, _sourceKey);
            _session.Title = Agent == "codex" ? "Codex session" : "Claude Code session";
        }

        // The session's updated_at follows the transcript: every line touches it (a sub-agent's graph only borrows it).
        if (FixedSessionId is null)
        {
            Touch(_session);
        }
    }

    /// <summary>Finishes the line: every entity it changed gets its next version, stamped with the line's time.</summary>
    public void EndLine()
    {
        if (_sourceChanged)
        {
            _sourceChanged = false;
            AddEvent("import.source", Json(w =>
            {
                foreach ((string key, string value) in _source)
                {
                    w.WriteText(key, value);
                }
            }));
        }

        foreach (Node node in _dirty)
        {
            if (node.Version == 0)
            {
                node.CreatedAt = node.UpdatedAt = Time;
            }
            else
            {
                node.UpdatedAt = Time > node.UpdatedAt ? Time : node.UpdatedAt.AddTicks(1);
            }

            node.Version++;
            node.Dirty = false;
            node.Changed = true;
        }

        _dirty.Clear();
    }

    public void SetSource(string name, string? value)
    {
        if (string.IsNullOrEmpty(value) || _source.TryGetValue(name, out string? old) && old == value)
        {
            return;
        }

        _source[name] = TextContent.ToWellFormed(value);
        _sourceChanged = true;
    }

    /// <summary>The agent's own summary of the session: it becomes the title, whatever came before.</summary>
    public void SetSummaryTitle(string summary)
    {
        if (string.IsNullOrWhiteSpace(summary) || FixedSessionId is not null)
        {
            return;
        }

        Touch(_session);
        _session.Title = Shorten(summary);
        _titleFromSummary = true;
    }

    /// <summary>The first prompt: the goal, and the title unless the agent summarised the session.</summary>
    public void SetFirstPrompt(string prompt)
    {
        if (_titleFromPrompt || FixedSessionId is not null)
        {
            return;
        }

        Touch(_session);
        _titleFromPrompt = true;
        _session.Goal = TextContent.ToWellFormed(prompt);
        if (!_titleFromSummary)
        {
            _session.Title = Shorten(prompt);
        }
    }

    public void SetSessionState(SessionState state)
    {
        if (_session.State != state && FixedSessionId is null)
        {
            Touch(_session);
            _session.State = state;
        }
    }

    public Lane StartTask(string key, string title, string? description)
    {
        var task = new TaskNode
        {
            Id = DeterministicId.For(TaskId.Prefix, Time, _sourceKey + ":task:" + key),
            Ordinal = _ordinalBase + _tasks.Count + 1,
            Title = Shorten(title),
            Description = TextContent.ToWellFormedOrNull(description),
            State = WorkState.Running,
            StartedAt = _session.Version > 0 && FixedSessionId is null ? StartUnder(_session.CreatedAt) : Time,
        };
        Touch(task);
        _tasks.Add(task);
        return new Lane(task);
    }

    public void SetTaskDescription(TaskNode task, string description)
    {
        if (task.Description != description)
        {
            Touch(task);
            task.Description = TextContent.ToWellFormed(description);
        }
    }

    /// <summary>The lane's step for <paramref name="key"/>: its current one, or a new one (the current one completes).</summary>
    public StepNode Step(Lane lane, string key, string title)
    {
        if (lane.Step is { } current && lane.StepKey == key)
        {
            current.LastOutputAt = Time;
            return current;
        }

        CloseStep(lane, WorkState.Completed);
        var step = new StepNode
        {
            Id = DeterministicId.For(StepId.Prefix, Time, _sourceKey + ":step:" + key),
            Task = lane.Task,
            Ordinal = lane.Task.Steps.Count + 1,
            Title = Shorten(title),
            State = WorkState.Running,
            StartedAt = StartUnder(lane.Task.StartedAt),
            LastOutputAt = Time,
        };
        Touch(step);
        lane.Task.Steps.Add(step);
        lane.Step = step;
        lane.StepKey = key;
        if (lane.Task.State != WorkState.Running)
        {
            Touch(lane.Task);
            lane.Task.State = WorkState.Running;
            lane.Task.CompletedAt = null;
        }

        return step;
    }

    /// <summary>Gives a step the title of its first text, when it still has its provisional one.</summary>
    public void TitleStep(StepNode step, string text)
    {
        step.LastOutputAt = Time; // the model's output goes to this step
        if (!step.Titled && !string.IsNullOrWhiteSpace(text))
        {
            Touch(step);
            step.Title = Shorten(text);
            step.Titled = true;
        }
    }

    /// <summary>Moves the lane's task (and its current step) to <paramref name="state"/>; a terminal state stamps their end.</summary>
    public void SetLaneState(Lane lane, WorkState state)
    {
        bool terminal = state is not (WorkState.Running or WorkState.Pending);
        // A running lane reopens its current step when that step had been completed (a turn a later record went on with).
        if (lane.Step is { } step && step.State != state && (terminal || step.State is WorkState.Running or WorkState.Completed))
        {
            Touch(step);
            step.State = state;
            step.CompletedAt = !terminal ? null : state == WorkState.Completed ? EndOf(step) : Time;
        }

        if (lane.Task.State != state)
        {
            Touch(lane.Task);
            lane.Task.State = state;
            lane.Task.CompletedAt = terminal ? Time : null;
        }
    }

    /// <summary>
    /// Ends the lane's current step, as the next turn starts: a step that called tools ends when the last of them
    /// ended (the model's next output belongs to the next step), any other step now.
    /// </summary>
    public void CloseStep(Lane lane, WorkState state)
    {
        if (lane.Step is { } step && step.State == WorkState.Running)
        {
            Touch(step);
            step.State = state;
            step.CompletedAt = EndOf(step);
        }
    }

    /// <summary>
    /// When a step that completes now ended (docs/import.md, "Session, both formats"), whatever completes it (the next
    /// step, the next prompt, the turn's end, the end of a sub-agent's run): one that called tools, all of which ended,
    /// at the end of the last of them, or of its own last output when that came later (a Codex web search, which has no
    /// output record, then the answer); what the model did after belongs to the next step or to no step. Any other now.
    /// </summary>
    private DateTimeOffset EndOf(StepNode step)
    {
        if (step.ToolCalls.Count == 0 || step.ToolCalls.Any(c => c.CompletedAt is null))
        {
            return Time;
        }

        DateTimeOffset lastCall = step.ToolCalls.Max(c => c.CompletedAt!.Value);
        return lastCall > step.LastOutputAt ? lastCall : step.LastOutputAt;
    }

    /// <summary>The latest tool call the transcript gave the id <paramref name="key"/>, or null.</summary>
    public ToolNode? FindToolCall(string key) => _latestToolCalls.GetValueOrDefault(key);

    /// <summary>
    /// A tool call with the transcript's id <paramref name="key"/>. The same id again is the same call (a repeated record:
    /// null) while that call is still running or has the same tool and arguments; once it has its result, an id used
    /// again for another call is a new call (an agent that reuses ids, a hand-made transcript), which the next result
    /// with that id finishes. The first call of an id keeps the id it always had; the n-th is derived from <c>key#n</c>.
    /// </summary>
    /// <returns>The new tool call, or null when it is one that exists already (a repeated record).</returns>
    public ToolNode? AddToolCall(StepNode step, string key, string name, string argumentsJson)
    {
        string toolName = string.IsNullOrWhiteSpace(name) ? "(unnamed tool)" : TextContent.ToWellFormed(name);
        string arguments = ValidJson(argumentsJson);
        string nodeKey = key;
        if (_latestToolCalls.TryGetValue(key, out ToolNode? earlier))
        {
            if (earlier.Status == ToolCallStatus.Running || (earlier.Name == toolName && earlier.Arguments == arguments))
            {
                return null;
            }
        }

        // Also when the transcript itself used an id of the form key#n before: each call gets a key of its own.
        for (int n = 2; _toolCalls.ContainsKey(nodeKey); n++)
        {
            nodeKey = key + "#" + n.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        var call = new ToolNode
        {
            Id = DeterministicId.For(ToolCallId.Prefix, Time, _sourceKey + ":tool:" + nodeKey),
            Step = step,
            Name = toolName,
            Arguments = arguments,
            Status = ToolCallStatus.Running,
            StartedAt = StartUnder(step.StartedAt),
        };
        Touch(call);
        step.ToolCalls.Add(call);
        _toolCalls.Add(nodeKey, call);
        _latestToolCalls[key] = call;
        return call;
    }

    /// <returns>False when the call had its result already (a repeated record).</returns>
    public bool FinishToolCall(ToolNode call, string result, bool failed, TimeSpan? duration = null)
    {
        if (call.Status != ToolCallStatus.Running)
        {
            return false;
        }

        Touch(call);
        call.Status = failed ? ToolCallStatus.Failed : ToolCallStatus.Succeeded;
        string text = TextContent.ToWellFormed(result);
        call.Result = text;
        call.Error = failed ? (text.Length == 0 ? "(the tool reported an error without a message)" : text) : null;
        call.CompletedAt = Time;
        TimeSpan measured = Time - call.StartedAt;
        call.Duration = duration is { } d && d >= TimeSpan.Zero ? d : measured < TimeSpan.Zero ? TimeSpan.Zero : measured;
        return true;
    }

    public void AddArtifact(string key, string name, ArtifactKind kind, string mediaType, byte[] content, StepNode? step, ToolNode? call)
    {
        if (!_artifactKeys.Add(key))
        {
            return;
        }

        string safeName = string.IsNullOrEmpty(name) ? "(unnamed)" : TextContent.ToWellFormed(name);
        var artifact = new ArtifactNode
        {
            Id = DeterministicId.For(ArtifactId.Prefix, Time, _sourceKey + ":artifact:" + key),
            // Redacted whole before the cut to the longest name acode stores: a secret across the cut would keep its start.
            Name = RedactedCut.Prefix(Redactor, safeName, Artifact.MaxNameLength),
            Kind = kind,
            MediaType = string.IsNullOrWhiteSpace(mediaType) ? "application/octet-stream" : TextContent.ToWellFormed(mediaType), // acode requires one
            Content = content,
            StepId = step?.Id,
            ToolCallId = call?.Id,
        };
        Touch(artifact);
        _artifacts.Add(artifact);
    }

    /// <summary>Adds an event to the session's log.</summary>
    /// <param name="type">The event's type.</param>
    /// <param name="payloadJson">Its payload, a JSON object.</param>
    /// <param name="redactedBefore">
    /// What the graph replaced by markers in text the payload holds only in part (<see cref="Excerpt"/>): the store cannot
    /// count it again, so it is handed to the store with the event (<see cref="RedactedBefore"/>).
    /// </param>
    public void AddEvent(string type, string payloadJson, RedactionCounts? redactedBefore = null)
    {
        long sequence = _eventBase + _events.Count + 1;
        string time = UtcTimestamp.Format(Time);
        string id = DeterministicId.For(EventId.Prefix, Time, _sourceKey + ":event:" + sequence.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (redactedBefore is { Total: > 0 })
        {
            _redactedBefore[id] = redactedBefore;
        }

        _events.Add(new SessionEventDocument
        {
            Id = id,
            Version = 1,
            CreatedAt = time,
            UpdatedAt = time,
            SessionId = _session.Id!,
            Sequence = sequence,
            Type = type,
            Payload = ValidJson(payloadJson),
        });
    }

    /// <summary>
    /// The documents to store, parents first: everything, or (<paramref name="changedOnly"/>) what changed since
    /// <see cref="MarkStored"/> plus the parents they need. The session document is always first.
    /// </summary>
    public IReadOnlyList<EntityDocument> Export(bool changedOnly, EntityDocument? parentSession = null)
    {
        var documents = new List<EntityDocument>();
        if (_session.Id is null)
        {
            return documents;
        }

        documents.Add(parentSession ?? SessionDocument());
        bool Wanted(Node n) => !changedOnly || n.Changed;
        var steps = new List<StepNode>();
        var calls = new List<ToolNode>();
        foreach (TaskNode task in _tasks)
        {
            bool anyStep = false;
            foreach (StepNode step in task.Steps)
            {
                bool anyCall = false;
                foreach (ToolNode call in step.ToolCalls.Where(Wanted))
                {
                    calls.Add(call);
                    anyCall = true;
                }

                if (anyCall || Wanted(step))
                {
                    steps.Add(step);
                    anyStep = true;
                }
            }

            if (anyStep || Wanted(task))
            {
                documents.Add(Document(task));
            }
        }

        documents.AddRange(steps.Select(Document));
        documents.AddRange(calls.Select(Document));
        documents.AddRange(_artifacts.Where(Wanted).Select(Document));
        documents.AddRange(_events.Skip(changedOnly ? _exportedEvents : 0));
        return documents;
    }

    /// <summary>Everything exported so far is stored: the next <see cref="Export"/> with changedOnly starts from here.</summary>
    public void MarkStored()
    {
        _session.Changed = false;
        foreach (TaskNode task in _tasks)
        {
            task.Changed = false;
            foreach (StepNode step in task.Steps)
            {
                step.Changed = false;
                step.ToolCalls.ForEach(c => c.Changed = false);
            }
        }

        _artifacts.ForEach(a => a.Changed = false);
        _exportedEvents = _events.Count;
    }

    public SessionDocument SessionDocument() => new()
    {
        Id = _session.Id!, Version = _session.Version, CreatedAt = UtcTimestamp.Format(_session.CreatedAt), UpdatedAt = UtcTimestamp.Format(_session.UpdatedAt),
        Title = _session.Title, Goal = _session.Goal, State = _session.State.ToString(),
    };

    public static string Json(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = MinimalJsonEncoder.Instance }))
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>
    /// A one-line title of at most <see cref="MaxTitleLength"/> characters, made from <paramref name="text"/> redacted whole
    /// first: a secret in it is its marker before anything is cut, so no cut can keep part of a secret (half a URL without
    /// its <c>@host</c>, the start of a token) that a scan of the short title would no longer recognise.
    /// </summary>
    public string Shorten(string text)
    {
        string redacted = RedactedCut.Redact(Redactor, TextContent.ToWellFormed(text));
        string flat = string.Join(' ', redacted.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        if (flat.Length == 0)
        {
            return "(empty)";
        }

        if (flat.Length <= MaxTitleLength)
        {
            return flat;
        }

        // Cut between words where there is a space to cut at (a marker has none), else inside the first word, never inside
        // a marker or a surrogate pair.
        int cut = MaxTitleLength - 1;
        int space = flat.LastIndexOf(' ', cut);
        return flat[..(space > 0 ? space : RedactedCut.SafeCut(flat, cut))] + "…";
    }

    /// <summary>
    /// At most <paramref name="maxBytes"/> bytes (UTF-8) of the start of <paramref name="text"/>, redacted whole before the
    /// cut (see <see cref="Shorten"/>). When a cut is made, the word it splits is left out too (back to a space, <c>"</c>,
    /// <c>,</c>, <c>]</c> or <c>}</c>): <paramref name="text"/> may itself be only the start of something longer (an
    /// oversized line), and a secret that runs past its end may not have been recognised.
    /// </summary>
    /// <param name="text">The text, itself maybe only the start of something longer.</param>
    /// <param name="maxBytes">At most this many bytes of UTF-8 are kept.</param>
    /// <param name="counts">
    /// Counts the secrets whose markers the excerpt keeps (one left out with the rest of the text is not stored, so not
    /// counted); null: not counted (the caller stores the whole text elsewhere, where the store counts it).
    /// </param>
    public string Excerpt(string text, int maxBytes, RedactionCounts? counts = null)
    {
        var replaced = new RedactionCounts();
        string redacted = RedactedCut.Redact(Redactor, TextContent.ToWellFormed(text), replaced);
        string cut = RedactedCut.Utf8Prefix(SecretRedactor.Disabled, redacted, maxBytes);
        if (cut.Length != redacted.Length && cut.Length > 0 && !IsWordBreak(cut[^1]))
        {
            int end = cut.Length;
            while (end > 0 && !IsWordBreak(cut[end - 1]))
            {
                end--;
            }

            cut = cut[..end];
        }

        if (counts is not null)
        {
            // The markers the cut keeps, of the kinds this redaction put in: at most as many as it replaced (a marker the
            // text held already, quoted from an earlier redaction, is not counted again unless the cut dropped a new one).
            foreach ((string kind, long replacedOfKind) in replaced.ByKind)
            {
                long kept = Math.Min(replacedOfKind, Occurrences(cut, SecretValues.Marker(kind)));
                if (kept > 0)
                {
                    counts.Add(kind, kept);
                }
            }
        }

        return cut;

        static long Occurrences(string text, string marker)
        {
            long found = 0;
            for (int at = text.IndexOf(marker, StringComparison.Ordinal); at >= 0; at = text.IndexOf(marker, at + marker.Length, StringComparison.Ordinal))
            {
                found++;
            }

            return found;
        }

        static bool IsWordBreak(char c) => char.IsWhiteSpace(c) || c is '"' or ',' or ']' or '}';
    }

    /// <summary>
    /// The text if it is one JSON value acode accepts, else the text as a JSON string; lone surrogates, raw or escaped
    /// (a tool's arguments are JSON inside a JSON string), become U+FFFD.
    /// </summary>
    public static string ValidJson(string json)
    {
        string text = JsonEscapes.WellFormed(TextContent.ToWellFormed(json));
        try
        {
            return JsonText.Validate(text, nameof(json));
        }
        catch (ArgumentException)
        {
            return MinimalJsonEncoder.Quote(text);
        }
    }

    private void Touch(Node node)
    {
        if (!node.Dirty)
        {
            node.Dirty = true;
            _dirty.Add(node);
        }
    }

    /// <summary>
    /// When a task, step or tool call that starts on this line started: the line's time, or its parent's start (the
    /// session's creation, the task's, the step's) where the transcript's clock stepped back behind it, so a child never
    /// starts before its parent (trial AK 2: a tool call an hour before its step). Its id still comes from the line's time.
    /// </summary>
    private DateTimeOffset StartUnder(DateTimeOffset? parentStart) => parentStart is { } start && Time < start ? start : Time;

    /// <summary>
    /// An end no earlier than its start: a transcript's clock can step back (a machine's time corrected between two lines),
    /// and a task, step or tool call is stored as ending when it started rather than with a negative duration.
    /// </summary>
    private static DateTimeOffset? NotBefore(DateTimeOffset? end, DateTimeOffset? start)
        => end is { } e && start is { } s && e < s ? s : end;

    private SessionTaskDocument Document(TaskNode t) => new()
    {
        Id = t.Id, Version = t.Version, CreatedAt = UtcTimestamp.Format(t.CreatedAt), UpdatedAt = UtcTimestamp.Format(t.UpdatedAt),
        SessionId = _session.Id!, Ordinal = t.Ordinal, Title = t.Title, Description = t.Description, State = t.State.ToString(),
        StartedAt = UtcTimestamp.Format(t.StartedAt), CompletedAt = UtcTimestamp.Format(NotBefore(t.CompletedAt, t.StartedAt)),
    };

    private StepDocument Document(StepNode s) => new()
    {
        Id = s.Id, Version = s.Version, CreatedAt = UtcTimestamp.Format(s.CreatedAt), UpdatedAt = UtcTimestamp.Format(s.UpdatedAt),
        SessionId = _session.Id!, TaskId = s.Task.Id, Ordinal = s.Ordinal, Title = s.Title, Description = s.Description, State = s.State.ToString(),
        StartedAt = UtcTimestamp.Format(s.StartedAt), CompletedAt = UtcTimestamp.Format(NotBefore(s.CompletedAt, s.StartedAt)),
    };

    private ToolCallDocument Document(ToolNode c) => new()
    {
        Id = c.Id, Version = c.Version, CreatedAt = UtcTimestamp.Format(c.CreatedAt), UpdatedAt = UtcTimestamp.Format(c.UpdatedAt),
        SessionId = _session.Id!, StepId = c.Step.Id, ToolName = c.Name, Arguments = c.Arguments, Status = c.Status.ToString(),
        Result = c.Result, Error = c.Error, StartedAt = UtcTimestamp.Format(c.StartedAt), CompletedAt = UtcTimestamp.Format(NotBefore(c.CompletedAt, c.StartedAt)),
        DurationTicks = c.Duration?.Ticks,
    };

    private ArtifactDocument Document(ArtifactNode a) => new()
    {
        Id = a.Id, Version = a.Version, CreatedAt = UtcTimestamp.Format(a.CreatedAt), UpdatedAt = UtcTimestamp.Format(a.UpdatedAt),
        SessionId = _session.Id!, StepId = a.StepId, ToolCallId = a.ToolCallId, Name = a.Name, Kind = a.Kind.ToString(), MediaType = a.MediaType,
        Size = a.Content.LongLength, ContentHash = Artifact.HashOf(a.Content), Content = a.Content,
    };

    internal abstract class Node
    {
        public long Version { get; set; }

        public DateTimeOffset CreatedAt { get; set; }

        public DateTimeOffset UpdatedAt { get; set; }

        public bool Dirty { get; set; }

        public bool Changed { get; set; }
    }

    internal sealed class SessionNode : Node
    {
        public string? Id { get; set; }

        public string Title { get; set; } = "session";

        public string? Goal { get; set; }

        public SessionState State { get; set; } = SessionState.Executing;
    }

    internal sealed class TaskNode : Node
    {
        public required string Id { get; init; }

        public int Ordinal { get; init; }

        public required string Title { get; set; }

        public string? Description { get; set; }

        public WorkState State { get; set; }

        public DateTimeOffset? StartedAt { get; set; }

        public DateTimeOffset? CompletedAt { get; set; }

        public List<StepNode> Steps { get; } = [];
    }

    internal sealed class StepNode : Node
    {
        public required string Id { get; init; }

        public required TaskNode Task { get; init; }

        public int Ordinal { get; init; }

        public required string Title { get; set; }

        public bool Titled { get; set; }

        /// <summary>The time of the last record of the model's output that went to this step (not exported).</summary>
        public DateTimeOffset LastOutputAt { get; set; }

        public string? Description { get; set; }

        public WorkState State { get; set; }

        public DateTimeOffset? StartedAt { get; set; }

        public DateTimeOffset? CompletedAt { get; set; }

        public List<ToolNode> ToolCalls { get; } = [];
    }

    internal sealed class ToolNode : Node
    {
        public required string Id { get; init; }

        public required StepNode Step { get; init; }

        public required string Name { get; init; }

        public required string Arguments { get; init; }

        public ToolCallStatus Status { get; set; }

        public string? Result { get; set; }

        public string? Error { get; set; }

        public DateTimeOffset StartedAt { get; init; }

        public DateTimeOffset? CompletedAt { get; set; }

        public TimeSpan? Duration { get; set; }
    }

    internal sealed class ArtifactNode : Node
    {
        public required string Id { get; init; }

        public required string Name { get; init; }

        public ArtifactKind Kind { get; init; }

        public required string MediaType { get; init; }

        public required byte[] Content { get; init; }

        public string? StepId { get; init; }

        public string? ToolCallId { get; init; }
    }

    /// <summary>Where records of one conversation go: a prompt's task (main lane) or a sub-agent's task, and its current step.</summary>
    internal sealed class Lane(TaskNode task)
    {
        public TaskNode Task { get; } = task;

        public StepNode? Step { get; set; }

        public string? StepKey { get; set; }

        /// <summary>The last record of this lane was input to the model (a prompt or a tool result): the next output starts a step.</summary>
        public bool AwaitingOutput { get; set; } = true;
    }
}
