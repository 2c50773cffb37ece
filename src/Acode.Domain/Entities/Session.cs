using System.Text.Json;
using Acode.Domain.Text;

namespace Acode.Domain.Entities;

/// <summary>
/// The aggregate root of one run of the agent on a goal: its tasks (with their steps and tool calls),
/// its artifacts and its append-only event log.
/// </summary>
/// <remarks>
/// Every mutation (here or on a child) is recorded in <see cref="PendingChanges"/>; a store saves exactly
/// those and then calls <see cref="AcceptChanges"/>. Events are not kept in memory once saved: the
/// session only remembers the last sequence number, so a session with 50 000 events loads as fast as one with none.
/// Not thread-safe: one agent loop owns one session object. A store refuses to save an object that another call is
/// still saving (<see cref="InvalidOperationException"/>) rather than writing its changes twice.
/// </remarks>
public sealed class Session : Entity
{
    private readonly List<SessionTask> _tasks = [];
    private readonly List<Artifact> _artifacts = [];
    private readonly List<Entity> _pending = [];
    private readonly Dictionary<string, Entity> _children = new(StringComparer.Ordinal);
    private int _saving;

    private Session(SessionId id, string title, string? goal, SessionState state, TimeProvider clock)
    {
        Id = id;
        Title = title;
        Goal = goal;
        State = state;
        Clock = clock;
    }

    /// <summary>The session's id (<c>sess_</c> + ULID).</summary>
    public SessionId Id { get; }

    /// <summary>A short title, not blank; text is kept verbatim (ill-formed UTF-16 replaced by U+FFFD).</summary>
    public string Title { get; private set; }

    /// <summary>What the agent was asked to do, if given.</summary>
    public string? Goal { get; private set; }

    /// <summary>Where the session is in its life (<see cref="SessionStateMachine"/> says where it may go).</summary>
    public SessionState State { get; private set; }

    /// <summary>The sequence number of the last event appended (0 when there is none).</summary>
    public long LastEventSequence { get; private set; }

    /// <summary>The tasks, in the order they were added (<see cref="WorkItem.Ordinal"/> 1, 2, …).</summary>
    public IReadOnlyList<SessionTask> Tasks => _tasks;

    /// <summary>The artifacts, in the order they were added.</summary>
    public IReadOnlyList<Artifact> Artifacts => _artifacts;

    /// <summary>Entities changed or added since the last save, in the order they were first changed (parents before children).</summary>
    internal IReadOnlyList<Entity> PendingChanges => _pending;

    /// <inheritdoc/>
    public override EntityType EntityType => EntityType.Session;

    /// <inheritdoc/>
    public override string EntityId => Id.Value;

    /// <summary>The clock used for <c>StartedAt</c>/<c>CompletedAt</c> of work items.</summary>
    public TimeProvider Clock { get; }

    internal override Session Root => this;

    /// <summary>Starts a new session in <see cref="SessionState.Created"/> and records a <c>session.created</c> event.</summary>
    public static Session Create(string title, string? goal = null, TimeProvider? clock = null)
    {
        var session = new Session(SessionId.New(), CheckTitle(title), TextContent.ToWellFormedOrNull(goal), SessionState.Created, clock ?? TimeProvider.System);
        session.MarkChanged();
        session.AppendEvent(SessionEventTypes.Created, Payload(w => w.WriteString("title", session.Title)));
        return session;
    }

    /// <summary>Rebuilds a saved session (used by stores and imports); nothing is pending afterwards.</summary>
    internal static Session Restore(
        SessionId id, string title, string? goal, SessionState state, long lastEventSequence,
        long version, DateTimeOffset createdAt, DateTimeOffset updatedAt, TimeProvider? clock = null)
    {
        var session = new Session(id, title, goal, state, clock ?? TimeProvider.System) { LastEventSequence = lastEventSequence };
        session.RestoreStamps(version, createdAt, updatedAt);
        return session;
    }

    /// <summary>Moves the session to <paramref name="next"/> and records a <c>session.state_changed</c> event.</summary>
    /// <exception cref="InvalidStateTransitionException">The state machine does not allow it; nothing changes.</exception>
    public void TransitionTo(SessionState next, string? reason = null)
    {
        SessionStateMachine.EnsureCanTransition(Id, State, next);
        SessionState previous = State;
        State = next;
        MarkChanged();
        AppendEvent(SessionEventTypes.StateChanged, Payload(w =>
        {
            w.WriteString("from", previous.ToString());
            w.WriteString("to", next.ToString());
            if (reason is not null)
            {
                w.WriteString("reason", TextContent.ToWellFormed(reason));
            }
        }));
    }

