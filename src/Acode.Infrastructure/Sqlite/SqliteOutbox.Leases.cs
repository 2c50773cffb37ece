using Acode.Application.Serialization;
using Microsoft.Data.Sqlite;

namespace Acode.Infrastructure.Sqlite;

internal sealed partial class SqliteOutbox
{
    private const string LeasedElsewhereSql = """
        SELECT count(*), max(l.lease_until)
        FROM outbox_leases l JOIN outbox o ON o.id = l.outbox_id
        WHERE o.status = 'Pending' AND l.lease_until >= $now AND l.owner <> $owner;
        """;

    public Task<(long Count, DateTimeOffset? Until)> GetLeasedElsewhereAsync(string owner, CancellationToken cancellationToken = default)
        => Task.FromResult(GetLeasedElsewhere(owner, cancellationToken));

    /// <summary>As <see cref="GetLeasedElsewhereAsync"/>, for a caller that cannot await (a sync loop's per-run callback).</summary>
    internal (long Count, DateTimeOffset? Until) GetLeasedElsewhere(string owner, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        string now = UtcTimestamp.Format(_database.Time.GetUtcNow());
        return _database.Read((connection, transaction) =>
        {
            using SqliteCommand command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = LeasedElsewhereSql;
            command.Parameters.AddWithValue("$now", now);
            command.Parameters.AddWithValue("$owner", owner);
            using SqliteDataReader reader = command.ExecuteReader();
            reader.Read();
            return (reader.GetInt64(0), OptionalTimestamp(reader, 1));
        }, cancellationToken);
    }
}
