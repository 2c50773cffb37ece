using Acode.Infrastructure.Blobs;
using Npgsql;
using NpgsqlTypes;

namespace Acode.Infrastructure.PostgresStore;

/// <summary>
/// The search columns of the shared database's <c>blobs</c> (schema 1.6.0, docs/search.md): <c>search_words</c>, the
/// words of a blob's text (<see cref="BlobSearchText"/>) as the other fields' GIN indexes hold theirs,
/// <c>to_tsvector('simple', acode_search_words(text))</c>, an empty tsvector for a blob that is not text; and
/// <c>search_parts</c>, the vectors of its overlapping parts (<see cref="BlobSearchText.PartsOf"/>) when one vector cannot
/// hold every position, for phrases. PostgreSQL cannot decompress Brotli, so the text is decoded here and sent with the
/// blob; PostgreSQL's own parser makes the words, so they match the query's exactly.
/// </summary>
internal static class PostgresBlobSearchWords
{
    /// <summary>How many blobs the migration's data step decodes per round trip.</summary>
    private const int PageSize = 64;

    /// <summary>The text to index for a stored blob and its parts; a NUL becomes U+FFFD, as in the mirror's columns.</summary>
    public static BlobWords Of(StoredBlob blob) => From(BlobSearchText.Of(blob));

    /// <summary>The text <see cref="Of(StoredBlob)"/> indexes, without its parts (for snippets).</summary>
    public static string? TextOf(StoredBlob blob) => BlobSearchText.Of(blob)?.Replace('\0', '\uFFFD');

    /// <summary>The text to index for raw blob bytes and its parts.</summary>
    public static BlobWords Of(ReadOnlySpan<byte> raw) => From(BlobSearchText.Of(raw));

    /// <summary>
    /// Adds the parameters of <paramref name="words"/> (one per hash) to <paramref name="command"/> and returns the SQL:
    /// a CTE <c>w(hash, words, parts)</c> to join on <c>hash</c>, to follow <c>WITH</c>.
    /// </summary>
    public static string AddWords(NpgsqlCommand command, IReadOnlyList<string> hashes, IReadOnlyList<BlobWords> words)
    {
        ArgumentNullException.ThrowIfNull(command);
        var partHashes = new List<string>();
        var partTexts = new List<string>();
        for (int i = 0; i < hashes.Count; i++)
        {
            foreach (string part in words[i].Parts ?? [])
            {
                partHashes.Add(hashes[i]);
                partTexts.Add(part);
            }
        }

        string h = Add(command, PostgresRunStateStore.TextArray(hashes));
        string t = Add(command, new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = words.Select(w => w.Text).ToArray() });
        string ph = Add(command, PostgresRunStateStore.TextArray(partHashes));
        string pt = Add(command, PostgresRunStateStore.TextArray(partTexts));
        return $"""
            w AS (SELECT u.hash,
                         CASE WHEN u.text IS NULL THEN ''::tsvector ELSE to_tsvector('simple'::regconfig, acode_search_words(u.text)) END AS words,
                         (SELECT array_agg(to_tsvector('simple'::regconfig, acode_search_words(p.text)) ORDER BY p.n)
                          FROM unnest({ph}::text[], {pt}::text[]) WITH ORDINALITY AS p(hash, text, n) WHERE p.hash = u.hash) AS parts
                  FROM unnest({h}::text[], {t}::text[]) AS u(hash, text))
            """;
    }

    /// <summary>
    /// The data step of migration 1.6.0: sets <c>search_words</c> (and <c>search_parts</c>) of every blob that has none, a
    /// page at a time in hash order, in the migration's transaction. A blob that does not decode gets an empty tsvector
    /// (it is not searchable; <c>acode db check</c> reports it) rather than failing the migration.
    /// </summary>
    /// <returns>How many blobs were indexed.</returns>
    public static async Task<int> IndexMissingAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        string after = "";
        int indexed = 0;
        while (true)
        {
            var hashes = new List<string>(PageSize);
            var words = new List<BlobWords>(PageSize);
            var select = new NpgsqlCommand("""
                SELECT hash, codec, raw_length, CASE WHEN codec = 'none' THEN substring(content FROM 1 FOR $3) ELSE content END
                FROM blobs WHERE search_words IS NULL AND hash > $1 ORDER BY hash LIMIT $2;
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
                        hashes.Add(hash);

                        // An uncompressed blob is read as its first MaxBytes bytes only.
                        words.Add(codec == BlobCodec.None
                            ? From(content.LongLength == Math.Min(rawLength, BlobSearchText.MaxBytes) ? BlobSearchText.OfHead(content, whole: rawLength <= BlobSearchText.MaxBytes) : null)
                            : Of(new StoredBlob(hash, codec, rawLength, content)));
                    }
                }
            }

            if (hashes.Count == 0)
            {
                return indexed;
            }

            var update = new NpgsqlCommand { Connection = connection, Transaction = transaction };
            await using (update.ConfigureAwait(false))
            {
                update.CommandText = $"""
                    WITH {AddWords(update, hashes, words)}
                    UPDATE blobs b SET search_words = w.words, search_parts = w.parts FROM w WHERE b.hash = w.hash;
                    """;
                await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            indexed += hashes.Count;
            after = hashes[^1];
        }
    }

    private static BlobWords From(string? text)
    {
        string? cleaned = text?.Replace('\0', '\uFFFD');
        return new BlobWords(cleaned, cleaned is null ? null : BlobSearchText.PartsOf(cleaned));
    }

    private static string Add(NpgsqlCommand command, NpgsqlParameter parameter)
    {
        command.Parameters.Add(parameter);
        return "$" + command.Parameters.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
