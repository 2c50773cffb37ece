using Acode.Application;
using Acode.Application.Errors;
using Acode.Application.Queries;

namespace Acode.Cli.Ui;

/// <summary>
/// The "Workspaces" part of a session page: from PostgreSQL, the workspace the session was created in and the one whose
/// change currently stands, each by its reported name (when it differs from the id) and id, as the list's Workspace
/// column shows them. Shown when PostgreSQL is configured (always with <c>--remote</c>); a local session not synced
/// yet says so, and a PostgreSQL that cannot be read says why without failing the page.
/// </summary>
internal static class SessionWorkspacesView
{
    /// <summary>What the reader found: the workspaces, or null with a line saying why there are none.</summary>
    public static async Task<(SessionWorkspaces? Workspaces, string? Note)> ReadAsync(ISessionWorkspaceReader reader, SessionId sessionId, CancellationToken cancellationToken)
    {
        try
        {
            SessionWorkspaces? found = await reader.GetAsync(sessionId, cancellationToken);
            return (found, found is null ? "Not in PostgreSQL yet: 'acode db sync' sends it." : null);
        }
        catch (AcodeDbException ex)
        {
            return (null, $"Not known: {ex.Code}: {ex.Message}");
        }
    }

    public static void Write(HtmlWriter w, SessionWorkspaces? workspaces, string? note)
    {
        w.Markup("<section id=\"session-workspaces\" class=\"source\"><h2>Workspaces</h2>");
        if (workspaces is null)
        {
            w.Markup("<p class=\"empty\">").Text(note).Markup("</p></section>");
            return;
        }

        w.Markup("<dl class=\"facts\"><dt>Created in</dt>");
        Workspace(w, "created-workspace", workspaces.CreatedId, workspaces.CreatedName);
        w.Markup("<dt>Changed last in</dt>");
        Workspace(w, "last-workspace", workspaces.LastId, workspaces.LastName);
        w.Markup("</dl></section>");
    }

    private static void Workspace(HtmlWriter w, string id, string origin, string? name)
    {
        w.Markup("<dd").Attribute("id", id).Attribute("data-origin", origin).Markup(">");
        if (name is not null && name != origin)
        {
            w.Element("span", name, "ws-name").Markup(" ");
        }

        w.Element("span", origin, "id").Markup("</dd>");
    }
}
