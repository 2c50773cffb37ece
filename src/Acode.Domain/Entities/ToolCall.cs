using Acode.Domain.Text;

namespace Acode.Domain.Entities;

/// <summary>One call of a tool by the agent: its name, JSON arguments, and once finished its result or error and duration.</summary>
public sealed class ToolCall : Entity
{
    private readonly Session _session;

    private ToolCall(Session session, ToolCallId id, StepId stepId, string toolName, string argumentsJson)
    {
        _session = session;
        Id = id;
        StepId = stepId;
        ToolName = toolName;
        ArgumentsJson = argumentsJson;
    }

    public ToolCallId Id { get; }

    public SessionId SessionId => _session.Id;

    public StepId StepId { get; }

    public string ToolName { get; }

    public string ArgumentsJson { get; private set; }

    public ToolCallStatus Status { get; private set; }

    /// <summary>The tool's output: any text, NUL characters and megabytes included (see <see cref="TextContent"/>).</summary>
    public string? Result { get; private set; }

    public string? Error { get; private set; }

    public DateTimeOffset? StartedAt { get; private set; }

    public DateTimeOffset? CompletedAt { get; private set; }

    /// <summary>How long the tool ran, as reported by the caller or measured between start and finish.</summary>
    public TimeSpan? Duration { get; private set; }

    public override EntityType EntityType => EntityType.ToolCall;

    public override string EntityId => Id.Value;

    internal override Session Root => _session;

    internal static ToolCall Restore(
        Session session, ToolCallId id, StepId stepId, string toolName, string argumentsJson, ToolCallStatus status,
        string? result, string? error, DateTimeOffset? startedAt, DateTimeOffset? completedAt, TimeSpan? duration,
        long version, DateTimeOffset createdAt, DateTimeOffset updatedAt)
    {
        ArgumentNullException.ThrowIfNull(session);
        Step step = session.FindStep(stepId)
            ?? throw new InvalidOperationException($"Tool call {id} belongs to step {stepId}, which is not part of session {session.Id}.");
        var call = new ToolCall(session, id, stepId, toolName, argumentsJson)
        {
            Status = status,
            Result = result,
            Error = error,
            StartedAt = startedAt,
            CompletedAt = completedAt,
            Duration = duration,
        };
        call.RestoreStamps(version, createdAt, updatedAt);
        step.AttachToolCall(call);
        session.Attach(call);
        return call;
    }

    /// <summary>
    /// Replaces the arguments, result and error by copies in which secrets were replaced by markers (docs/secrets.md). A store
    /// calls it just before writing the call, so what the caller holds is what is stored; the call is not marked changed.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="argumentsJson"/> is not one JSON value.</exception>
    internal void ReplaceRedacted(string argumentsJson, string? result, string? error)
    {
        ArgumentNullException.ThrowIfNull(argumentsJson);
        ArgumentsJson = ReferenceEquals(argumentsJson, ArgumentsJson) ? argumentsJson : JsonText.Validate(TextContent.ToWellFormed(argumentsJson), nameof(argumentsJson));
        Result = TextContent.ToWellFormedOrNull(result);
        Error = TextContent.ToWellFormedOrNull(error);
    }

    public void Start()
    {
        EnsureStatus(ToolCallStatus.Running, ToolCallStatus.Pending);
        Status = ToolCallStatus.Running;
        StartedAt = _session.Clock.GetUtcNow();
        MarkChanged();
    }

    /// <param name="result">The tool's output.</param>
    /// <param name="duration">How long it ran; measured from <see cref="Start"/> when omitted.</param>
    public void Succeed(string result, TimeSpan? duration = null)
    {
        ArgumentNullException.ThrowIfNull(result);
        Finish(ToolCallStatus.Succeeded, duration);
        Result = TextContent.ToWellFormed(result);
    }

    public void Fail(string error, TimeSpan? duration = null, string? partialResult = null)
    {
        ArgumentNullException.ThrowIfNull(error);
        Finish(ToolCallStatus.Failed, duration);
        Error = TextContent.ToWellFormed(error);
        Result = TextContent.ToWellFormedOrNull(partialResult);
    }

    public void Cancel()
    {
        Finish(ToolCallStatus.Cancelled, null);
    }

    internal static ToolCall Create(Session session, Step step, string toolName, string argumentsJson)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(toolName);
        ArgumentNullException.ThrowIfNull(argumentsJson);
        var call = new ToolCall(session, ToolCallId.New(), step.Id, TextContent.ToWellFormed(toolName), JsonText.Validate(TextContent.ToWellFormed(argumentsJson), nameof(argumentsJson)));
        call.MarkChanged();
        return call;
    }

    private void Finish(ToolCallStatus status, TimeSpan? duration)
    {
        EnsureStatus(status, ToolCallStatus.Pending, ToolCallStatus.Running);
        if (duration is { } d)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(d, TimeSpan.Zero, nameof(duration));
        }

        DateTimeOffset now = _session.Clock.GetUtcNow();
        StartedAt ??= duration is { } given ? now - given : now;
        CompletedAt = now;
        Duration = duration ?? now - StartedAt.Value;
        Status = status;
        MarkChanged();
    }

    private void EnsureStatus(ToolCallStatus next, params ToolCallStatus[] from)
    {
        if (Array.IndexOf(from, Status) < 0)
        {
            throw new InvalidOperationException($"Tool call {Id} is {Status}; it can become {next} only from {string.Join(" or ", from)}.");
        }
    }
}
