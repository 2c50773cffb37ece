-- acode shared PostgreSQL database, schema 1.6.0: large content is searched whole (docs/search.md, docs/storage.md).
--
-- Since 1.5.0 a mirror row of large content keeps only its first 512 characters and names a blob, so the GIN indexes
-- of 1.3.0 saw only that prefix. blobs.search_words holds the words of a blob's first 65536 characters, computed once
-- per distinct content the way the other fields' indexes compute theirs: to_tsvector('simple', acode_search_words(text));
-- ix_blobs_search_words is its GIN index. The search joins each row that names a blob (arguments_blob, result_blob,
-- content_blob) to it, so every such row is a hit of its own, and leaves those rows out of the fields' own indexes'
-- branches, so the kept prefix is not a second hit.
--
-- The text is the blob's bytes as UTF-8, judged like acode_search_text (1.3.0) judges artifact content: the first
-- 262144 bytes, a character cut at the end dropped. Bytes that are not UTF-8 (binary artifact content) get an empty
-- tsvector; NULL means not computed yet. Whether an artifact counts as text (its kind and media type) belongs to the row
-- that names the blob, so the search decides it, not this column.
--
-- A tsvector keeps at most 255 positions per word and none above 16383: in a long test log the whole text's vector
-- still holds every word, but not where the 4000th 'line' is, so the phrase "line 3999 ok" would not match. For such a
-- blob search_parts holds the vectors of overlapping parts of the text (each with fewer than 200 occurrences of any
-- word and 12000 words, sharing 32 words with the next); NULL when search_words holds every position. The search takes
-- a blob whose search_words matches the query, or whose search_words holds all the query's words and one of whose parts
-- matches the query (no index of its own: the GIN index on search_words finds the candidates).
--
-- Writers compute search_words when they insert a blob (the sync's blob upload, the PostgreSQL store). SQL cannot
-- decompress Brotli (codec 'br'), so the blobs already here are indexed by this migration's data step in C#
-- (PostgresMigrator, PostgresBlobSearchWords), which runs after this script in the same transaction, before the
-- schema_version row: the migration is applied whole or not at all.

ALTER TABLE blobs ADD COLUMN search_words tsvector, ADD COLUMN search_parts tsvector[];

CREATE INDEX ix_blobs_search_words ON blobs USING gin (search_words);
