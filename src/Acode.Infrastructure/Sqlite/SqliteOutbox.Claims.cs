using Acode.Application.Outbox;
using Acode.Application.Serialization;
using System.Text;
using Microsoft.Data.Sqlite;

namespace Acode.Infrastructure.Sqlite;

internal sealed partial class SqliteOutbox
{
    // Due, pending, not leased to a live owner, and no older pending record of the same entity that cannot be
    // claimed now (leased elsewhere, or waiting for its retry): one entity's changes are never applied out of order.
    // Older records that are claimable come first in id order, so they are in the same batch.
    // The records come whole, in id order, and the claim stops reading at the byte bound: a record beyond it is never
    // read, and a document that refers to its row (schema 1.7.0) is rebuilt once. The lease columns are the lease this
    // claim is about to write.
    // Nor a record of a session another owner holds a live lease in (a sync running elsewhere, or one killed before it gave
    // its batch back): its records may be parents of this one (a step before its tool calls), and PostgreSQL must never
    // hold a child without its parent, which readers could not place. They wait at most the lease; the set is read once
    // per claim from the leases (the batches in flight), never from the backlog. This owner's own batch in flight does not
    // hold its sessions back: it is applied before the batch claimed now.
    // An entity's older records are found through ix_outbox_entity, named: without statistics SQLite prefers
    // ix_outbox_status (status = ? AND id < ?), which walks every pending record before this one, so a claim of n
    // records from a backlog read n²/2 index entries (schema 1.11.0's (entity_id, hlc) index no longer matches id < ?).
    private const string ClaimSql = $"""
        SELECT o.id, o.hlc, o.entity_type, o.entity_id, o.session_id, o.operation, o.base_version, o.version, o.origin, {PayloadSql},
               o.status, o.attempts, o.next_attempt_at, o.last_error, $owner, $until, o.created_at, o.updated_at, o.processed_at, o.base_hlc, o.pruned_before, o.pruned_states
        FROM outbox o
        WHERE o.status = 'Pending' AND o.next_attempt_at <= $now
          AND NOT EXISTS (SELECT 1 FROM outbox_leases l WHERE l.outbox_id = o.id AND l.lease_until >= $now)
          AND NOT EXISTS (
              SELECT 1 FROM outbox p INDEXED BY ix_outbox_entity
              WHERE p.entity_id = o.entity_id AND p.id < o.id AND p.status = 'Pending'
                AND (p.next_attempt_at > $now
                     OR EXISTS (SELECT 1 FROM outbox_leases pl WHERE pl.outbox_id = p.id AND pl.lease_until >= $now)))
          AND o.session_id NOT IN (
              SELECT h.session_id FROM outbox_leases hl JOIN outbox h ON h.id = hl.outbox_id
              WHERE hl.owner <> $owner AND hl.lease_until >= $now AND h.status = 'Pending')
        ORDER BY o.id
        LIMIT $limit;
        """;

    // A record that refers to a row which no longer holds its version: the row was changed or removed in a way that
    // skipped the triggers of 1.7.0 (dropped and re-created by hand while the row changed). The version is lost, so the
    // record is dead-lettered with what happened instead of delivering another version.
    private const string UnrebuildableSql = """
        UPDATE outbox SET status = 'Failed', attempts = attempts + 1, updated_at = $now,
                          last_error = 'Cannot be delivered: its row was changed or removed outside acode in a way that skipped the outbox triggers of schema 1.7.0, so this version of it is lost. To send the row as it is now, save the entity again; run ''acode db check'' to check the database.'
        WHERE id IN (SELECT value FROM json_each($ids)) AND status = 'Pending';
        """;

    // An expired lease of a crashed owner is replaced, not added to.
    private const string LeaseSql = """
        INSERT INTO outbox_leases (outbox_id, owner, lease_until, created_at, updated_at)
        SELECT value, $owner, $until, $now, $now FROM json_each($ids) WHERE true
        ON CONFLICT (outbox_id) DO UPDATE SET owner = excluded.owner, lease_until = excluded.lease_until,
                                              created_at = excluded.created_at, updated_at = excluded.updated_at;
        """;

