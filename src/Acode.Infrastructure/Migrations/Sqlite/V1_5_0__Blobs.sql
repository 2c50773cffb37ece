-- acode workspace database, schema 1.5.0: large content stored once, by content hash, compressed (docs/storage.md).
--
-- blobs holds each distinct large value once: hash is the SHA-256 of its bytes (text: UTF-8), lower-case hex; codec is
-- 'br' (Brotli) or 'none' (kept as is, when compressing would not make it smaller); raw_length is the byte length before
-- compression. A tool call's arguments or result, or an artifact's content, larger than persistence:store:blobThresholdBytes
-- (default 1024 bytes) is stored there; the row keeps the value's first 512 characters (artifact content: its first
-- 512 bytes), which is what search indexes, and names the blob in arguments_blob, result_blob or content_blob. The
-- outbox payload of such a row carries the same stored form. Readers put the whole value back.
-- A blob nothing names any more is deleted by the transaction that deletes a session (acode session delete, db prune).
--
-- Existing large values (above 1024 bytes, the default threshold) are moved here by this migration, with functions
-- that the migrator registers on its connection (acode_blob_*: SQLite's SQL has no SHA-256 and no compression). The
-- row updates re-index the moved fields through the search triggers of 1.3.0, so their index entries shrink to the
-- kept prefix. Outbox records written before this version keep their payloads; they are delivered as they are.

CREATE TABLE blobs (
    hash        TEXT PRIMARY KEY,
    codec       TEXT NOT NULL CHECK (codec IN ('br', 'none')),
    raw_length  INTEGER NOT NULL CHECK (raw_length >= 0),
    content     BLOB NOT NULL
) STRICT;

ALTER TABLE tool_calls ADD COLUMN arguments_blob TEXT;
ALTER TABLE tool_calls ADD COLUMN result_blob TEXT;
ALTER TABLE artifacts ADD COLUMN content_blob TEXT;

-- The sweep looks blobs up by these; the partial indexes hold only the rows that name a blob.
CREATE INDEX ix_tool_calls_arguments_blob ON tool_calls (arguments_blob) WHERE arguments_blob IS NOT NULL;
CREATE INDEX ix_tool_calls_result_blob ON tool_calls (result_blob) WHERE result_blob IS NOT NULL;
CREATE INDEX ix_artifacts_content_blob ON artifacts (content_blob) WHERE content_blob IS NOT NULL;

INSERT INTO blobs (hash, codec, raw_length, content)
SELECT acode_blob_hash(v), acode_blob_codec(v), length(v), acode_blob_content(v)
FROM (SELECT CAST(arguments AS BLOB) AS v FROM tool_calls WHERE length(CAST(arguments AS BLOB)) > 1024
      UNION SELECT CAST(result AS BLOB) FROM tool_calls WHERE length(CAST(result AS BLOB)) > 1024
      UNION SELECT content FROM artifacts WHERE length(content) > 1024)
WHERE true
ON CONFLICT (hash) DO NOTHING;

UPDATE tool_calls
SET arguments_blob = acode_blob_hash(CAST(arguments AS BLOB)), arguments = CAST(acode_blob_text_prefix(CAST(arguments AS BLOB)) AS TEXT)
WHERE length(CAST(arguments AS BLOB)) > 1024;

UPDATE tool_calls
SET result_blob = acode_blob_hash(CAST(result AS BLOB)), result = CAST(acode_blob_text_prefix(CAST(result AS BLOB)) AS TEXT)
WHERE length(CAST(result AS BLOB)) > 1024;

UPDATE artifacts
SET content_blob = acode_blob_hash(content), content = acode_blob_bytes_prefix(content)
WHERE length(content) > 1024;
