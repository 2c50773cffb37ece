using Acode.Application.Outbox;
using Acode.Application.Serialization;
using Microsoft.Data.Sqlite;

namespace Acode.Infrastructure.Sqlite;

internal sealed partial class SqliteOutbox
{
    private const string BacklogSql = """
        SELECT count(*), max(l.lease_until)
        FROM outbox_leases l JOIN outbox o ON o.id = l.outbox_id
        WHERE o.status = 'Pending' AND l.lease_until >= $now AND l.owner <> $owner;
        """;

    public Task<OutboxBacklog> GetBacklogAsync(string owner, CancellationToken cancellationToken = default)
        => Task.FromResult(GetBacklog(owner, cancellationToken));

    /// <summary>As <see cref="GetBacklogAsync"/>, for a caller that cannot await (a sync loop's per-run callback).</summary>
    internal OutboxBacklog GetBacklog(string owner, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        string now = UtcTimestamp.Format(_database.Time.GetUtcNow());
        // Both statements in one read transaction: the same snapshot of the WAL.
        return _database.Read((connection, transaction) =>
        {
            OutboxStatistics statistics = ReadStatistics(connection, transaction);
            using SqliteCommand command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = BacklogSql;
            command.Parameters.AddWithValue("$now", now);
            command.Parameters.AddWithValue("$owner", owner);
            using SqliteDataReader reader = command.ExecuteReader();
            reader.Read();
            long leased = reader.GetInt64(0);
            return new OutboxBacklog(statistics, leased, leased == 0 ? null : OptionalTimestamp(reader, 1));
        }, cancellationToken);
    }
}
