using Acode.Infrastructure.Blobs;
using Acode.Infrastructure.Search;
using Microsoft.Data.Sqlite;

namespace Acode.Infrastructure.Sqlite;

/// <summary>
/// The workspace database's <c>blobs</c> table (schema 1.5.0, docs/storage.md): large content stored once by its SHA-256,
/// compressed. Written in the saving transaction, before the row that names it, together with its full-text index
/// entry (schema 1.6.0: <c>blob_search_entries</c> and the contentless FTS5 table <c>blob_search_index</c>, for blobs
/// that are UTF-8 text); removed by <see cref="Sweep"/> when nothing names it any more (the index entry with it, by
/// the triggers of 1.6.0).
/// </summary>
internal static class SqliteBlobs
{
    /// <summary>
    /// The blob hashes an outbox record <c>o</c> names in its payload, one row <c>r</c> each (<c>r.value</c> NULL for a name
    /// the payload lacks): a tool call's arguments and result, an artifact's content. A record that refers to its row (the
    /// empty text, schema 1.7.0) names none here.
    /// </summary>
    internal const string PayloadBlobNamesSql = "json_each(json_array(json_extract(nullif(o.payload, ''), '$.argumentsBlob'), json_extract(nullif(o.payload, ''), '$.resultBlob'), json_extract(nullif(o.payload, ''), '$.contentBlob'))) r";

    /// <summary>
    /// The hashes the retained outbox records name in their payloads, whatever their status: pending and dead-lettered
    /// records are still to be delivered, and processed ones are kept (<c>persistence:sqlite:outboxRetentionDays</c>) so that
    /// <c>acode db sync retry --processed</c> can send them again into a PostgreSQL restored empty, blobs included. A record
    /// that refers to its row (the empty text, schema 1.7.0) names what the row names, which the row checks cover. A payload
    /// without <c>Blob"</c> names none and is not parsed (as in <c>PostgresBlobUploader.References</c>, which sends what this keeps).
    /// </summary>
    internal const string OutboxNamedSql = $"""
        SELECT r.value FROM outbox o, {PayloadBlobNamesSql}
        WHERE o.entity_type IN ('ToolCall', 'Artifact') AND o.payload <> '' AND instr(o.payload, 'Blob"') > 0 AND r.value IS NOT NULL
        """;

    // The blobs no row names: the candidates of a sweep. Each check goes through the partial index of its blob column.
    private const string RowsNameNoneSql = """
        NOT EXISTS (SELECT 1 FROM tool_calls WHERE arguments_blob = blobs.hash)
          AND NOT EXISTS (SELECT 1 FROM tool_calls WHERE result_blob = blobs.hash)
          AND NOT EXISTS (SELECT 1 FROM artifacts WHERE content_blob = blobs.hash)
        """;

    /// <summary>Every blob no row names, as a JSON array (<c>[]</c> when none): a visit of every blob, which is what finds them.</summary>
    internal const string CandidatesSql = $"SELECT json_group_array(hash) FROM blobs WHERE {RowsNameNoneSql};";

    /// <summary>The blobs of <c>$hashes</c> (a JSON array) that no row names, as a JSON array, found through the primary key.</summary>
    internal const string CandidatesAmongSql = $"SELECT json_group_array(hash) FROM blobs WHERE hash IN (SELECT value FROM json_each($hashes)) AND {RowsNameNoneSql};";

    /// <summary>Deletes the blobs of <c>$candidates</c> (a JSON array of hashes no row names) that no retained outbox record names either.</summary>
    internal const string DeleteUnnamedSql = $"DELETE FROM blobs WHERE hash IN (SELECT value FROM json_each($candidates)) AND hash NOT IN ({OutboxNamedSql});";

    /// <summary>
    /// Deletes every blob that no row and no retained outbox record names (<see cref="OutboxNamedSql"/>), or, given
    /// <paramref name="among"/> (a JSON array of hashes), every such blob among those. Run in the transaction that deleted
    /// rows (a session's deletion, a prune: <paramref name="among"/> null) or outbox records (the outbox retention: the hashes
    /// they named), so the space comes back with them; blobs whose rows were updated to other content go with the next one.
    /// Two statements: the candidates, blobs no row names (visiting every blob, through the partial indexes of the three blob
    /// columns; none most of the time, and then nothing else is read), then the deletion of those no outbox record names,
    /// which reads the outbox in one pass (docs/storage.md, "Which blobs a sweep keeps").
    /// </summary>
    /// <returns>How many blobs were deleted.</returns>
    public static int Sweep(WriterCommands commands, SqliteTransaction transaction, string? among = null)
    {
        SqliteCommand candidates = among is null ? commands.Get(CandidatesSql, transaction) : commands.Get(CandidatesAmongSql, transaction).With("$hashes", among);
        string found = (string)candidates.ExecuteScalar()!;
        return found == "[]" ? 0 : commands.Get(DeleteUnnamedSql, transaction).With("$candidates", found).ExecuteNonQuery();
    }