    /// <summary>Changes the title; saved with the next save.</summary>
    /// <exception cref="ArgumentException"><paramref name="title"/> is null, empty or white space.</exception>
    public void Rename(string title)
    {
        Title = CheckTitle(title);
        MarkChanged();
    }

    /// <summary>
    /// Replaces the title and goal by copies in which secrets were replaced by markers (docs/secrets.md). A store calls it
    /// just before writing the session; it is not a change of its own (the session is already pending).
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="title"/> is null, empty or white space.</exception>
    internal void ReplaceRedacted(string title, string? goal)
    {
        Title = CheckTitle(title);
        Goal = TextContent.ToWellFormedOrNull(goal);
    }

    /// <summary>Adds a task at the end of <see cref="Tasks"/>, in <see cref="WorkState.Pending"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="title"/> is null, empty or white space.</exception>
    /// <exception cref="InvalidOperationException">The session is in a terminal state (<see cref="SessionStateMachine.IsTerminal"/>): start a new session instead.</exception>
    public SessionTask AddTask(string title, string? description = null)
    {
        EnsureNotTerminal();
        var task = SessionTask.Create(this, _tasks.Count + 1, title, description);
        _tasks.Add(task);
        _children.Add(task.EntityId, task);
        return task;
    }

    /// <summary>Records an artifact whose content is stored with it (its size and SHA-256 are computed).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="kind"/> is not a defined <see cref="ArtifactKind"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty or longer than <see cref="Artifact.MaxNameLength"/>, <paramref name="mediaType"/> is empty or white space, or the step or tool call is not part of this session.</exception>
    public Artifact AddArtifact(string name, ArtifactKind kind, string mediaType, ReadOnlyMemory<byte> content, StepId? stepId = null, ToolCallId? toolCallId = null)
    {
        var artifact = Artifact.Create(this, name, kind, mediaType, content, stepId, toolCallId);
        _artifacts.Add(artifact);
        _children.Add(artifact.EntityId, artifact);
        return artifact;
    }

    /// <summary>Records an artifact kept elsewhere: only its size and content hash are stored.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="kind"/> is not a defined <see cref="ArtifactKind"/>, or <paramref name="size"/> is negative.</exception>
    /// <exception cref="ArgumentException"><paramref name="contentHash"/> is not 64 hex digits, <paramref name="name"/> is empty or too long, <paramref name="mediaType"/> is empty or white space, or the step or tool call is not part of this session.</exception>
    public Artifact AddArtifactReference(string name, ArtifactKind kind, string mediaType, long size, string contentHash, StepId? stepId = null, ToolCallId? toolCallId = null)
    {
        var artifact = Artifact.CreateReference(this, name, kind, mediaType, size, contentHash, stepId, toolCallId);
        _artifacts.Add(artifact);
        _children.Add(artifact.EntityId, artifact);
        return artifact;
    }

    /// <summary>Appends an event with the next sequence number. <paramref name="payloadJson"/> must be one JSON value.</summary>
    /// <exception cref="ArgumentException"><paramref name="type"/> is null, empty or white space, or <paramref name="payloadJson"/> is not one JSON value.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="payloadJson"/> is null.</exception>
    public SessionEvent AppendEvent(string type, string payloadJson = "{}")
    {
        var evt = SessionEvent.Create(this, LastEventSequence + 1, type, payloadJson);
        LastEventSequence = evt.Sequence;
        return evt;
    }

    /// <summary>The task with <paramref name="id"/> in this session, or null.</summary>
    public SessionTask? FindTask(TaskId id) => _children.GetValueOrDefault(id.Value) as SessionTask;

    /// <summary>The step with <paramref name="id"/> in any task of this session, or null.</summary>
    public Step? FindStep(StepId id) => _children.GetValueOrDefault(id.Value) as Step;

    /// <summary>The tool call with <paramref name="id"/> in any step of this session, or null.</summary>
    public ToolCall? FindToolCall(ToolCallId id) => _children.GetValueOrDefault(id.Value) as ToolCall;