    // Whoever still holds the lease row may finish the record, also after lease_until, as long as nobody took it over.
    private const string HeldByOwner = "EXISTS (SELECT 1 FROM outbox_leases l WHERE l.outbox_id = outbox.id AND l.owner = $owner)";

    // A batch at once: one statement per batch, not two per record (the sync's local side, docs/performance.md).
    private const string AcknowledgeSql = $"""
        UPDATE outbox SET status = 'Processed', processed_at = $now, updated_at = $now, last_error = NULL
        WHERE id IN (SELECT value FROM json_each($ids)) AND status = 'Pending' AND {HeldByOwner};
        """;

    private const string DropLeasesSql = "DELETE FROM outbox_leases WHERE outbox_id IN (SELECT value FROM json_each($ids)) AND owner = $owner;";

    private const string FailSql = $"""
        UPDATE outbox SET attempts = attempts + 1, last_error = $error, next_attempt_at = $next, status = $status, updated_at = $now
        WHERE id = $id AND status = 'Pending' AND {HeldByOwner};
        """;

    private const string ReleaseSql = """
        DELETE FROM outbox_leases
        WHERE outbox_id IN (SELECT value FROM json_each($ids)) AND owner = $owner
          AND EXISTS (SELECT 1 FROM outbox o WHERE o.id = outbox_leases.outbox_id AND o.status = 'Pending');
        """;

    private const string DropLeaseSql = "DELETE FROM outbox_leases WHERE outbox_id = $id AND owner = $owner;";

    public Task<IReadOnlyList<OutboxRecord>> ClaimAsync(string owner, int limit, TimeSpan lease, CancellationToken cancellationToken = default)
        => ClaimAsync(owner, limit, long.MaxValue, lease, cancellationToken);

    public Task<IReadOnlyList<OutboxRecord>> ClaimAsync(string owner, int limit, long maxBytes, TimeSpan lease, CancellationToken cancellationToken = default)
        => AcknowledgeAndClaimAsync(owner, [], limit, maxBytes, lease, cancellationToken);

