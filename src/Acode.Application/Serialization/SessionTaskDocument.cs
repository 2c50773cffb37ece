namespace Acode.Application.Serialization;

internal sealed class SessionTaskDocument : EntityDocument
{
    public required string SessionId { get; init; }

    public required int Ordinal { get; init; }

    public required string Title { get; init; }

    public string? Description { get; init; }

    public required string State { get; init; }

    public string? StartedAt { get; init; }

    public string? CompletedAt { get; init; }
}
