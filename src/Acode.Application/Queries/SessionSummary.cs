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

    /// <summary>
    /// The name the <see cref="Origin"/> workspace reported when it last synced (PostgreSQL's <c>workspaces</c> table:
    /// <c>persistence:sync:workspaceName</c>, by default <c>host/folder</c>); null when it never reported one, or from a
    /// workspace's own SQLite store.
    /// </summary>
    public string? OriginName { get; init; }
}
