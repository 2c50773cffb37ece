using Acode.Infrastructure.Blobs;
using Acode.Infrastructure.Search;
using Microsoft.Data.Sqlite;

namespace Acode.Infrastructure.Migrations;

/// <summary>
/// SQL functions the workspace migrations call, registered on the connection that applies them (SQLite's SQL has no
/// SHA-256 and no compression). Schema 1.5.0 moves existing large content into <c>blobs</c> with them (every argument
/// is the value's bytes, <c>CAST(x AS BLOB)</c>: text as UTF-8, NUL characters included); schema 1.6.0 indexes the
/// existing blobs with <c>acode_blob_search_text(codec, content, raw_length)</c> (each NUL a space, <see cref="Fts5Text"/>);
/// schema 1.10.0 indexes again those whose text holds a NUL (<c>acode_blob_search_nul</c>, true for them); schemas 1.12.0
/// and 1.13.0 those whose JSON text holds an escape, which the index is given decoded since 1.13.0
/// (<c>acode_blob_search_escapes</c>, true for them).
/// </summary>
internal static class SqliteMigrationFunctions
{
    /// <summary>Registers <c>acode_blob_hash</c>, <c>acode_blob_codec</c>, <c>acode_blob_content</c>, <c>acode_blob_text_prefix</c>, <c>acode_blob_bytes_prefix</c> <c>acode_blob_search_text</c>, <c>acode_blob_search_nul</c> and <c>acode_blob_search_escapes</c>.</summary>
    public static void Register(SqliteConnection connection)
    {
        var last = new LastCompression();
        connection.CreateFunction("acode_blob_hash", (byte[] raw) => BlobCodec.Hash(raw), isDeterministic: true);
        connection.CreateFunction("acode_blob_codec", (byte[] raw) => last.Of(raw).Codec, isDeterministic: true);
        connection.CreateFunction("acode_blob_content", (byte[] raw) => last.Of(raw).Content, isDeterministic: true);
        connection.CreateFunction("acode_blob_text_prefix", (byte[] raw) => System.Text.Encoding.UTF8.GetBytes(DocumentBlobs.Prefix(System.Text.Encoding.UTF8.GetString(raw))), isDeterministic: true);
        connection.CreateFunction("acode_blob_bytes_prefix", (byte[] raw) => DocumentBlobs.BytesPrefix(raw), isDeterministic: true);
        connection.CreateFunction("acode_blob_search_text", (string codec, byte[] content, long rawLength) => BlobSearchText.Of(new StoredBlob("", codec, rawLength, content)) is { } text ? Fts5Text.ForIndex(text) : null, isDeterministic: true);
        connection.CreateFunction("acode_blob_search_escapes", (string codec, byte[] content, long rawLength) => BlobSearchText.Of(new StoredBlob("", codec, rawLength, content), out bool escapesDecoded) is not null && escapesDecoded, isDeterministic: true);
        connection.CreateFunction("acode_blob_search_nul", (string codec, byte[] content, long rawLength) => BlobSearchText.Of(new StoredBlob("", codec, rawLength, content))?.Contains('\0', StringComparison.Ordinal) == true, isDeterministic: true);
    }

    /// <summary>The codec and the content of one blob come from one compression: the last value's is kept.</summary>
    private sealed class LastCompression
    {
        private byte[]? _raw;
        private (string Codec, byte[] Content) _stored;

        public (string Codec, byte[] Content) Of(byte[] raw)
        {
            if (_raw is null || !_raw.AsSpan().SequenceEqual(raw))
            {
                _stored = BlobCodec.Compress(raw);
                _raw = raw;
            }

            return _stored;
        }
    }
}
