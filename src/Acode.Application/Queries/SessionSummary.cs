namespace Acode.Application.Queries;

/// <summary>One row of a session listing.</summary>
public sealed record SessionSummary(
    SessionId Id,
    string Title,
    SessionState State,
    long Version,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    int TaskCount,
    int ToolCallCount);
