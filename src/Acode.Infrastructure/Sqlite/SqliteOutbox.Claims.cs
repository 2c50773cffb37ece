using Acode.Application.Outbox;
using Acode.Application.Serialization;
using Microsoft.Data.Sqlite;

namespace Acode.Infrastructure.Sqlite;

public sealed partial class SqliteOutbox
{
    // Due, pending, not leased to a live owner, and no older pending record of the same entity that cannot be
    // claimed now (leased elsewhere, or waiting for its retry): one entity's changes are never applied out of order.
    // Older records that are claimable come first in id order, so they are in the same batch.
    private const string ClaimSql = $"""
        UPDATE outbox SET lease_owner = $owner, lease_until = $until, updated_at = $now
        WHERE id IN (
            SELECT o.id FROM outbox o
            WHERE o.status = 'Pending' AND o.next_attempt_at <= $now AND (o.lease_until IS NULL OR o.lease_until < $now)
              AND NOT EXISTS (
                  SELECT 1 FROM outbox p
                  WHERE p.entity_id = o.entity_id AND p.id < o.id AND p.status = 'Pending'
                    AND (p.next_attempt_at > $now OR p.lease_until >= $now))
            ORDER BY o.id
            LIMIT $limit)
        RETURNING {Columns};
        """;

    public async Task<IReadOnlyList<OutboxRecord>> ClaimAsync(string owner, int limit, TimeSpan lease, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        DateTimeOffset now = _database.Time.GetUtcNow();
        List<OutboxRecord> records = await _database.WriteAsync((transaction, commands) =>
        {
            SqliteCommand command = commands.Get(ClaimSql, transaction)
                .With("$owner", owner).With("$until", UtcTimestamp.Format(now + lease)).With("$now", UtcTimestamp.Format(now)).With("$limit", limit);
            var list = new List<OutboxRecord>(limit);
            using (SqliteDataReader reader = command.ExecuteReader())
            {
                while (reader.Read())
                {
                    list.Add(ReadRecord(reader));
                }
            }

            return list;
        }, cancellationToken).ConfigureAwait(false);

        // RETURNING does not promise an order.
        records.Sort((a, b) => a.Id.CompareTo(b.Id));
        return records;
    }

    public Task<int> AcknowledgeAsync(string owner, IReadOnlyCollection<long> ids, CancellationToken cancellationToken = default)
        => ForEachLeased(owner, ids, "UPDATE outbox SET status = 'Processed', processed_at = $now, updated_at = $now, lease_owner = NULL, lease_until = NULL, last_error = NULL WHERE id = $id AND lease_owner = $owner AND status = 'Pending';", cancellationToken);

    public Task<int> ReleaseAsync(string owner, IReadOnlyCollection<long> ids, CancellationToken cancellationToken = default)
        => ForEachLeased(owner, ids, "UPDATE outbox SET lease_owner = NULL, lease_until = NULL, updated_at = $now WHERE id = $id AND lease_owner = $owner AND status = 'Pending';", cancellationToken);

    public async Task RecordFailureAsync(string owner, long id, string error, DateTimeOffset nextAttemptAt, bool deadLetter, CancellationToken cancellationToken = default)
    {
        string now = UtcTimestamp.Format(_database.Time.GetUtcNow());
        await _database.WriteAsync((transaction, commands) => commands.Get("""
                UPDATE outbox SET attempts = attempts + 1, last_error = $error, next_attempt_at = $next, status = $status,
                                  lease_owner = NULL, lease_until = NULL, updated_at = $now
                WHERE id = $id AND lease_owner = $owner AND status = 'Pending';
                """, transaction)
            .With("$error", error).With("$next", UtcTimestamp.Format(nextAttemptAt)).With("$status", deadLetter ? "Failed" : "Pending")
            .With("$now", now).With("$id", id).With("$owner", owner)
            .ExecuteNonQuery(), cancellationToken).ConfigureAwait(false);
    }

    public Task<int> RequeueFailedAsync(long? id, CancellationToken cancellationToken = default)
    {
        string now = UtcTimestamp.Format(_database.Time.GetUtcNow());
        return _database.WriteAsync((transaction, commands) => commands.Get("""
                UPDATE outbox SET status = 'Pending', attempts = 0, next_attempt_at = $now, updated_at = $now, lease_owner = NULL, lease_until = NULL
                WHERE status = 'Failed' AND ($id IS NULL OR id = $id);
                """, transaction)
            .With("$now", now).With("$id", id)
            .ExecuteNonQuery(), cancellationToken);
    }

    public Task<int> RequeueProcessedAsync(CancellationToken cancellationToken = default)
    {
        string now = UtcTimestamp.Format(_database.Time.GetUtcNow());
        return _database.WriteAsync((transaction, commands) => commands.Get("""
                UPDATE outbox SET status = 'Pending', processed_at = NULL, attempts = 0, next_attempt_at = $now, updated_at = $now, lease_owner = NULL, lease_until = NULL
                WHERE status = 'Processed';
                """, transaction)
            .With("$now", now)
            .ExecuteNonQuery(), cancellationToken);
    }

    private Task<int> ForEachLeased(string owner, IReadOnlyCollection<long> ids, string sql, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        if (ids.Count == 0)
        {
            return Task.FromResult(0);
        }

        string now = UtcTimestamp.Format(_database.Time.GetUtcNow());
        return _database.WriteAsync((transaction, commands) =>
        {
            int changed = 0;
            foreach (long id in ids)
            {
                changed += commands.Get(sql, transaction).With("$now", now).With("$id", id).With("$owner", owner).ExecuteNonQuery();
            }

            return changed;
        }, cancellationToken);
    }
}
