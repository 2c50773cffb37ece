using Acode.Application.Serialization;
using Microsoft.Data.Sqlite;

namespace Acode.Infrastructure.Sqlite;

public sealed partial class SqliteWorkspaceDatabase
{
    /// <summary>The sync bookkeeping of this workspace (the <c>workspace</c> row).</summary>
    internal WorkspaceSyncState GetSyncState(CancellationToken cancellationToken = default) => Read((connection, transaction) =>
    {
        using SqliteCommand command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT hlc_floor, last_sync_at, last_sync_error FROM workspace WHERE id = 1;";
        using SqliteDataReader r = command.ExecuteReader();
        return r.Read()
            ? new WorkspaceSyncState(r.GetInt64(0), r.IsDBNull(1) ? null : UtcTimestamp.Parse(r.GetString(1)), r.IsDBNull(2) ? null : r.GetString(2))
            : new WorkspaceSyncState(0, null, null);
    }, cancellationToken);

    /// <summary>Records a successful delivery (clears the last error) and raises the clock floor to <paramref name="hlcFloor"/> ticks.</summary>
    internal Task RecordSyncSuccessAsync(DateTimeOffset at, long hlcFloor, CancellationToken cancellationToken)
        => WriteAsync((transaction, commands) => commands.Get(
                "UPDATE workspace SET last_sync_at = $at, last_sync_error = NULL, hlc_floor = max(hlc_floor, $floor), updated_at = $at WHERE id = 1;", transaction)
            .With("$at", UtcTimestamp.Format(at)).With("$floor", hlcFloor).ExecuteNonQuery(), cancellationToken);

    /// <summary>Records why the last sync attempt did not get through (shown by status; never holds secrets).</summary>
    internal Task RecordSyncErrorAsync(DateTimeOffset at, string error, CancellationToken cancellationToken)
        => WriteAsync((transaction, commands) => commands.Get(
                "UPDATE workspace SET last_sync_error = $error, updated_at = $at WHERE id = 1;", transaction)
            .With("$at", UtcTimestamp.Format(at)).With("$error", error).ExecuteNonQuery(), cancellationToken);
}
