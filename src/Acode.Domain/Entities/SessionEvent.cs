using Acode.Domain.Text;

namespace Acode.Domain.Entities;

/// <summary>
/// One entry of a session's append-only event log. <see cref="Sequence"/> increases by one per session,
/// starting at 1, so the log can be replayed in order. Events never change once saved (version 1).
/// </summary>
public sealed class SessionEvent : Entity
{
    private readonly Session _session;

    private SessionEvent(Session session, EventId id, long sequence, string type, string payloadJson)
    {
        _session = session;
        Id = id;
        Sequence = sequence;
        Type = type;
        PayloadJson = payloadJson;
    }

    /// <summary>The event's id (<c>evt_</c> + ULID).</summary>
    public EventId Id { get; }

    /// <summary>The session whose log holds the event.</summary>
    public SessionId SessionId => _session.Id;

    /// <summary>
    /// The event's place in the session's log. Set when the event is appended; a save may move it later when another
    /// writer appended meanwhile and took that number (see <see cref="EntityStamp.EventSequence"/>).
    /// </summary>
    public long Sequence { get; private set; }

    /// <summary>A dotted name such as <c>session.state_changed</c> or <c>tool_call.started</c>.</summary>
    public string Type { get; private set; }

    /// <summary>The payload: one JSON value (an object unless the caller appended another), at most 64 levels deep.</summary>
    public string PayloadJson { get; private set; }

    /// <inheritdoc/>
    public override EntityType EntityType => EntityType.SessionEvent;

    /// <inheritdoc/>
    public override string EntityId => Id.Value;

    internal override Session Root => _session;

    /// <summary>
    /// Rebuilds a saved event. Saved events are not kept by the session; this returns a detached copy. The session's
    /// <see cref="Session.LastEventSequence"/> is raised to <paramref name="sequence"/> if it was lower, so the next
    /// appended event never reuses a sequence number (a session rebuilt from an export starts at 0).
    /// </summary>
    internal static SessionEvent Restore(Session session, EventId id, long sequence, string type, string payloadJson, long version, DateTimeOffset createdAt, DateTimeOffset updatedAt)
    {
        ArgumentNullException.ThrowIfNull(session);
        var evt = new SessionEvent(session, id, sequence, type, payloadJson);
        evt.RestoreStamps(version, createdAt, updatedAt);
        session.ObserveEventSequence(sequence);
        return evt;
    }

    /// <summary>
    /// Replaces the payload by a copy in which secrets were replaced by markers (docs/secrets.md). A store calls it just
    /// before writing the event, so what the caller holds is what is stored.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="payloadJson"/> is not one JSON value.</exception>
    internal void ReplaceRedacted(string payloadJson)
    {
        ArgumentNullException.ThrowIfNull(payloadJson);
        PayloadJson = JsonText.Validate(TextContent.ToWellFormed(payloadJson), nameof(payloadJson));
    }

    /// <summary>
    /// Replaces the type by a copy in which secrets were replaced by markers (docs/secrets.md): a type is the caller's free
    /// text (trial AU 5). A store calls it just before writing the event.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="type"/> is null or empty.</exception>
    internal void ReplaceRedactedType(string type)
    {
        ArgumentException.ThrowIfNullOrEmpty(type);
        Type = TextContent.ToWellFormed(type);
    }

    internal void Renumber(long sequence) => Sequence = sequence;

    internal static SessionEvent Create(Session session, long sequence, string type, string payloadJson)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(type);
        ArgumentNullException.ThrowIfNull(payloadJson);
        var evt = new SessionEvent(session, EventId.New(), sequence, TextContent.ToWellFormed(type), JsonText.Validate(TextContent.ToWellFormed(payloadJson), nameof(payloadJson)));
        evt.MarkChanged();
        return evt;
    }
}
