using Acode.Cli.Output;

namespace Acode.Cli.Ui;

/// <summary>
/// The Workspace column of the <c>--remote</c> list and search hits: the id of the workspace each session's standing
/// change came from (the <c>workspace</c> of <c>acode session list --remote</c>), with the name that workspace reported
/// to the <c>workspaces</c> table when there is one (read with the rows: <see cref="Acode.Application.Queries.SessionSummary.OriginName"/>).
/// </summary>
internal static class WorkspaceColumn
{
    public static void WriteHeader(HtmlWriter w) => w.Markup("<th>Workspace</th>");

    public static void WriteCell(HtmlWriter w, string? origin, string? name)
    {
        w.Markup("<td class=\"workspace\"").Attribute("data-origin", origin).Markup(">");
        if (WorkspaceLabel.ShownName(origin, name) is { } shown)
        {
            w.Element("span", shown, "ws-name").Markup("<br>");
        }

        w.Element("span", origin, "id").Markup("</td>");
    }
}
