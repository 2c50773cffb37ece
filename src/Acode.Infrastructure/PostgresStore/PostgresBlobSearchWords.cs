using Acode.Infrastructure.Blobs;
using Npgsql;
using NpgsqlTypes;

namespace Acode.Infrastructure.PostgresStore;

/// <summary>
/// <c>blobs.search_words</c> of the shared database (schema 1.6.0, docs/search.md): the words of a blob's text
/// (<see cref="BlobSearchText"/>) as the other fields' GIN indexes hold theirs, <c>to_tsvector('simple',
/// acode_search_words(text))</c>, and an empty tsvector for a blob that is not text (<c>search_lossy</c>, generated,
/// marks a vector that could not keep every position). PostgreSQL cannot decompress Brotli, so the text is decoded here and sent with the blob (at most
/// 65536 characters); PostgreSQL's own parser makes the words, so they match the query's exactly.
/// </summary>
internal static class PostgresBlobSearchWords
{
    /// <summary>How many blobs the migration's data step decodes per round trip.</summary>
    private const int PageSize = 64;

    /// <summary>The text to index for a stored blob (a NUL becomes U+FFFD, as in the mirror's columns); null when it is not text.</summary>
    public static string? TextOf(StoredBlob blob) => ForPostgres(BlobSearchText.Of(blob));

    /// <summary>The text to index for raw blob bytes; null when they are not text.</summary>
    public static string? TextOf(ReadOnlySpan<byte> raw) => ForPostgres(BlobSearchText.Of(raw));

    /// <summary>The SQL tsvector of the text expression <paramref name="text"/>; NULL text (not text content) gives an empty tsvector.</summary>
    public static string FromText(string text) => $"CASE WHEN {text} IS NULL THEN ''::tsvector ELSE to_tsvector('simple'::regconfig, acode_search_words({text})) END";

    /// <summary>A text[] parameter of the texts (null elements for blobs that are not text).</summary>
    public static NpgsqlParameter TextsParameter(IEnumerable<string?> texts) => new() { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = texts.ToArray() };

    /// <summary>
    /// The data step of migration 1.6.0: sets <c>search_words</c> of every blob that has none, a page at a time in hash
    /// order, in the migration's transaction. A blob that does not decode gets an empty tsvector (it is not searchable;
    /// reading a row that names it reports the damage) rather than failing the migration.
    /// </summary>
    /// <returns>How many blobs were indexed.</returns>
    public static Task<int> IndexMissingAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
        => IndexAsync(connection, transaction, "search_words IS NULL", onlyEscapes: false, cancellationToken);

    /// <summary>
    /// The data step of migrations 1.12.0 and 1.13.0: sets <c>search_words</c> again of every blob whose indexed text changed
    /// with them (JSON text holding an escape, whose escapes <see cref="BlobSearchText"/> decodes since 1.13.0), decoding
    /// every blob once (the text and whether it changed from one decode), a page at a time in hash order, in the migration's transaction.
    /// </summary>
    /// <returns>How many blobs were indexed again.</returns>
    public static Task<int> IndexEscapesAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
        => IndexAsync(connection, transaction, "TRUE", onlyEscapes: true, cancellationToken);

    private static async Task<int> IndexAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string condition, bool onlyEscapes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        string after = "";
        int indexed = 0;
        while (true)
        {
            var hashes = new List<string>(PageSize);
            var texts = new List<string?>(PageSize);
            string last = after;
            var select = new NpgsqlCommand($"""
                SELECT hash, codec, raw_length, CASE WHEN codec = 'none' THEN substring(content FROM 1 FOR $3) ELSE content END
                FROM blobs WHERE {condition} AND hash > $1 ORDER BY hash LIMIT $2;
                """, connection, transaction);
            await using (select.ConfigureAwait(false))
            {
                select.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = after });
                select.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Integer, Value = PageSize });
                select.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Integer, Value = BlobSearchText.MaxBytes });
                NpgsqlDataReader reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        string hash = reader.GetString(0);
                        string codec = reader.GetString(1);
                        long rawLength = reader.GetInt64(2);
                        byte[] content = reader.GetFieldValue<byte[]>(3);
                        last = hash;
                        string? text = Decode(hash, codec, rawLength, content, out bool escapesDecoded);
                        if (onlyEscapes && !escapesDecoded)
                        {
                            continue;
                        }

                        hashes.Add(hash);
                        texts.Add(text);
                    }
                }
            }

            if (last == after)
            {
                return indexed;
            }

            after = last;
            if (hashes.Count == 0)
            {
                continue;
            }

            var update = new NpgsqlCommand($"""
                UPDATE blobs b SET search_words = {FromText("u.text")}
                FROM unnest($1::text[], $2::text[]) AS u(hash, text) WHERE b.hash = u.hash;
                """, connection, transaction);
            await using (update.ConfigureAwait(false))
            {
                update.Parameters.Add(PostgresRunStateStore.TextArray(hashes));
                update.Parameters.Add(TextsParameter(texts));
                await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            indexed += hashes.Count;
        }
    }

    // An uncompressed blob is read as its first MaxBytes bytes only.
    private static string? Decode(string hash, string codec, long rawLength, byte[] content, out bool escapesDecoded)
    {
        escapesDecoded = false;
        return codec == BlobCodec.None
            ? (content.LongLength == Math.Min(rawLength, BlobSearchText.MaxBytes) ? ForPostgres(BlobSearchText.OfHead(content, whole: rawLength <= BlobSearchText.MaxBytes, out escapesDecoded)) : null)
            : ForPostgres(BlobSearchText.Of(new StoredBlob(hash, codec, rawLength, content), out escapesDecoded));
    }

    private static string? ForPostgres(string? text) => text?.Replace('\0', '\uFFFD');
}