    /// <summary>The artifact with <paramref name="id"/> in this session, or null.</summary>
    public Artifact? FindArtifact(ArtifactId id) => _children.GetValueOrDefault(id.Value) as Artifact;

    /// <summary>True while a store saves this object (between <see cref="TryBeginSave"/> and <see cref="EndSave"/>).</summary>
    internal bool SaveInProgress => Volatile.Read(ref _saving) != 0;

    /// <summary>Marks this object as being saved; false when another call is saving it already (nothing is marked then).</summary>
    internal bool TryBeginSave() => Interlocked.CompareExchange(ref _saving, 1, 0) == 0;

    /// <summary>Ends what <see cref="TryBeginSave"/> began.</summary>
    internal void EndSave() => Volatile.Write(ref _saving, 0);

    /// <summary>
    /// Applies the stamps a store gave the pending changes when it committed them, and clears the pending list. An event
    /// whose stamp carries an <see cref="EntityStamp.EventSequence"/> takes that number, and <see cref="LastEventSequence"/>
    /// follows it.
    /// </summary>
    /// <exception cref="ArgumentException">A stamp is for an entity of another session.</exception>
    /// <exception cref="InvalidOperationException">A stamp does not take its entity to the next version at a later time, or the stamps
    /// are not exactly the pending changes in order. Nothing is applied.</exception>
    internal void AcceptChanges(IReadOnlyList<EntityStamp> stamps)
    {
        ArgumentNullException.ThrowIfNull(stamps);
        foreach (EntityStamp stamp in stamps)
        {
            if (!ReferenceEquals(stamp.Entity.Root, this))
            {
                throw new ArgumentException($"{stamp.Entity.EntityType} {stamp.Entity.EntityId} does not belong to session {Id}.", nameof(stamps));
            }

            if (stamp.Version != stamp.Entity.Version + 1 || stamp.UpdatedAt <= stamp.Entity.UpdatedAt)
            {
                throw new InvalidOperationException($"{stamp.Entity.EntityType} {stamp.Entity.EntityId} is at version {stamp.Entity.Version}, updated {stamp.Entity.UpdatedAt:O}; a save must stamp version {stamp.Entity.Version + 1} at a later time, not version {stamp.Version} at {stamp.UpdatedAt:O}.");
            }

            if (stamp.EventSequence is { } sequence && (stamp.Entity is not SessionEvent evt || sequence <= evt.Sequence))
            {
                throw new InvalidOperationException($"{stamp.Entity.EntityType} {stamp.Entity.EntityId}: a save can only move a new event to a later sequence number, not to {sequence}.");
            }
        }

        if (stamps.Count != _pending.Count || stamps.Where((stamp, i) => !ReferenceEquals(stamp.Entity, _pending[i])).Any())
        {
            throw new InvalidOperationException($"Session {Id} has {_pending.Count} pending change(s); a save must stamp each of them, in order ({stamps.Count} stamp(s) given).");
        }

        foreach (EntityStamp stamp in stamps)
        {
            stamp.Entity.ApplyStamp(stamp);
            if (stamp.EventSequence is { } sequence)
            {
                ((SessionEvent)stamp.Entity).Renumber(sequence);
                ObserveEventSequence(sequence);
            }
        }

        _pending.Clear();
    }

    /// <summary>Attaches a child rebuilt from storage (see the <c>Restore</c> factories); it is not marked changed.</summary>
    internal void Attach(Entity child)
    {
        switch (child)
        {
            case SessionTask task:
                _tasks.Add(task);
                break;
            case Artifact artifact:
                _artifacts.Add(artifact);
                break;
        }

        _children.Add(child.EntityId, child);
    }

    internal void Track(Entity entity) => _pending.Add(entity);

    internal void ObserveEventSequence(long sequence) => LastEventSequence = Math.Max(LastEventSequence, sequence);

    internal void EnsureNotTerminal()
    {
        if (SessionStateMachine.IsTerminal(State))
        {
            throw new InvalidOperationException($"Session {Id} is {State}, a terminal state: no new work can be added. Start a new session instead.");
        }
    }

    internal static string Payload(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = MinimalJsonEncoder.Instance }))
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static string CheckTitle(string title)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(title);
        return TextContent.ToWellFormed(title);
    }
}
