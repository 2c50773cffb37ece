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
    int ToolCallCount)
{
    /// <summary>The id of the workspace (or PostgreSQL store) whose change currently stands; null from a workspace's own SQLite store, where every row is its own.</summary>
    public string? Origin { get; init; }
}
