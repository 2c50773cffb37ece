using Acode.Infrastructure.Transcripts;
using Microsoft.Data.Sqlite;

namespace Acode.Infrastructure.Sqlite;

public sealed partial class SqliteRunStateStore : IStoredTaskIds
{
    /// <inheritdoc/>
    Task<IReadOnlyList<string>> IStoredTaskIds.TaskIdsAtAsync(SessionId sessionId, int ordinal, CancellationToken cancellationToken)
    {
        IReadOnlyList<string> ids = _database.Read((connection, transaction) =>
        {
            using SqliteDataReader reader = SqliteWorkspaceDatabase.ReaderCommand(connection, transaction, """
                SELECT id FROM session_tasks WHERE session_id = $id AND ordinal = $ordinal ORDER BY id;
                """).With("$id", sessionId.Value).With("$ordinal", ordinal).ExecuteReader();
            var found = new List<string>();
            while (reader.Read())
            {
                found.Add(reader.GetString(0));
            }

            return found;
        }, cancellationToken);
        return Task.FromResult(ids);
    }
}
