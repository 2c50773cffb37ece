-- acode shared PostgreSQL database, schema 1.6.0: large content is searched whole (docs/search.md, docs/storage.md).
--
-- Since 1.5.0 a mirror row of large content keeps only its first 512 characters and names a blob, so the GIN indexes
-- of 1.3.0 saw only that prefix. blobs.search_words holds the words of a blob's first 65536 characters, computed once
-- per distinct content the way the other fields' indexes compute theirs: to_tsvector('simple', acode_search_words(text)).
-- ix_blobs_search_words is its GIN index, built without a pending list (fastupdate off): a blob is written once, and
-- the pending list of a freshly synced database held four times the index's own size (docs/storage.md). The search joins
-- each row that names a blob (arguments_blob, result_blob, content_blob) to it, so every such row is a hit of its own.
--
-- A tsvector keeps at most 255 positions per word and none above 16383, so in a long repetitive text (a test log with
-- 4000 'line's) the vector still holds every word but not where each occurs, and a phrase there could not be matched.
-- search_lossy (generated) marks such a vector: for a query with a phrase, the search checks the text of such a blob
-- (PostgresSessionSearch), so phrases stay exact.
--
-- The text is the blob's bytes as UTF-8, judged like acode_search_text (1.3.0) judges artifact content: the first
-- 262144 bytes, a character cut at the end dropped. Bytes that are not UTF-8 (binary artifact content) get an empty
-- tsvector; NULL means not computed yet. Whether an artifact counts as text (its kind and media type) belongs to the row
-- that names the blob, so the search decides it, not this column.
--
-- Writers compute search_words when they insert a blob (the sync's blob upload, the PostgreSQL store). SQL cannot
-- decompress Brotli (codec 'br'), so the blobs already here are indexed by this migration's data step in C#
-- (PostgresMigrator, PostgresBlobSearchWords), which runs after this script in the same transaction, before the
-- schema_version row: the migration is applied whole or not at all.
--
-- The three 1.3.0 indexes of fields that can name a blob become partial: a row that names a blob is searched through
-- the blob, so its kept prefix is neither searched (no second hit) nor indexed. Rebuilding them reads those rows once.

CREATE FUNCTION acode_search_lossy(words tsvector) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT EXISTS (SELECT FROM unnest(words) AS w WHERE cardinality(w.positions) >= 255 OR w.positions[cardinality(w.positions)] >= 16383)
$$;

ALTER TABLE blobs ADD COLUMN search_words tsvector,
                  ADD COLUMN search_lossy boolean GENERATED ALWAYS AS (acode_search_lossy(search_words)) STORED;

CREATE INDEX ix_blobs_search_words ON blobs USING gin (search_words) WITH (fastupdate = off);

DROP INDEX ix_tool_calls_search_arguments;
DROP INDEX ix_tool_calls_search_result;
DROP INDEX ix_artifacts_search_content;
CREATE INDEX ix_tool_calls_search_arguments ON tool_calls USING gin (to_tsvector('simple'::regconfig, acode_search_words(arguments::text))) WHERE arguments_blob IS NULL;
CREATE INDEX ix_tool_calls_search_result ON tool_calls USING gin (to_tsvector('simple'::regconfig, acode_search_words(result))) WHERE result_blob IS NULL;
CREATE INDEX ix_artifacts_search_content ON artifacts USING gin (to_tsvector('simple'::regconfig, acode_search_words(acode_search_text(kind, media_type, content)))) WHERE content_blob IS NULL;
