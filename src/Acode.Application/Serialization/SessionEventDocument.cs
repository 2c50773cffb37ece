namespace Acode.Application.Serialization;

/// <summary>A session event; <see cref="Payload"/> is the event's JSON text, kept verbatim as a string.</summary>
internal sealed class SessionEventDocument : EntityDocument
{
    public required string SessionId { get; init; }

    public required long Sequence { get; init; }

    public required string Type { get; init; }

    public required string Payload { get; init; }
}
