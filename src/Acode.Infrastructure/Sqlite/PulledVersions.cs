using Acode.Application.Serialization;
using Microsoft.Data.Sqlite;

namespace Acode.Infrastructure.Sqlite;

/// <summary>
/// The rows of a workspace that hold a version <c>acode session pull</c> took from PostgreSQL, with the stamp it took
/// (<c>pulled_versions</c>, schema 1.16.0; docs/architecture.md, "A transcript imported over the team's version"). A row
/// written here since carries another stamp, so its entry no longer matches: only an entry whose stamp is the row's
/// says that the row is still the team's version. Entries go with their session (<c>ON DELETE CASCADE</c>).
/// </summary>
internal static class PulledVersions
{
    private const string ReadSql = "SELECT entity_id, version_stamp FROM pulled_versions WHERE session_id = $session_id;";

    private const string ReadOfSql = "SELECT entity_id, version_stamp FROM pulled_versions WHERE entity_id IN (SELECT value FROM json_each($ids));";

    private const string MarkSql = """
        INSERT INTO pulled_versions (entity_id, session_id, version_stamp, created_at, updated_at) VALUES ($entity_id, $session_id, $stamp, $now, $now)
        ON CONFLICT (entity_id) DO UPDATE SET session_id = excluded.session_id, version_stamp = excluded.version_stamp, updated_at = excluded.updated_at;
        """;

    /// <summary>The stamp each listed row of the session was taken at, by entity id.</summary>
    public static Dictionary<string, DateTimeOffset> Read(WriterCommands commands, SqliteTransaction transaction, string sessionId)
        => Taken(commands.Get(ReadSql, transaction).With("$session_id", sessionId));

    /// <summary>The stamp each of the rows <paramref name="ids"/> (a JSON array of entity ids) that holds a pulled version was taken at, by entity id; read on a reader connection.</summary>
    public static Dictionary<string, DateTimeOffset> ReadOf(SqliteConnection connection, SqliteTransaction transaction, string ids)
        => Taken(SqliteWorkspaceDatabase.ReaderCommand(connection, transaction, ReadOfSql).With("$ids", ids));

    private static Dictionary<string, DateTimeOffset> Taken(SqliteCommand command)
    {
        var taken = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        using SqliteDataReader reader = command.ExecuteReader();
        while (reader.Read())
        {
            taken[reader.GetString(0)] = UtcTimestamp.Parse(reader.GetString(1));
        }

        return taken;
    }

    /// <summary>Lists row <paramref name="entityId"/> of the session as holding the version stamped <paramref name="stamp"/> taken from PostgreSQL, at <paramref name="now"/>.</summary>
    public static void Mark(WriterCommands commands, SqliteTransaction transaction, string sessionId, string entityId, DateTimeOffset stamp, DateTimeOffset now)
        => commands.Get(MarkSql, transaction)
            .With("$entity_id", entityId).With("$session_id", sessionId).With("$stamp", UtcTimestamp.Format(stamp)).With("$now", UtcTimestamp.Format(now))
            .ExecuteNonQuery();

    /// <summary>
    /// Whether a row stored at <paramref name="stored"/> still holds the version a pull took (its entry in
    /// <paramref name="taken"/> has that very stamp).
    /// </summary>
    public static bool Holds(IReadOnlyDictionary<string, DateTimeOffset> taken, string entityId, DateTimeOffset stored)
        => taken.TryGetValue(entityId, out DateTimeOffset at) && at.UtcTicks == stored.UtcTicks;
}
