namespace Acode.Domain.Entities;

/// <summary>A unit of the session's plan, carried out in <see cref="Steps"/>.</summary>
public sealed class SessionTask : WorkItem
{
    private readonly List<Step> _steps = [];

    private SessionTask(Session session, TaskId id, int ordinal, string title, string? description)
        : base(session, ordinal, title, description) => Id = id;

    /// <summary>The task's id (<c>task_</c> + ULID).</summary>
    public TaskId Id { get; }

    /// <summary>The steps, in the order they were added.</summary>
    public IReadOnlyList<Step> Steps => _steps;

    /// <inheritdoc/>
    public override EntityType EntityType => EntityType.SessionTask;

    /// <inheritdoc/>
    public override string EntityId => Id.Value;

    internal static SessionTask Restore(
        Session session, TaskId id, int ordinal, string title, string? description, WorkState state,
        DateTimeOffset? startedAt, DateTimeOffset? completedAt, long version, DateTimeOffset createdAt, DateTimeOffset updatedAt)
    {
        ArgumentNullException.ThrowIfNull(session);
        var task = new SessionTask(session, id, ordinal, title, description);
        task.RestoreWork(state, startedAt, completedAt);
        task.RestoreStamps(version, createdAt, updatedAt);
        session.Attach(task);
        return task;
    }

    /// <summary>Adds a step at the end of <see cref="Steps"/>, in <see cref="WorkState.Pending"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="title"/> is null, empty or white space.</exception>
    /// <exception cref="InvalidOperationException">The session is in a terminal state.</exception>
    public Step AddStep(string title, string? description = null)
    {
        Root.EnsureNotTerminal();
        var step = Step.Create(Root, this, _steps.Count + 1, title, description);
        _steps.Add(step);
        Root.Attach(step);
        return step;
    }

    internal static SessionTask Create(Session session, int ordinal, string title, string? description)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(title);
        var task = new SessionTask(session, TaskId.New(), ordinal, title, description);
        task.MarkChanged();
        return task;
    }

    internal void AttachStep(Step step) => _steps.Add(step);
}
