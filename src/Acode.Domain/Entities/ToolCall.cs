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

    /// <summary>The call's id (<c>tc_</c> + ULID).</summary>
    public ToolCallId Id { get; }

    /// <summary>The session the call belongs to.</summary>
    public SessionId SessionId => _session.Id;

    /// <summary>The step that made the call.</summary>
    public StepId StepId { get; }

    /// <summary>The tool's name, as the agent called it.</summary>
    public string ToolName { get; private set; }

    /// <summary>The arguments: one JSON value, at most 64 levels deep.</summary>
    public string ArgumentsJson { get; private set; }

    /// <summary>Where the call is: pending, running, or finished one way.</summary>
    public ToolCallStatus Status { get; private set; }

    /// <summary>The tool's output: any text, NUL characters and megabytes included (see <see cref="TextContent"/>).</summary>
    public string? Result { get; private set; }

    /// <summary>The error text of a failed call; null otherwise.</summary>
    public string? Error { get; private set; }

    /// <summary>When the call started (UTC, the session's clock): set by <see cref="Start"/>, or on finishing without a start (finish time minus the given duration); null while pending.</summary>
    public DateTimeOffset? StartedAt { get; private set; }

    /// <summary>When the call finished (UTC, the session's clock); null while pending or running.</summary>
    public DateTimeOffset? CompletedAt { get; private set; }

    /// <summary>How long the tool ran, as reported by the caller or measured between start and finish.</summary>
    public TimeSpan? Duration { get; private set; }

    /// <inheritdoc/>
    public override EntityType EntityType => EntityType.ToolCall;

    /// <inheritdoc/>
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

    /// <summary>
    /// Replaces the tool's name by a copy in which secrets were replaced by markers (docs/secrets.md): a name is the
    /// agent's free text (trial AU 5: <c>curl ghp_…</c>). A store calls it just before writing the call.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="toolName"/> is null or empty.</exception>
    internal void ReplaceRedactedToolName(string toolName)
    {
        ArgumentException.ThrowIfNullOrEmpty(toolName);
        ToolName = TextContent.ToWellFormed(toolName);
    }

    /// <summary>Marks the call running and records <see cref="StartedAt"/>.</summary>
    /// <exception cref="InvalidOperationException">The call is not <see cref="ToolCallStatus.Pending"/>.</exception>
    public void Start()
    {
        EnsureStatus(ToolCallStatus.Running, ToolCallStatus.Pending);
        Status = ToolCallStatus.Running;
        StartedAt = _session.Clock.GetUtcNow();
        MarkChanged();
    }

    /// <summary>Finishes the call as succeeded with <paramref name="result"/>.</summary>
    /// <param name="result">The tool's output.</param>
    /// <param name="duration">How long it ran; measured from <see cref="Start"/> when omitted.</param>
    /// <exception cref="InvalidOperationException">The call has already finished.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="duration"/> is negative, or, for a call never started, reaches back before 1970.</exception>
    public void Succeed(string result, TimeSpan? duration = null)
    {
        ArgumentNullException.ThrowIfNull(result);
        Finish(ToolCallStatus.Succeeded, duration);
        Result = TextContent.ToWellFormed(result);
    }

    /// <summary>Finishes the call as failed.</summary>
    /// <param name="error">What went wrong (any text).</param>
    /// <param name="duration">How long it ran; measured from <see cref="Start"/> when omitted.</param>
    /// <param name="partialResult">Output produced before the failure, if any.</param>
    /// <exception cref="InvalidOperationException">The call has already finished.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="duration"/> is negative, or, for a call never started, reaches back before 1970.</exception>
    public void Fail(string error, TimeSpan? duration = null, string? partialResult = null)
    {
        ArgumentNullException.ThrowIfNull(error);
        Finish(ToolCallStatus.Failed, duration);
        Error = TextContent.ToWellFormed(error);
        Result = TextContent.ToWellFormedOrNull(partialResult);
    }

    /// <summary>Finishes the call as cancelled (no result, no error).</summary>
    /// <exception cref="InvalidOperationException">The call has already finished.</exception>
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
        if (StartedAt is null && duration is { } whole && whole > now - DateTimeOffset.UnixEpoch)
        {
            // Its start would be before 1970, or before year 1 (trial AL 8: TimeSpan.MaxValue failed in DateTimeOffset's arithmetic).
            throw new ArgumentOutOfRangeException(nameof(duration), duration, "A call never started cannot have run since before 1970: give the time it ran.");
        }

        StartedAt ??= duration is { } given ? now - given : now;

        // The wall clock may have been stepped back since Start (NTP): a call never finishes before it started.
        CompletedAt = now < StartedAt.Value ? StartedAt.Value : now;
        Duration = duration ?? CompletedAt.Value - StartedAt.Value;
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
