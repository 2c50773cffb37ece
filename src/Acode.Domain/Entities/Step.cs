namespace Acode.Domain.Entities;

/// <summary>One step of a task; the agent's tool calls happen within steps.</summary>
public sealed class Step : WorkItem
{
    private readonly List<ToolCall> _toolCalls = [];

    private Step(Session session, StepId id, TaskId taskId, int ordinal, string title, string? description)
        : base(session, ordinal, title, description)
    {
        Id = id;
        TaskId = taskId;
    }

    /// <summary>The step's id (<c>step_</c> + ULID).</summary>
    public StepId Id { get; }

    /// <summary>The task the step belongs to.</summary>
    public TaskId TaskId { get; }

    /// <summary>The tool calls, in the order they were added.</summary>
    public IReadOnlyList<ToolCall> ToolCalls => _toolCalls;

    /// <inheritdoc/>
    public override EntityType EntityType => EntityType.Step;

    /// <inheritdoc/>
    public override string EntityId => Id.Value;

    /// <summary>Rebuilds a saved step under its task (which must already be restored into the session).</summary>
    internal static Step Restore(
        Session session, StepId id, TaskId taskId, int ordinal, string title, string? description, WorkState state,
        DateTimeOffset? startedAt, DateTimeOffset? completedAt, long version, DateTimeOffset createdAt, DateTimeOffset updatedAt)
    {
        ArgumentNullException.ThrowIfNull(session);
        SessionTask task = session.FindTask(taskId)
            ?? throw new InvalidOperationException($"Step {id} belongs to task {taskId}, which is not part of session {session.Id}.");
        var step = new Step(session, id, taskId, ordinal, title, description);
        step.RestoreWork(state, startedAt, completedAt);
        step.RestoreStamps(version, createdAt, updatedAt);
        task.AttachStep(step);
        session.Attach(step);
        return step;
    }

    /// <summary>Records a tool call the agent is about to make. <paramref name="argumentsJson"/> must be one JSON value.</summary>
    /// <exception cref="ArgumentException"><paramref name="toolName"/> is null, empty or white space, or <paramref name="argumentsJson"/> is not one JSON value.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="argumentsJson"/> is null.</exception>
    /// <exception cref="InvalidOperationException">The session is in a terminal state (<see cref="SessionStateMachine.IsTerminal"/>): start a new session instead.</exception>
    public ToolCall AddToolCall(string toolName, string argumentsJson)
    {
        Root.EnsureNotTerminal();
        var call = ToolCall.Create(Root, this, toolName, argumentsJson);
        _toolCalls.Add(call);
        Root.Attach(call);
        return call;
    }

    internal static Step Create(Session session, SessionTask task, int ordinal, string title, string? description)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(title);
        var step = new Step(session, StepId.New(), task.Id, ordinal, title, description);
        step.MarkChanged();
        return step;
    }

    internal void AttachToolCall(ToolCall call) => _toolCalls.Add(call);
}
