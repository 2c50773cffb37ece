using Acode.Application;
using Acode.Application.Errors;
using Acode.Application.Queries;
using Acode.Cli.Output;

namespace Acode.Cli.Ui;

/// <summary>
/// The "Workspaces" part of a session page: from PostgreSQL, the workspace the session was created in and the one whose
/// change currently stands, each by its reported name (when it differs from the id) and id, as the list's Workspace
/// column shows them. Shown when PostgreSQL is configured (always with <c>--remote</c>); a local session PostgreSQL
/// does not hold says why by this workspace's outbox (<see cref="NotInPostgresNote"/>), a session deleted there (a tombstone: another workspace's <c>session delete</c> and sync, or
/// <c>db prune --remote</c>) says when and by which workspace, and a PostgreSQL that cannot be read says why without
/// failing the page.
/// </summary>
internal static class SessionWorkspacesView
{
    /// <summary>
    /// What the reader found: the workspaces, or null with a line saying why there are none. A session PostgreSQL does not
    /// hold is said by <paramref name="notInPostgres"/> (<see cref="UiSources.NotInPostgres"/>: this workspace's outbox),
    /// or when that is null as "not in PostgreSQL yet".
    /// </summary>
    public static async Task<(SessionWorkspaces? Workspaces, string? Note)> ReadAsync(
        ISessionWorkspaceReader reader, SessionId sessionId, Func<SessionId, CancellationToken, Task<string>>? notInPostgres, CancellationToken cancellationToken)
    {
        try
        {
            SessionWorkspaces? found = await reader.GetAsync(sessionId, cancellationToken);
            if (found is not null)
            {
                return (found, null);
            }

            return (null, notInPostgres is null ? "Not in PostgreSQL yet: 'acode db sync' sends it." : await notInPostgres(sessionId, cancellationToken));
        }
        catch (AcodeDbException ex)
        {
            return (null, $"Not known: {ex.Code}: {ex.Message}");
        }
    }

    public static void Write(HtmlWriter w, SessionId sessionId, SessionWorkspaces? workspaces, string? note)
    {
        w.Markup("<section id=\"session-workspaces\" class=\"source\"><h2>Workspaces</h2>");
        if (workspaces is null)
        {
            w.Markup("<p class=\"empty\">").Text(note).Markup("</p></section>");
            return;
        }

        if (workspaces.DeletedAt is { } deletedAt)
        {
            w.Markup("<p id=\"deleted-in-postgres\" class=\"empty\">").Text($"Deleted in PostgreSQL on {Display.Time(deletedAt)} (UTC) by workspace ");
            Workspace(w, "deleting-workspace", workspaces.LastId, workspaces.LastName, "span");
            w.Text(" ('acode session delete' there and a sync, or 'acode db prune --remote'). This copy stays in this workspace but is no longer shared: "
                + "a change made to it here loses to the deletion when synced (recorded as a conflict). Delete it here with "
                + $"'acode session delete {sessionId.Value} --local' if it is no longer needed.")
                .Markup("</p></section>");
            return;
        }

        w.Markup("<dl class=\"facts\"><dt>Created in</dt>");
        Workspace(w, "created-workspace", workspaces.CreatedId, workspaces.CreatedName);
        w.Markup("<dt>Changed last in</dt>");
        Workspace(w, "last-workspace", workspaces.LastId, workspaces.LastName);
        w.Markup("</dl></section>");
    }

    private static void Workspace(HtmlWriter w, string id, string origin, string? name, string element = "dd")
    {
        w.Markup("<" + element).Attribute("id", id).Attribute("data-origin", origin).Markup(">");
        if (name is not null && name != origin)
        {
            w.Element("span", name, "ws-name").Markup(" ");
        }

        w.Element("span", origin, "id").Markup("</" + element + ">");
    }
}
