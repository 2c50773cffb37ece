namespace Acode.Application.Serialization;

/// <summary>A session event; <see cref="Payload"/> is the event's JSON text, kept verbatim as a string.</summary>
internal sealed class SessionEventDocument : EntityDocument
{
    public required string SessionId { get; init; }

    public required long Sequence { get; init; }

    public required string Type { get; init; }

    public required string Payload { get; init; }

    /// <summary>The same event at another sequence number (an event moved to the end of its session's log).</summary>
    public SessionEventDocument AtSequence(long sequence) => new()
    {
        Schema = Schema, Id = Id, Version = Version, CreatedAt = CreatedAt, UpdatedAt = UpdatedAt,
        SessionId = SessionId, Sequence = sequence, Type = Type, Payload = Payload,
    };
}