    private const string ExistsSql = "SELECT 1 FROM blobs WHERE hash = $hash;";

    private const string InsertSql = "INSERT INTO blobs (hash, codec, raw_length, content) VALUES ($hash, $codec, $raw_length, $content) ON CONFLICT (hash) DO NOTHING;";

    private const string IndexEntrySql = "INSERT INTO blob_search_entries (hash) VALUES ($hash) RETURNING id;";

    private const string IndexSql = "INSERT INTO blob_search_index (rowid, text) VALUES ($id, $text);";

    private const string ReadSql = "SELECT codec, raw_length, content FROM blobs WHERE hash = $hash;";

    /// <summary>
    /// Stores <paramref name="raw"/> under <paramref name="hash"/> unless a blob with that hash exists (then nothing is
    /// compressed or indexed again), and indexes its text (<see cref="BlobSearchText"/>) when it is UTF-8.
    /// </summary>
    public static void Put(WriterCommands commands, SqliteTransaction transaction, string hash, byte[] raw)
    {
        if (commands.Get(ExistsSql, transaction).With("$hash", hash).ExecuteScalar() is not null)
        {
            return;
        }

        (string codec, byte[] content) = BlobCodec.Compress(raw);
        commands.Get(InsertSql, transaction).With("$hash", hash).With("$codec", codec).With("$raw_length", raw.LongLength).With("$content", content).ExecuteNonQuery();
        Index(commands, transaction, hash, raw);
    }

    /// <summary>Indexes the text of the blob <paramref name="hash"/> (its bytes <paramref name="raw"/>) for search; false when they are not UTF-8 (nothing written).</summary>
    public static bool Index(WriterCommands commands, SqliteTransaction transaction, string hash, byte[] raw)
    {
        if (BlobSearchText.Of(raw) is not { } text)
        {
            return false;
        }

        object id = commands.Get(IndexEntrySql, transaction).With("$hash", hash).ExecuteScalar()!;
        commands.Get(IndexSql, transaction).With("$id", id).With("$text", Fts5Text.ForIndex(text)).ExecuteNonQuery();
        return true;
    }

    /// <summary>The raw bytes of the blob, or null when there is none with that hash.</summary>
    public static byte[]? Read(SqliteCommand command, string hash)
    {
        command.With("$hash", hash);
        using SqliteDataReader reader = command.ExecuteReader();
        return reader.Read() ? BlobCodec.Decompress(reader.GetString(0), (byte[])reader.GetValue(2), reader.GetInt64(1)) : null;
    }

    /// <summary>The text a search indexed of a blob (<see cref="BlobSearchText.Of(StoredBlob)"/>, decoding only the bytes it can span), or null when there is no blob with that hash or it is not text.</summary>
    public static string? ReadIndexedText(SqliteConnection connection, SqliteTransaction transaction, string hash)
    {
        SqliteCommand command = SqliteWorkspaceDatabase.ReaderCommand(connection, transaction, ReadSql).With("$hash", hash);
        using SqliteDataReader reader = command.ExecuteReader();
        return reader.Read() ? BlobSearchText.Of(new StoredBlob(hash, reader.GetString(0), reader.GetInt64(1), (byte[])reader.GetValue(2))) : null;
    }

    /// <summary>The reader's prepared <see cref="ReadSql"/> command.</summary>
    public static byte[]? Read(SqliteConnection connection, SqliteTransaction transaction, string hash)
        => Read(SqliteWorkspaceDatabase.ReaderCommand(connection, transaction, ReadSql), hash);

    /// <summary>The writer's prepared <see cref="ReadSql"/> command.</summary>
    public static byte[]? Read(WriterCommands commands, SqliteTransaction transaction, string hash) => Read(commands.Get(ReadSql, transaction), hash);
}
