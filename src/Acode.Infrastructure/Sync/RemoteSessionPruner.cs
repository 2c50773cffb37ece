using Acode.Application.Outbox;
using Acode.Application.Serialization;
using Acode.Domain.Time;
using Npgsql;
using NpgsqlTypes;

namespace Acode.Infrastructure.Sync;

/// <summary>
/// Tombstones sessions in PostgreSQL that were last changed before a cutoff (<c>acode db prune --remote</c>), whichever
/// workspace wrote them. Each one becomes the deletion record this workspace's store would have written for it (base version
/// = the stored version, version + 1, <c>updated_at</c> from the clock past the stored one, origin = this workspace) and goes
/// through <see cref="PostgresOutboxApplier"/> like any delivered record: the same idempotency keys in <c>sync_applied</c>,
/// the same conflict rule as the prune's deletions delivered from the outbox (it carries the cutoff and the states, so a
/// change that lands meanwhile is kept), the same tombstone and removal of the children. So every workspace converges on
/// it exactly as on a deletion made in one of them.
/// </summary>
internal sealed class RemoteSessionPruner
{
    private const int BatchSize = 500;

    // The cutoff by hlc, exact to 100 ns as ConflictRule judges a prune deletion ($7); updated_at (microseconds, the keyset's
    // index) at most the cutoff's microsecond narrows the scan to the same rows.
    private const string SelectSql = """
        SELECT id, title, goal, state, version, document->>'createdAt', document->>'updatedAt', updated_at, hlc
        FROM sessions
        WHERE deleted_at IS NULL AND updated_at <= $1 AND hlc < $7 AND (cardinality($2::text[]) = 0 OR state = ANY($2))
          AND NOT (id = ANY($3)) AND (updated_at, id) > ($4, $5)
        ORDER BY updated_at, id
        LIMIT $6;
        """;

    private const string OutsideSql = """
        SELECT id FROM sessions
        WHERE id = ANY($1) AND deleted_at IS NULL AND (hlc >= $2 OR (cardinality($3::text[]) > 0 AND NOT state = ANY($3)))
        ORDER BY id;
        """;

    private readonly NpgsqlDataSource _dataSource;
    private readonly PostgresOutboxApplier _applier;
    private readonly HybridClock _clock;
    private readonly string _origin;

    public RemoteSessionPruner(NpgsqlDataSource dataSource, PostgresOutboxApplier applier, HybridClock clock, string origin)
    {
        _dataSource = dataSource;
        _applier = applier;
        _clock = clock;
        _origin = origin;
    }

