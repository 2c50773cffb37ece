using System.Text.Json;
using Acode.Application.Serialization;
using Acode.Domain.Entities;
using Acode.Domain.Ids;

namespace Acode.Cli.Tests.Support;

/// <summary>A crafted 'acode session export' file of bare sessions with chosen states, titles and creation times.</summary>
public static class SessionFile
{
    public sealed record Row(SessionId Id, string Title, SessionState State, DateTimeOffset CreatedAt);

    /// <summary>Writes <paramref name="rows"/> to a file in <paramref name="workspace"/> and imports it with the real binary.</summary>
    public static async Task ImportAsync(CliWorkspace workspace, IEnumerable<Row> rows)
    {
        string path = Path.Combine(workspace.Root, $"crafted-{Guid.NewGuid():N}.jsonl");
        await File.WriteAllLinesAsync(path, rows.Select(r => JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["entity"] = "Session",
            ["title"] = r.Title,
            ["state"] = r.State.ToString(),
            ["schema"] = 1,
            ["id"] = r.Id.Value,
            ["version"] = 1,
            ["createdAt"] = UtcTimestamp.Format(r.CreatedAt),
            ["updatedAt"] = UtcTimestamp.Format(r.CreatedAt),
        })));
        await workspace.RunOkAsync("session", "import", path);
        File.Delete(path);
    }
}
