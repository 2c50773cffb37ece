-- acode shared PostgreSQL database, schema 1.5.0: large content stored once, by content hash (docs/storage.md).
--
-- blobs holds each distinct large value once, for every workspace: hash is the SHA-256 of its bytes (text: UTF-8),
-- lower-case hex, the same hash the workspace databases use; codec is 'br' (Brotli, as the sync and the PostgreSQL store
-- write it) or 'none' (kept as is: what this migration moves, since SQL cannot write Brotli; PostgreSQL's TOAST still
-- compresses it); raw_length is the byte length before compression. The sync inserts the blobs a batch names before
-- the batch's rows (ON CONFLICT DO NOTHING: each blob arrives once per database).
-- A mirror row of large content keeps its first 512 characters (artifact content: its first 512 bytes), which the
-- search indexes of 1.3.0 index, and names the blob in arguments_blob, result_blob or content_blob; its document copy
-- holds the same stored form (argumentsBlob, resultBlob, contentBlob). Arguments kept as a prefix are not JSON: the
-- arguments column then holds the prefix as a JSON string.
--
-- Existing large values (above 1024 bytes, the default threshold) are moved here by this migration.

CREATE TABLE blobs (
    hash        text PRIMARY KEY,
    codec       text NOT NULL CHECK (codec IN ('br', 'none')),
    raw_length  bigint NOT NULL CHECK (raw_length >= 0),
    content     bytea NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE tool_calls ADD COLUMN arguments_blob text, ADD COLUMN result_blob text;
ALTER TABLE artifacts ADD COLUMN content_blob text;
CREATE INDEX ix_tool_calls_arguments_blob ON tool_calls (arguments_blob) WHERE arguments_blob IS NOT NULL;
CREATE INDEX ix_tool_calls_result_blob ON tool_calls (result_blob) WHERE result_blob IS NOT NULL;
CREATE INDEX ix_artifacts_content_blob ON artifacts (content_blob) WHERE content_blob IS NOT NULL;

INSERT INTO blobs (hash, codec, raw_length, content)
SELECT encode(sha256(v), 'hex'), 'none', length(v), v
FROM (SELECT convert_to(document->>'arguments', 'UTF8') AS v FROM tool_calls WHERE octet_length(document->>'arguments') > 1024
      UNION SELECT convert_to(document->>'result', 'UTF8') FROM tool_calls WHERE octet_length(document->>'result') > 1024
      UNION SELECT content FROM artifacts WHERE length(content) > 1024) AS large
ON CONFLICT (hash) DO NOTHING;

UPDATE tool_calls
SET arguments_blob = encode(sha256(convert_to(document->>'arguments', 'UTF8')), 'hex'),
    arguments = to_jsonb(left(document->>'arguments', 512)),
    document = document || jsonb_build_object('arguments', left(document->>'arguments', 512),
                                              'argumentsBlob', encode(sha256(convert_to(document->>'arguments', 'UTF8')), 'hex'))
WHERE octet_length(document->>'arguments') > 1024;

UPDATE tool_calls
SET result_blob = encode(sha256(convert_to(document->>'result', 'UTF8')), 'hex'),
    result = left(document->>'result', 512),
    document = document || jsonb_build_object('result', left(document->>'result', 512),
                                              'resultBlob', encode(sha256(convert_to(document->>'result', 'UTF8')), 'hex'))
WHERE octet_length(document->>'result') > 1024;

-- The kept bytes are the first 512 (the search function of 1.3.0 drops a character cut at the end).
UPDATE artifacts
SET content_blob = encode(sha256(content), 'hex'),
    content = substring(content FROM 1 FOR 512),
    document = document || jsonb_build_object('content', translate(encode(substring(content FROM 1 FOR 512), 'base64'), E'\n', ''),
                                              'contentBlob', encode(sha256(content), 'hex'))
WHERE length(content) > 1024;
