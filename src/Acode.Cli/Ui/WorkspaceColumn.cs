using Acode.Application.Errors;
using Acode.Application.Sync;
using Acode.Infrastructure.Sync;

namespace Acode.Cli.Ui;

/// <summary>
/// The Workspace column of the <c>--remote</c> list and search hits: the id of the workspace each session's standing
/// change came from (the <c>workspace</c> of <c>acode session list --remote</c>), with the name that workspace reported
/// to the <c>workspaces</c> table when there is one.
/// </summary>
internal static class WorkspaceColumn
{
    /// <summary>Id → name of the most recently synced workspaces (up to 1,000); empty when they cannot be read (the ids are still shown).</summary>
    public static async Task<IReadOnlyDictionary<string, string>> LoadNamesAsync(ISyncConflictReader reader, CancellationToken cancellationToken)
    {
        try
        {
            IReadOnlyList<WorkspaceLastSync> workspaces = await reader.ReadLastSyncsAsync(PostgresSyncConflictReader.MaxLimit, cancellationToken);
            return workspaces.ToDictionary(w => w.Id, w => w.Name, StringComparer.Ordinal);
        }
        catch (AcodeDbException)
        {
            return new Dictionary<string, string>();
        }
    }

    public static void WriteHeader(HtmlWriter w) => w.Markup("<th>Workspace</th>");

    public static void WriteCell(HtmlWriter w, string? origin, IReadOnlyDictionary<string, string> names)
    {
        w.Markup("<td class=\"workspace\"").Attribute("data-origin", origin).Markup(">");
        if (origin is not null && names.TryGetValue(origin, out string? name) && name != origin)
        {
            w.Element("span", name, "ws-name").Markup("<br>");
        }

        w.Element("span", origin, "id").Markup("</td>");
    }
}
