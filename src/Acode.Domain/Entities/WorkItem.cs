namespace Acode.Domain.Entities;

/// <summary>What tasks and steps share: an ordinal, a title, a <see cref="WorkState"/> and start/finish times.</summary>
public abstract class WorkItem : Entity
{
    private readonly Session _session;

    private protected WorkItem(Session session, int ordinal, string title, string? description)
    {
        _session = session;
        Ordinal = ordinal;
        Title = Text.TextContent.ToWellFormed(title);
        Description = Text.TextContent.ToWellFormedOrNull(description);
    }

    public SessionId SessionId => _session.Id;

    /// <summary>1-based position within the parent.</summary>
    public int Ordinal { get; }

    public string Title { get; }

    public string? Description { get; }

    public WorkState State { get; private set; }

    public DateTimeOffset? StartedAt { get; private set; }

    public DateTimeOffset? CompletedAt { get; private set; }

    public TimeSpan? Duration => StartedAt is { } start && CompletedAt is { } end ? end - start : null;

    internal override Session Root => _session;

    public void Start() => MoveTo(WorkState.Running, [WorkState.Pending]);

    public void Complete() => MoveTo(WorkState.Completed, [WorkState.Pending, WorkState.Running]);

    public void Fail() => MoveTo(WorkState.Failed, [WorkState.Pending, WorkState.Running]);

    public void Skip() => MoveTo(WorkState.Skipped, [WorkState.Pending]);

    public void Cancel() => MoveTo(WorkState.Cancelled, [WorkState.Pending, WorkState.Running]);

    private protected void RestoreWork(WorkState state, DateTimeOffset? startedAt, DateTimeOffset? completedAt)
    {
        State = state;
        StartedAt = startedAt;
        CompletedAt = completedAt;
    }

    private void MoveTo(WorkState next, WorkState[] from)
    {
        if (Array.IndexOf(from, State) < 0)
        {
            throw new InvalidOperationException($"{EntityType} {EntityId} is {State}; it can become {next} only from {string.Join(" or ", from)}.");
        }

        DateTimeOffset now = _session.Clock.GetUtcNow();
        if (next == WorkState.Running || (StartedAt is null && next != WorkState.Skipped))
        {
            StartedAt = now;
        }

        if (next != WorkState.Running)
        {
            CompletedAt = now;
        }

        State = next;
        MarkChanged();
    }
}
