namespace Acode.Application.Serialization;

internal sealed class SessionDocument : EntityDocument
{
    public required string Title { get; init; }

    public string? Goal { get; init; }

    public required string State { get; init; }
}
