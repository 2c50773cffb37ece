namespace Acode.Domain.Entities;

/// <summary>The version and time a store gave a change of <paramref name="Entity"/> when it committed it.</summary>
/// <remarks>
/// <see cref="EventSequence"/> is set only for a <see cref="SessionEvent"/> whose sequence number was taken by an event
/// appended elsewhere (<c>AppendEventAsync</c>, another copy of the session) after this one was created: the store
/// gave it the next free number instead, at the end of the log, and the session adopts it.
/// </remarks>
internal readonly record struct EntityStamp(Entity Entity, long Version, DateTimeOffset UpdatedAt)
{
    /// <summary>The event's sequence number as committed, when it differs from the one it was appended with; otherwise null.</summary>
    public long? EventSequence { get; init; }
}
