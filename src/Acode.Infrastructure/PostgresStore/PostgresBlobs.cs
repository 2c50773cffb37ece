using Acode.Infrastructure.Blobs;
using Npgsql;
using NpgsqlTypes;

namespace Acode.Infrastructure.PostgresStore;

/// <summary>
/// The shared database's <c>blobs</c> table (schema 1.5.0, docs/storage.md): which blobs it holds, inserting new ones with
/// their search words (1.6.0) (<c>ON CONFLICT DO NOTHING</c>: content-addressed, so a blob another writer inserted first is the same bytes), and
/// reading them back whole. Used by the sync (<see cref="Sync.PostgresBlobUploader"/>) and the PostgreSQL store.
/// </summary>
internal static class PostgresBlobs
{
    /// <summary>
    /// Which of <paramref name="hashes"/> the database holds, locked (<c>FOR KEY SHARE</c>) until the caller's transaction
    /// ends so the housekeeping sweep (<see cref="Sync.PostgresBlobSweeper"/>) cannot remove a blob this transaction names.
    /// </summary>
    public static async Task<HashSet<string>> ExistingAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, IReadOnlyCollection<string> hashes, CancellationToken cancellationToken)
    {
        var found = new HashSet<string>(StringComparer.Ordinal);
        if (hashes.Count == 0)
        {
            return found;
        }

        var command = new NpgsqlCommand("SELECT hash FROM blobs WHERE hash = ANY($1) FOR KEY SHARE;", connection, transaction);
        await using var commandScope = command.ConfigureAwait(false);
        command.Parameters.Add(PostgresRunStateStore.TextArray(hashes));
        NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using var readerScope = reader.ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            found.Add(reader.GetString(0));
        }

        return found;
    }

    /// <summary>
    /// Inserts blobs in their stored form (codec and compressed bytes) with their search words (schema 1.6.0), made from
    /// <paramref name="searchTexts"/> (<see cref="PostgresBlobSearchWords.TextOf(StoredBlob)"/>, one per blob, null for a
    /// blob that is not text); those already there are left as they are.
    /// </summary>
    public static async Task InsertAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, IReadOnlyList<StoredBlob> blobs, IReadOnlyList<string?> searchTexts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(blobs);
        ArgumentNullException.ThrowIfNull(searchTexts);
        if (searchTexts.Count != blobs.Count)
        {
            throw new ArgumentException("One search text (or null) per blob.", nameof(searchTexts));
        }

        if (blobs.Count == 0)
        {
            return;
        }

        var command = new NpgsqlCommand($"""
            INSERT INTO blobs (hash, codec, raw_length, content, search_words)
            SELECT u.hash, u.codec, u.raw_length, u.content, {PostgresBlobSearchWords.FromText("u.text")}
            FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bytea[], $5::text[]) AS u(hash, codec, raw_length, content, text)
            ON CONFLICT (hash) DO NOTHING;
            """, connection, transaction);
        await using var commandScope = command.ConfigureAwait(false);
        command.Parameters.Add(PostgresRunStateStore.TextArray(blobs.Select(b => b.Hash)));
        command.Parameters.Add(PostgresRunStateStore.TextArray(blobs.Select(b => b.Codec)));
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint, Value = blobs.Select(b => b.RawLength).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea, Value = blobs.Select(b => b.Content).ToArray() });
        command.Parameters.Add(PostgresBlobSearchWords.TextsParameter(searchTexts));
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Compresses and inserts, with their search words, the raw blobs the database does not hold yet (the PostgreSQL store's saves).</summary>
    public static async Task PutAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, IReadOnlyDictionary<string, byte[]> raw, CancellationToken cancellationToken)
    {
        if (raw.Count == 0)
        {
            return;
        }

        HashSet<string> existing = await ExistingAsync(connection, transaction, raw.Keys.ToArray(), cancellationToken).ConfigureAwait(false);
        var blobs = new List<StoredBlob>();
        var texts = new List<string?>();
        foreach ((string hash, byte[] bytes) in raw.Where(b => !existing.Contains(b.Key)).OrderBy(b => b.Key, StringComparer.Ordinal))
        {
            (string codec, byte[] content) = BlobCodec.Compress(bytes);
            blobs.Add(new StoredBlob(hash, codec, bytes.LongLength, content));
            texts.Add(PostgresBlobSearchWords.TextOf(bytes));
        }

        await InsertAsync(connection, transaction, blobs, texts, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Each of <paramref name="hashes"/> the database holds, in its stored form, by hash; the caller decodes it
    /// (<see cref="BlobCodec.Decompress"/>) and reports a blob that does not decode as damaged.
    /// </summary>
    public static async Task<Dictionary<string, StoredBlob>> ReadAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, IReadOnlyCollection<string> hashes, CancellationToken cancellationToken)
    {
        var found = new Dictionary<string, StoredBlob>(StringComparer.Ordinal);
        if (hashes.Count == 0)
        {
            return found;
        }

        var command = new NpgsqlCommand("SELECT hash, codec, raw_length, content FROM blobs WHERE hash = ANY($1);", connection, transaction);
        await using var commandScope = command.ConfigureAwait(false);
        command.Parameters.Add(PostgresRunStateStore.TextArray(hashes.Distinct(StringComparer.Ordinal)));
        NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using var readerScope = reader.ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            StoredBlob blob = ReadStored(reader);
            found[blob.Hash] = blob;
        }

        return found;
    }

    /// <summary>The blob in the reader's current row, whose columns are <c>hash, codec, raw_length, content</c>.</summary>
    public static StoredBlob ReadStored(NpgsqlDataReader reader)
        => new(reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.GetFieldValue<byte[]>(3));
}
