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

    /// <summary>The session the item belongs to.</summary>
    public SessionId SessionId => _session.Id;

    /// <summary>1-based position within the parent.</summary>
    public int Ordinal { get; }

    /// <summary>A short title, not blank.</summary>
    public string Title { get; private set; }

    /// <summary>A longer description, if given.</summary>
    public string? Description { get; private set; }

    /// <summary>Where the item is (pending, running, or finished one way).</summary>
    public WorkState State { get; private set; }

    /// <summary>When the item started (UTC, the session's clock): set by <see cref="Start"/>, or when it finished without a start; null while pending and for a skipped item.</summary>
    public DateTimeOffset? StartedAt { get; private set; }

    /// <summary>When the item finished (UTC, the session's clock); null while pending or running.</summary>
    public DateTimeOffset? CompletedAt { get; private set; }

    /// <summary><see cref="CompletedAt"/> minus <see cref="StartedAt"/>; null unless both are set.</summary>
    public TimeSpan? Duration => StartedAt is { } start && CompletedAt is { } end ? end - start : null;

    internal override Session Root => _session;

    /// <summary>Pending → running; records <see cref="StartedAt"/>.</summary>
    /// <exception cref="InvalidOperationException">The item is not pending.</exception>
    public void Start() => MoveTo(WorkState.Running, [WorkState.Pending]);

    /// <summary>Pending or running → completed; records <see cref="CompletedAt"/>.</summary>
    /// <exception cref="InvalidOperationException">The item has already finished.</exception>
    public void Complete() => MoveTo(WorkState.Completed, [WorkState.Pending, WorkState.Running]);

    /// <summary>Pending or running → failed; records <see cref="CompletedAt"/>.</summary>
    /// <exception cref="InvalidOperationException">The item has already finished.</exception>
    public void Fail() => MoveTo(WorkState.Failed, [WorkState.Pending, WorkState.Running]);

    /// <summary>Pending → skipped (never ran).</summary>
    /// <exception cref="InvalidOperationException">The item is not pending.</exception>
    public void Skip() => MoveTo(WorkState.Skipped, [WorkState.Pending]);

    /// <summary>Pending or running → cancelled; records <see cref="CompletedAt"/>.</summary>
    /// <exception cref="InvalidOperationException">The item has already finished.</exception>
    public void Cancel() => MoveTo(WorkState.Cancelled, [WorkState.Pending, WorkState.Running]);

    /// <summary>
    /// Replaces the title and description by copies in which secrets were replaced by markers (docs/secrets.md). A store
    /// calls it just before writing the item; it is not a change of its own (the item is already pending).
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="title"/> is null, empty or white space.</exception>
    internal void ReplaceRedacted(string title, string? description)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(title);
        Title = Text.TextContent.ToWellFormed(title);
        Description = Text.TextContent.ToWellFormedOrNull(description);
    }

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
            // The wall clock may have been stepped back since the start (NTP): an item never finishes before it started.
            CompletedAt = StartedAt is { } started && now < started ? started : now;
        }

        State = next;
        MarkChanged();
    }
}