    /// <summary>Tombstones the live sessions changed before <paramref name="before"/> (in <paramref name="states"/> when any), except <paramref name="exclude"/>.</summary>
    /// <returns>The ids tombstoned (with <paramref name="dryRun"/>: that would be); a session a concurrent change kept alive is not among them.</returns>
    public async Task<IReadOnlyList<string>> TombstoneAsync(DateTimeOffset before, IReadOnlyCollection<SessionState> states, IReadOnlyCollection<string> exclude, bool dryRun, CancellationToken cancellationToken)
    {
        var tombstoned = new List<string>();
        string[] stateNames = states.Distinct().Select(s => s.ToString()).ToArray();
        string[] excluded = exclude.ToArray();
        DateTime afterTime = DateTime.MinValue;
        string afterId = string.Empty;
        while (true)
        {
            List<Stored> batch;
            NpgsqlConnection connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                var command = new NpgsqlCommand(SelectSql, connection);
                await using var commandScope = command.ConfigureAwait(false);
                command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.TimestampTz, Value = before.UtcDateTime });
                command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = stateNames });
                command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = excluded });
                command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.TimestampTz, Value = DateTime.SpecifyKind(afterTime, DateTimeKind.Utc) });
                command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = afterId });
                command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Integer, Value = BatchSize });
                command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bigint, Value = before.UtcTicks });
                batch = await ReadAsync(command, cancellationToken).ConfigureAwait(false);
            }

            if (batch.Count == 0)
            {
                return tombstoned;
            }

            (afterTime, afterId) = (batch[^1].UpdatedAt, batch[^1].Document.Id);

            if (dryRun)
            {
                tombstoned.AddRange(batch.Select(d => d.Document.Id));
                continue;
            }

            tombstoned.AddRange(await ApplyAsync(batch, before, stateNames, cancellationToken).ConfigureAwait(false));
        }
    }

    /// <summary>
    /// Of <paramref name="ids"/> (the local copies a prune removes), the sessions whose version in PostgreSQL the prune does
    /// not cover: live there and changed at or after <paramref name="before"/> (by hlc, exact to 100 ns, as
    /// <see cref="ConflictRule"/> judges a prune deletion), or in a state outside <paramref name="states"/> when any are given.
    /// </summary>
    public async Task<IReadOnlyList<string>> OutsidePruneAsync(IReadOnlyCollection<string> ids, DateTimeOffset before, IReadOnlyCollection<SessionState> states, CancellationToken cancellationToken)
    {
        if (ids.Count == 0)
        {
            return [];
        }

        NpgsqlConnection connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var command = new NpgsqlCommand(OutsideSql, connection);
            await using var commandScope = command.ConfigureAwait(false);
            command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = ids.ToArray() });
            command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bigint, Value = before.UtcTicks });
            command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = states.Distinct().Select(s => s.ToString()).ToArray() });
            var outside = new List<string>();
            NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using var readerScope = reader.ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                outside.Add(reader.GetString(0));
            }

            return outside;
        }
    }

    /// <summary>Applies the deletions of <paramref name="stored"/> as a prune with cutoff <paramref name="before"/> taking <paramref name="states"/> (none: any); returns the ids tombstoned.</summary>
    private async Task<IEnumerable<string>> ApplyAsync(List<Stored> stored, DateTimeOffset before, string[] states, CancellationToken cancellationToken)
    {
        List<OutboxRecord> records = stored.Select((s, i) => DeletionOf(s.Document, s.Hlc, -(i + 1), before, states)).ToList();
        BatchApplyResult result = await _applier.ApplyAsync(records, cancellationToken).ConfigureAwait(false);
        return records.Where(r => result.Outcomes[r.Id] is ApplyOutcome.Applied or ApplyOutcome.ConflictWon).Select(r => r.EntityId);
    }

    /// <summary>Reads the sessions a select of <see cref="SelectSql"/>'s columns returns.</summary>
    private static async Task<List<Stored>> ReadAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var stored = new List<Stored>();
        NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using var readerScope = reader.ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            stored.Add(new Stored(
                new SessionDocument
                {
                    Id = reader.GetString(0), Title = reader.GetString(1), Goal = reader.IsDBNull(2) ? null : reader.GetString(2),
                    State = reader.GetString(3), Version = reader.GetInt64(4), CreatedAt = reader.GetString(5), UpdatedAt = reader.GetString(6),
                },
                reader.GetDateTime(7),
                reader.GetInt64(8)));
        }

        return stored;
    }

    /// <summary>
    /// The deletion record the store writes for a session a prune removes (see <c>SqliteRunStateStore.DeleteWithRecord</c>),
    /// for the stored version: based on it, its number and its stamp <paramref name="storedHlc"/>, carrying the prune
    /// (<see cref="OutboxRecord.PrunedBefore"/>, <see cref="OutboxRecord.PrunedStates"/>) as a deletion the prune leaves
    /// in the outbox does, so <see cref="ConflictRule"/> judges both alike.
    /// </summary>
    private OutboxRecord DeletionOf(SessionDocument stored, long storedHlc, long id, DateTimeOffset before, string[] states)
    {
        DateTimeOffset stamp = _clock.Next(UtcTimestamp.Parse(stored.UpdatedAt));
        var tombstone = new SessionDocument
        {
            Id = stored.Id, Title = stored.Title, Goal = stored.Goal, State = stored.State,
            Version = stored.Version + 1, CreatedAt = stored.CreatedAt, UpdatedAt = UtcTimestamp.Format(stamp),
        };
        DateTimeOffset now = _clock.TimeProvider.GetUtcNow();
        return new OutboxRecord(
            id, IdempotencyKey.For(EntityType.Session, stored.Id, stamp), EntityType.Session, stored.Id, stored.Id, OutboxOperation.Delete,
            stored.Version, tombstone.Version, _origin, EntityJson.Serialize(tombstone), OutboxStatus.Pending, 0, null, null, null, null, now, now, null, stamp)
        {
            BaseChangedAt = new DateTimeOffset(storedHlc, TimeSpan.Zero),
            PrunedBefore = before,
            PrunedStates = states,
        };
    }

    /// <summary>A live session as PostgreSQL holds it: its document, <c>updated_at</c> (the keyset) and hlc.</summary>
    private sealed record Stored(SessionDocument Document, DateTime UpdatedAt, long Hlc);
}
