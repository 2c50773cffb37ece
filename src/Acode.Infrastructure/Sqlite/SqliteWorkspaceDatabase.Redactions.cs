using Microsoft.Data.Sqlite;

namespace Acode.Infrastructure.Sqlite;

public sealed partial class SqliteWorkspaceDatabase
{
    /// <summary>
    /// The name of the tally of values redacted by this workspace's writers (docs/secrets.md), kept as one more row of
    /// <c>row_counts</c> (no schema change): read by its key, like the table counters, so <c>acode db status</c> stays
    /// independent of the number of events. Not a table counter: <c>db check</c> and <c>--recount</c> leave it alone.
    /// </summary>
    internal const string RedactedSecretsCounter = "secrets_redacted";

    /// <summary>Adds <c>$count</c> to the tally, in the writer's transaction.</summary>
    internal const string AddRedactedSecretsSql = """
        INSERT INTO row_counts (name, row_count, created_at, updated_at) VALUES ('secrets_redacted', $count, $now, $now)
        ON CONFLICT (name) DO UPDATE SET row_count = row_count + excluded.row_count, updated_at = excluded.updated_at;
        """;

    internal const string RedactedSecretsSql = "SELECT ifnull((SELECT row_count FROM row_counts WHERE name = 'secrets_redacted'), 0);";

    /// <summary>The counts of one session's <c>secrets.redacted</c> events: a range of the (session_id, sequence) index.</summary>
    internal const string SessionRedactedSecretsSql = "SELECT ifnull(sum(json_extract(payload, '$.count')), 0) FROM session_events WHERE session_id = $id AND type = 'secrets.redacted';";

    /// <summary>
    /// How many values were replaced by redaction markers before being stored: by this workspace's saves, appends and
    /// imports since its database was created (<paramref name="sessionId"/> null; deleting sessions does not lower it),
    /// or in one session (the sum of its <c>secrets.redacted</c> events, wherever they were recorded).
    /// </summary>
    internal long CountRedactedSecrets(string? sessionId = null, CancellationToken cancellationToken = default) => Read((connection, transaction) =>
    {
        using SqliteCommand command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sessionId is null ? RedactedSecretsSql : SessionRedactedSecretsSql;
        if (sessionId is not null)
        {
            command.Parameters.AddWithValue("$id", sessionId);
        }

        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }, cancellationToken);
}
