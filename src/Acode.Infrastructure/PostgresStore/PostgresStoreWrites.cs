using Acode.Application.Serialization;
using Acode.Infrastructure.Blobs;
using Acode.Infrastructure.Sync;
using Npgsql;
using NpgsqlTypes;

namespace Acode.Infrastructure.PostgresStore;

/// <summary>
/// The rows one transaction of <see cref="PostgresRunStateStore"/> writes, collected and then written set-based: one
/// upsert per mirror table (<see cref="MirrorTable.StoreSql"/>, the versions were checked under row locks first) and one
/// insert of their idempotency keys into <c>sync_applied</c> under the writer's origin.
/// </summary>
internal sealed class PostgresStoreWrites(int blobThresholdBytes)
{
    private readonly List<(EntityType Type, string Id, string Json, long Hlc, bool Deleted)> _rows = [];
    private readonly Dictionary<string, byte[]> _blobs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _lastEventSequence = new(StringComparer.Ordinal);

    public int Count => _rows.Count;

    /// <summary>The highest event sequence staged for <paramref name="sessionId"/> and not yet flushed; 0 when none.</summary>
    public long LastStagedSequence(string sessionId) => _lastEventSequence.GetValueOrDefault(sessionId);

    /// <summary>Stages one version; <paramref name="updatedAt"/> must be the document's <c>updatedAt</c> (its exact ticks become <c>hlc</c>).</summary>
    public void Add(EntityType type, EntityDocument document, DateTimeOffset updatedAt, bool deleted)
    {
        if (document is SessionEventDocument evt && evt.Sequence > LastStagedSequence(evt.SessionId))
        {
            _lastEventSequence[evt.SessionId] = evt.Sequence;
        }

        // The stored form: large content goes to blobs, written before the rows that name them (docs/storage.md).
        EntityDocument stored = DocumentBlobs.Externalize(document, blobThresholdBytes, (hash, raw) => _blobs[hash] = raw);
        _rows.Add((type, document.Id, PostgresText.Sanitize(EntityJson.Serialize(stored)), updatedAt.UtcTicks, deleted));
    }

    /// <summary>Writes the staged rows and their keys in one round trip (a batch: one upsert per table, then the keys), after the blobs they name.</summary>
    public async Task FlushAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string origin, CancellationToken cancellationToken)
    {
        if (_rows.Count == 0)
        {
            return;
        }

        await PutBlobsAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
        var batch = new NpgsqlBatch(connection, transaction);
        await using var batchScope = batch.ConfigureAwait(false);
        AddStatementsTo(batch, origin);
        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Inserts the staged blobs the database does not hold yet (<see cref="PostgresBlobs.PutAsync"/>); no round trip when none is staged.</summary>
    public Task PutBlobsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
        => PostgresBlobs.PutAsync(connection, transaction, _blobs, cancellationToken);

    /// <summary>Appends to <paramref name="batch"/> the statements writing the staged rows (one upsert per table) and their keys; nothing when none is staged.</summary>
    public void AddStatementsTo(NpgsqlBatch batch, string origin)
    {
        if (_rows.Count == 0)
        {
            return;
        }

        foreach (IGrouping<EntityType, (EntityType Type, string Id, string Json, long Hlc, bool Deleted)> byType in _rows.GroupBy(r => r.Type))
        {
            if (byType.Count() == 1)
            {
                (EntityType _, string _, string json, long hlc, bool deleted) = byType.First();
                batch.BatchCommands.Add(new NpgsqlBatchCommand(MirrorTable.For(byType.Key).StoreOneSql)
                {
                    Parameters =
                    {
                        new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Jsonb, Value = json },
                        new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bigint, Value = hlc },
                        PostgresRunStateStore.Text(origin),
                        new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Boolean, Value = deleted },
                    },
                });
                continue;
            }

            var upsert = new NpgsqlBatchCommand(MirrorTable.For(byType.Key).StoreSql);
            upsert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb, Value = byType.Select(r => r.Json).ToArray() });
            upsert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint, Value = byType.Select(r => r.Hlc).ToArray() });
            upsert.Parameters.Add(PostgresRunStateStore.TextArray(byType.Select(_ => origin)));
            upsert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Boolean, Value = byType.Select(r => r.Deleted).ToArray() });
            batch.BatchCommands.Add(upsert);
        }

        batch.BatchCommands.Add(HeldCommand(_rows.Select(r => (r.Type, r.Id, r.Hlc)).ToList(), origin));
    }

    /// <summary>
    /// Records in <c>sync_applied</c> that <paramref name="origin"/> holds these exact versions (key <c>Type:id:updated_at</c>),
    /// which is what <see cref="ConflictRule"/> asks when that origin's next change to them arrives (a continuation, not a conflict).
    /// </summary>
    internal static async Task RecordHeldAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, IReadOnlyList<(EntityType Type, string Id, long Hlc)> versions, string origin, CancellationToken cancellationToken)
    {
        if (versions.Count == 0)
        {
            return;
        }

        var batch = new NpgsqlBatch(connection, transaction) { BatchCommands = { HeldCommand(versions, origin) } };
        await using var batchScope = batch.ConfigureAwait(false);
        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static NpgsqlBatchCommand HeldCommand(IReadOnlyList<(EntityType Type, string Id, long Hlc)> versions, string origin)
    {
        var keys = new NpgsqlBatchCommand("""
            INSERT INTO sync_applied (idempotency_key, entity_type, entity_id, origin, outcome)
            SELECT k, t, i, $4, 'Applied' FROM unnest($1::text[], $2::text[], $3::text[]) AS u(k, t, i)
            ON CONFLICT (idempotency_key, origin) DO NOTHING;
            """);
        keys.Parameters.Add(PostgresRunStateStore.TextArray(versions.Select(r => PostgresOutboxApplier.KeyOf(r.Type, r.Id, r.Hlc))));
        keys.Parameters.Add(PostgresRunStateStore.TextArray(versions.Select(r => r.Type.ToString())));
        keys.Parameters.Add(PostgresRunStateStore.TextArray(versions.Select(r => r.Id)));
        keys.Parameters.Add(PostgresRunStateStore.Text(origin));
        return keys;
    }
}
