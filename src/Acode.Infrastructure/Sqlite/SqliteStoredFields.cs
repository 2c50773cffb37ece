using Acode.Application.Redaction;
using Microsoft.Data.Sqlite;

namespace Acode.Infrastructure.Sqlite;

/// <summary>
/// The stored values of the fields a redaction scans (<see cref="RedactedFields.Of"/>'s order), read from a row of the
/// workspace database: what an import compares the version it writes with, so it counts only what it changes.
/// </summary>
internal static class SqliteStoredFields
{
    private static readonly Dictionary<EntityType, string> Sql = new()
    {
        [EntityType.Session] = "SELECT title, goal FROM sessions WHERE id = $id;",
        [EntityType.SessionTask] = "SELECT title, description FROM session_tasks WHERE id = $id;",
        [EntityType.Step] = "SELECT title, description FROM steps WHERE id = $id;",
        [EntityType.ToolCall] = "SELECT coalesce(arguments_blob, arguments), coalesce(result_blob, result), error, tool_name FROM tool_calls WHERE id = $id;",
        [EntityType.Artifact] = "SELECT name, content_hash, media_type FROM artifacts WHERE id = $id;",
        [EntityType.SessionEvent] = "SELECT payload, type FROM session_events WHERE id = $id;",
    };

    /// <returns>One value per field (null for a NULL column); null when no row has the id.</returns>
    public static string?[]? Read(WriterCommands commands, SqliteTransaction transaction, EntityType type, string id)
    {
        using SqliteDataReader reader = commands.Get(Sql[type], transaction).With("$id", id).ExecuteReader();
        if (!reader.Read())
        {
            return null;
        }

        var values = new string?[reader.FieldCount];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = reader.IsDBNull(i) ? null : reader.GetString(i);
        }

        return values;
    }
}