    public async Task<IReadOnlyList<OutboxRecord>> AcknowledgeAndClaimAsync(string owner, IReadOnlyCollection<long> acknowledge, int limit, long maxBytes, TimeSpan lease, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        ArgumentNullException.ThrowIfNull(acknowledge);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBytes, 1);
        DateTimeOffset now = _database.Time.GetUtcNow();
        string nowText = UtcTimestamp.Format(now);
        string until = UtcTimestamp.Format(now + lease);
        return await _database.WriteAsync((transaction, commands) =>
        {
            Acknowledge(transaction, commands, owner, acknowledge, nowText);
            return Claim(transaction, commands, owner, limit, maxBytes, nowText, until);
        }, cancellationToken).ConfigureAwait(false);
    }

    private static List<OutboxRecord> Claim(SqliteTransaction transaction, WriterCommands commands, string owner, int limit, long maxBytes, string nowText, string until)
    {
        var list = new List<OutboxRecord>(Math.Min(limit, 1024));
        List<long>? unrebuildable = null;
        long bytes = 0;
        using (SqliteDataReader reader = commands.Get(ClaimSql, transaction)
            .With("$now", nowText).With("$limit", limit).With("$owner", owner).With("$until", until)
            .ExecuteReader())
        {
            // The first record always goes, however large; the others while the batch stays within maxBytes.
            while (reader.Read())
            {
                if (reader.IsDBNull(9))
                {
                    (unrebuildable ??= []).Add(reader.GetInt64(0));
                    continue;
                }

                OutboxRecord record = ReadRecord(reader);
                long size = Encoding.UTF8.GetByteCount(record.Payload);
                if (list.Count > 0 && bytes + size > maxBytes)
                {
                    break;
                }

                list.Add(record);
                bytes += size;
            }
        }

        if (unrebuildable is not null)
        {
            commands.Get(UnrebuildableSql, transaction).WithJsonArray("$ids", unrebuildable).With("$now", nowText).ExecuteNonQuery();
        }

        if (list.Count > 0)
        {
            commands.Get(LeaseSql, transaction)
                .With("$ids", SqliteParameters.JsonArray(list.Select(r => r.Id))).With("$owner", owner).With("$until", until).With("$now", nowText)
                .ExecuteNonQuery();
        }

        return list;
    }

    /// <summary>Marks the records still leased to <paramref name="owner"/> processed and drops their leases.</summary>
    private static int Acknowledge(SqliteTransaction transaction, WriterCommands commands, string owner, IReadOnlyCollection<long> ids, string now)
    {
        if (ids.Count == 0)
        {
            return 0;
        }

        string idArray = SqliteParameters.JsonArray(ids);
        int changed = commands.Get(AcknowledgeSql, transaction).With("$now", now).With("$ids", idArray).With("$owner", owner).ExecuteNonQuery();
        commands.Get(DropLeasesSql, transaction).With("$ids", idArray).With("$owner", owner).ExecuteNonQuery();
        return changed;
    }

    public Task<int> AcknowledgeAsync(string owner, IReadOnlyCollection<long> ids, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ids);
        if (ids.Count == 0)
        {
            return Task.FromResult(0);
        }

        string now = UtcTimestamp.Format(_database.Time.GetUtcNow());
        return _database.WriteAsync((transaction, commands) => Acknowledge(transaction, commands, owner, ids, now), cancellationToken);
    }

    public Task<int> ReleaseAsync(string owner, IReadOnlyCollection<long> ids, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ids);
        if (ids.Count == 0)
        {
            return Task.FromResult(0);
        }

        return _database.WriteAsync((transaction, commands) => commands.Get(ReleaseSql, transaction)
            .WithJsonArray("$ids", ids).With("$owner", owner).ExecuteNonQuery(), cancellationToken);
    }

    public async Task RecordFailureAsync(string owner, long id, string error, DateTimeOffset nextAttemptAt, bool deadLetter, CancellationToken cancellationToken = default)
    {
        string now = UtcTimestamp.Format(_database.Time.GetUtcNow());
        await _database.WriteAsync((transaction, commands) =>
        {
            int changed = commands.Get(FailSql, transaction)
                .With("$error", error).With("$next", UtcTimestamp.Format(nextAttemptAt)).With("$status", deadLetter ? "Failed" : "Pending")
                .With("$now", now).With("$id", id).With("$owner", owner)
                .ExecuteNonQuery();
            commands.Get(DropLeaseSql, transaction).With("$id", id).With("$owner", owner).ExecuteNonQuery();
            return changed;
        }, cancellationToken).ConfigureAwait(false);
    }

    public Task<int> RequeueFailedAsync(long? id, CancellationToken cancellationToken = default)
    {
        string now = UtcTimestamp.Format(_database.Time.GetUtcNow());
        return _database.WriteAsync((transaction, commands) =>
        {
            commands.Get("""
                    DELETE FROM outbox_leases
                    WHERE EXISTS (SELECT 1 FROM outbox o WHERE o.id = outbox_leases.outbox_id AND o.status = 'Failed' AND ($id IS NULL OR o.id = $id));
                    """, transaction)
                .With("$id", id)
                .ExecuteNonQuery();
            return commands.Get("""
                    UPDATE outbox SET status = 'Pending', attempts = 0, next_attempt_at = $now, updated_at = $now
                    WHERE status = 'Failed' AND ($id IS NULL OR id = $id);
                    """, transaction)
                .With("$now", now).With("$id", id)
                .ExecuteNonQuery();
        }, cancellationToken);
    }

    public Task<int> RequeueProcessedAsync(CancellationToken cancellationToken = default)
    {
        string now = UtcTimestamp.Format(_database.Time.GetUtcNow());
        return _database.WriteAsync((transaction, commands) =>
        {
            commands.Get(
                    "DELETE FROM outbox_leases WHERE EXISTS (SELECT 1 FROM outbox o WHERE o.id = outbox_leases.outbox_id AND o.status = 'Processed');",
                    transaction)
                .ExecuteNonQuery();
            return commands.Get("""
                    UPDATE outbox SET status = 'Pending', processed_at = NULL, attempts = 0, next_attempt_at = $now, updated_at = $now
                    WHERE status = 'Processed';
                    """, transaction)
                .With("$now", now)
                .ExecuteNonQuery();
        }, cancellationToken);
    }

}
