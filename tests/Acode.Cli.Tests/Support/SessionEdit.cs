using System.Globalization;
using System.Text.Json.Nodes;

namespace Acode.Cli.Tests.Support;

/// <summary>
/// What a user does to change a session by hand through the JSON format (docs/json-format.md): export it, give the
/// <c>Session</c> row a new title, version + 1 and a later <c>updatedAt</c>, and import the edited file back.
/// </summary>
public static class SessionEdit
{
    /// <summary>Exports session <paramref name="id"/> of <paramref name="workspace"/>, retitles it and imports it back.</summary>
    /// <param name="at">The edited version's <c>updatedAt</c>; now when null.</param>
    /// <param name="entity">Which rows to retitle: <c>Session</c> (the session row), or <c>SessionTask</c> (every task, the session row left as it is).</param>
    public static async Task RetitleAsync(CliWorkspace workspace, string id, string title, DateTimeOffset? at = null, string entity = "Session")
    {
        string export = Path.Combine(workspace.Root, "export.jsonl");
        await workspace.RunOkAsync("session", "export", id, "-o", export, "--force");
        await RetitleExportAsync(workspace, export, title, at, entity);
    }

    /// <summary>Retitles the session in the export file <paramref name="export"/> (left as it is) and imports the edit into <paramref name="workspace"/>.</summary>
    /// <param name="at">The edited version's <c>updatedAt</c>; now when null.</param>
    /// <param name="entity">Which rows to retitle, as for <see cref="RetitleAsync"/>.</param>
    public static async Task RetitleExportAsync(CliWorkspace workspace, string export, string title, DateTimeOffset? at = null, string entity = "Session")
    {
        string edited = Path.Combine(workspace.Root, "edited.jsonl");
        var lines = new List<string>();
        foreach (string line in await File.ReadAllLinesAsync(export))
        {
            JsonNode node = JsonNode.Parse(line)!;
            if (node["entity"]!.GetValue<string>() == entity)
            {
                node["title"] = title;
                node["version"] = node["version"]!.GetValue<long>() + 1;
                node["updatedAt"] = (at ?? DateTimeOffset.UtcNow).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);
            }

            lines.Add(node.ToJsonString());
        }

        await File.WriteAllLinesAsync(edited, lines);
        await workspace.RunOkAsync("session", "import", edited);
    }
}
