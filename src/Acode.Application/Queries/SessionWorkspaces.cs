namespace Acode.Application.Queries;

/// <summary>
/// Which workspaces a session in the shared PostgreSQL came from: the one it was first delivered from and the one whose
/// change currently stands (they differ once another workspace changed it). Names are what each workspace last reported
/// to the <c>workspaces</c> table; null when it never did (the id is all there is). A session deleted there (a tombstone)
/// has <see cref="DeletedAt"/>, and its last workspace is the one that deleted it first (<c>acode session delete</c> and a
/// sync, or <c>acode db prune --remote</c>; a later deletion of another workspace's copy changes neither).
/// </summary>
/// <param name="CreatedId">The workspace id of the first delivery (<c>sessions.created_origin</c>).</param>
/// <param name="CreatedName">That workspace's reported name, or null.</param>
/// <param name="LastId">The workspace id whose version of the session stands (<c>sessions.origin</c>); of a tombstone, the workspace that deleted it first (<c>sessions.deleted_by</c>).</param>
/// <param name="LastName">That workspace's reported name, or null.</param>
public sealed record SessionWorkspaces(string CreatedId, string? CreatedName, string LastId, string? LastName)
{
    /// <summary>When the session was first deleted in PostgreSQL (<c>sessions.deleted_at</c>, UTC); null while it is live.</summary>
    public DateTimeOffset? DeletedAt { get; init; }
}
