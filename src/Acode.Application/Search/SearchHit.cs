namespace Acode.Application.Search;

/// <summary>
/// One field of one entity that matches a search: e.g. the <c>result</c> of tool call <c>tc_…</c> in session <c>sess_…</c>.
/// </summary>
/// <param name="SessionId">The session the entity belongs to.</param>
/// <param name="SessionTitle">That session's title.</param>
/// <param name="SessionState">That session's state.</param>
/// <param name="SessionUpdatedAt">When that session last changed.</param>
/// <param name="EntityType">Session, SessionTask, Step, ToolCall or Artifact.</param>
/// <param name="EntityId">The matched entity's id (the session's own id for a session field).</param>
/// <param name="Field">The matched field: title, goal, description, tool_name, arguments, result, error, name or content.</param>
/// <param name="Snippet">The passage around the match, matched words highlighted.</param>
/// <param name="Score">Relevance: higher is better; comparable only within one query's results on one engine.</param>
/// <param name="Origin">The workspace id that wrote this version of the entity (PostgreSQL); null for the local workspace.</param>
public sealed record SearchHit(
    SessionId SessionId,
    string SessionTitle,
    SessionState SessionState,
    DateTimeOffset SessionUpdatedAt,
    EntityType EntityType,
    string EntityId,
    string Field,
    SearchSnippet Snippet,
    double Score,
    string? Origin)
{
    /// <summary>
    /// The name the <see cref="Origin"/> workspace reported when it last synced (PostgreSQL's <c>workspaces</c> table:
    /// <c>persistence:sync:workspaceName</c>, by default <c>host/folder</c>); null when it never reported one, or for the local workspace.
    /// </summary>
    public string? OriginName { get; init; }
}
