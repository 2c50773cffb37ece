using Microsoft.Data.Sqlite;

namespace Acode.Infrastructure.Sqlite;

public sealed partial class SqliteWorkspaceDatabase
{
    /// <summary>
    /// Sums the counts of the <c>secrets.redacted</c> events (docs/secrets.md) of the whole workspace. It reads every event
    /// row once (no schema change was made for it): fine for a status command, not for a hot path.
    /// </summary>
    internal const string RedactedSecretsSql = "SELECT ifnull(sum(json_extract(payload, '$.count')), 0) FROM session_events WHERE type = 'secrets.redacted';";

    /// <summary>The same sum for one session: a range of the (session_id, sequence) index.</summary>
    internal const string SessionRedactedSecretsSql = "SELECT ifnull(sum(json_extract(payload, '$.count')), 0) FROM session_events WHERE session_id = $id AND type = 'secrets.redacted';";

    /// <summary>How many values were replaced by redaction markers before being stored, in the workspace or in one session.</summary>
    public long CountRedactedSecrets(string? sessionId = null, CancellationToken cancellationToken = default) => Read((connection, transaction) =>
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
