using System.Text.Json;
using Acode.Application.Transcripts;
using Acode.Domain.Text;
using Acode.Infrastructure.Sqlite;

namespace Acode.Infrastructure.Transcripts;

/// <summary>
/// <see cref="IImportSourceReader"/> on the workspace database: the newest <c>import.source</c> event of the session's main
/// transcript, the one with the highest sequence number below <see cref="SubAgentRangeStart"/> (a Claude Code sub-agent
/// transcript numbers its events from <c>k·2³²</c> and writes its own, partial <c>import.source</c>: no model, the
/// branch of when it ran), else the newest of any (docs/import.md). Two indexed reads of the session's events, newest first.
/// </summary>
internal sealed class SqliteImportSourceReader : IImportSourceReader
{
    /// <summary>The event type the importers write (docs/import.md).</summary>
    public const string EventType = "import.source";

    /// <summary>The first sequence number of the sub-agent transcripts' ranges (2³²): the main transcript numbers its events below it.</summary>
    public const long SubAgentRangeStart = 1L << 32;

    /// <summary>The payload of the latest source event of session <c>$id</c> (event type <c>$type</c>, main transcript below <c>$subAgents</c>), as <see cref="SqliteImportSourceReader"/> says.</summary>
    internal const string LatestSql = """
        SELECT coalesce(
            (SELECT payload FROM session_events WHERE session_id = $id AND type = $type AND sequence < $subAgents ORDER BY sequence DESC LIMIT 1),
            (SELECT payload FROM session_events WHERE session_id = $id AND type = $type ORDER BY sequence DESC LIMIT 1));
        """;

    private readonly SqliteWorkspaceDatabase _database;

    public SqliteImportSourceReader(SqliteWorkspaceDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        _database = database;
    }

    public Task<IReadOnlyList<KeyValuePair<string, string>>?> GetLatestAsync(SessionId sessionId, CancellationToken cancellationToken = default)
    {
        string? payload = _database.Read((connection, transaction) => SqliteWorkspaceDatabase.ReaderCommand(connection, transaction, LatestSql).With("$id", sessionId.Value).With("$type", EventType).With("$subAgents", SubAgentRangeStart).ExecuteScalar() as string, cancellationToken);
        return Task.FromResult(payload is null ? null : Facts(payload));
    }

    /// <summary>The payload's top-level members; strings as they are, other values as their JSON text. Not an object: no facts.</summary>
    internal static IReadOnlyList<KeyValuePair<string, string>> Facts(string payload)
    {
        var facts = new List<KeyValuePair<string, string>>();
        try
        {
            using JsonDocument document = JsonDocument.Parse(JsonEscapes.WellFormed(payload)); // names and strings readable (U+FFFD)
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                foreach (JsonProperty p in document.RootElement.EnumerateObject())
                {
                    facts.Add(new(p.Name, p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() ?? "" : p.Value.GetRawText()));
                }
            }
        }
        catch (JsonException)
        {
            // A payload that is not JSON names no source; the event log still shows it as it is.
        }

        return facts;
    }
}
