using Acode.Application.Queries;

namespace Acode.Cli.Output;

/// <summary>
/// How a session deleted in PostgreSQL (only its tombstone left) is described: one sentence, the same in the CLI's
/// error (<see cref="RemoteTombstone"/>) and the viewer's 410 page, so that the two cannot drift apart.
/// </summary>
internal static class TombstoneText
{
    /// <summary>
    /// <c>Session … was deleted in PostgreSQL[ at target] on … (UTC) by workspace name (ws_…) (…); only its tombstone is
    /// left there.</c> The workspace's name is shown as <see cref="Display.Plain"/> shows text.
    /// </summary>
    /// <param name="id">The deleted session.</param>
    /// <param name="tombstone">Its workspaces row: the last writer is the workspace that deleted it.</param>
    /// <param name="deletedAt">When it was deleted (the tombstone's <see cref="SessionWorkspaces.DeletedAt"/>).</param>
    /// <param name="target">The server, redacted; null to leave it out (a page that names it elsewhere).</param>
    public static string Deleted(SessionId id, SessionWorkspaces tombstone, DateTimeOffset deletedAt, string? target)
    {
        string by = tombstone.LastName is { } name && name != tombstone.LastId ? $"{Display.Plain(name)} ({tombstone.LastId})" : tombstone.LastId;
        return $"Session {id} was deleted in PostgreSQL{(target is null ? "" : $" at {target}")} on {Display.Time(deletedAt)} (UTC) by workspace {by} "
            + "('acode session delete' there and a sync, or 'acode db prune --remote'); only its tombstone is left there.";
    }
}
