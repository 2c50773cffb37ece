namespace Acode.Application.Serialization;

internal sealed class SessionDocument : EntityDocument
{
    public required string Title { get; init; }

    public string? Goal { get; init; }

    public required string State { get; init; }

    /// <summary>
    /// In an export file only: how many lines the session has there, its own line included (<see cref="SessionArchive"/>),
    /// so that an export cut off at a line break is refused instead of imported as part of a session. Never in the outbox,
    /// PostgreSQL or <c>--json</c> output (null is not written).
    /// </summary>
    public long? ExportLines { get; init; }

    /// <summary>This document with <see cref="ExportLines"/> set to <paramref name="lines"/>.</summary>
    public SessionDocument WithExportLines(long? lines) => new()
    {
        Id = Id, Version = Version, CreatedAt = CreatedAt, UpdatedAt = UpdatedAt,
        Title = Title, Goal = Goal, State = State, ExportLines = lines,
    };
}
