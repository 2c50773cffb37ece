using Acode.Application.Errors;
using Acode.Application.Serialization;

namespace Acode.Infrastructure.Sqlite;

/// <summary>
/// Reads the outbox backlog live for the observable gauges of <see cref="AcodeMetrics"/>: each value is one index search
/// (the status index), whatever the size of the outbox, on a pooled reader connection with a prepared statement.
/// </summary>
/// <remarks>A value that cannot be read (the database is closed, locked or damaged) is null: the gauge then reports
/// nothing for that observation rather than a stale or made-up number.</remarks>
internal sealed class OutboxBacklogReader(SqliteWorkspaceDatabase database)
{
    internal const string PendingSql = "SELECT count(*) FROM outbox WHERE status = 'Pending';";
    internal const string DeadLettersSql = "SELECT count(*) FROM outbox WHERE status = 'Failed';";
    internal const string OldestPendingSql = "SELECT created_at FROM outbox WHERE status = 'Pending' ORDER BY id LIMIT 1;";

    /// <summary>Records waiting for delivery (status <c>Pending</c>, retries included).</summary>
    public long? Pending() => Scalar(PendingSql) is long count ? count : null;

    /// <summary>Records dead-lettered (status <c>Failed</c>).</summary>
    public long? DeadLetters() => Scalar(DeadLettersSql) is long count ? count : null;

    /// <summary>Seconds since the oldest pending record was written; 0 when nothing is pending; null when unreadable.</summary>
    public double? OldestPendingAgeSeconds()
    {
        object? value = Scalar(OldestPendingSql);
        return value switch
        {
            null => null,
            DBNull => 0,
            string createdAt => Math.Max(0, (database.Time.GetUtcNow() - UtcTimestamp.Parse(createdAt)).TotalSeconds),
            _ => null,
        };
    }

    /// <returns>The first column of the first row, <see cref="DBNull"/> when there is no row, null when the read failed.</returns>
    private object? Scalar(string sql)
    {
        if (database.IsDisposed)
        {
            return null;
        }

        try
        {
            return database.Read((connection, transaction) =>
                SqliteWorkspaceDatabase.ReaderCommand(connection, transaction, sql).ExecuteScalar() ?? DBNull.Value, CancellationToken.None);
        }
        catch (Exception ex) when (ex is AcodeDbException or ObjectDisposedException or InvalidOperationException)
        {
            return null;
        }
    }
}
