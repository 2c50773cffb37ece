-- acode workspace database, schema 1.6.0: large content is searched by its whole text (docs/search.md, docs/storage.md).
--
-- Since 1.5.0 a large value is stored once, compressed, in blobs, and its row keeps the first 512 characters; the search
-- triggers of 1.3.0 indexed only that prefix. From this version each blob whose bytes are UTF-8 text is indexed once, by
-- its first 65536 characters (the limit of every other field), in blob_search_index: an FTS5 table without content
-- (content=''; the text is in the blob, compressed, and nowhere else; snippets are cut from the blob when a search
-- shows them) and without word positions (detail=none: a fifth of the size of a full index, which would have cost a
-- quarter of the text it indexes; a phrase is matched by its words here and checked against the blob's text by the
-- search), with the tokenizer of search_index. blob_search_entries gives each indexed blob the integer key FTS5
-- needs (a blob's own rowid is not stable across VACUUM). The store indexes a blob in the transaction that inserts it
-- (SQLite's SQL cannot decompress it); deleting a blob (the sweep of a delete or prune) deletes its entry and its index
-- entry through the triggers below, whoever deletes it.
-- A search finds a blob's words through every row that names it (tool_calls.arguments_blob and result_blob, and
-- artifacts.content_blob of text artifacts). The search triggers of tool_calls and artifacts are redefined so that a
-- field stored as a blob gets no search_entries row of its own (its kept prefix would be a second hit); an update
-- that moves a field into a blob or out of one re-indexes it.
-- Existing blobs are indexed, and the prefix entries of fields stored as blobs removed, by this migration, with a
-- function the migrator registers on its connection (acode_blob_search_text: the indexed text of a stored blob, or
-- NULL when it is not UTF-8).

CREATE TABLE blob_search_entries (
    id    INTEGER PRIMARY KEY,
    hash  TEXT NOT NULL UNIQUE
) STRICT;

CREATE VIRTUAL TABLE blob_search_index USING fts5(text, content='', contentless_delete=1, detail=none, tokenize='unicode61 remove_diacritics 2');

CREATE TRIGGER blob_search_blobs_delete AFTER DELETE ON blobs BEGIN
    DELETE FROM blob_search_entries WHERE hash = old.hash;
END;

CREATE TRIGGER blob_search_entries_delete AFTER DELETE ON blob_search_entries BEGIN
    DELETE FROM blob_search_index WHERE rowid = old.id;
END;

DROP TRIGGER search_tool_calls_insert;

CREATE TRIGGER search_tool_calls_insert AFTER INSERT ON tool_calls BEGIN
    INSERT INTO search_entries (session_id, entity_type, entity_id, field, text, created_at, updated_at)
    SELECT new.session_id, 'ToolCall', new.id, 'tool_name', substr(new.tool_name, 1, 65536), new.updated_at, new.updated_at WHERE new.tool_name IS NOT NULL AND new.tool_name <> '';
    INSERT INTO search_entries (session_id, entity_type, entity_id, field, text, created_at, updated_at)
    SELECT new.session_id, 'ToolCall', new.id, 'arguments', substr(new.arguments, 1, 65536), new.updated_at, new.updated_at WHERE new.arguments IS NOT NULL AND new.arguments <> '' AND new.arguments_blob IS NULL;
    INSERT INTO search_entries (session_id, entity_type, entity_id, field, text, created_at, updated_at)
    SELECT new.session_id, 'ToolCall', new.id, 'result', substr(new.result, 1, 65536), new.updated_at, new.updated_at WHERE new.result IS NOT NULL AND new.result <> '' AND new.result_blob IS NULL;
    INSERT INTO search_entries (session_id, entity_type, entity_id, field, text, created_at, updated_at)
    SELECT new.session_id, 'ToolCall', new.id, 'error', substr(new.error, 1, 65536), new.updated_at, new.updated_at WHERE new.error IS NOT NULL AND new.error <> '';
END;

DROP TRIGGER search_tool_calls_update;

CREATE TRIGGER search_tool_calls_update AFTER UPDATE OF tool_name, arguments, result, error, arguments_blob, result_blob ON tool_calls BEGIN
    DELETE FROM search_entries WHERE entity_id = old.id AND field = 'tool_name' AND old.tool_name IS NOT new.tool_name;
    INSERT INTO search_entries (session_id, entity_type, entity_id, field, text, created_at, updated_at)
    SELECT new.session_id, 'ToolCall', new.id, 'tool_name', substr(new.tool_name, 1, 65536), new.updated_at, new.updated_at WHERE new.tool_name IS NOT NULL AND new.tool_name <> '' AND old.tool_name IS NOT new.tool_name;
    DELETE FROM search_entries WHERE entity_id = old.id AND field = 'arguments' AND (old.arguments IS NOT new.arguments OR old.arguments_blob IS NOT new.arguments_blob);
    INSERT INTO search_entries (session_id, entity_type, entity_id, field, text, created_at, updated_at)
    SELECT new.session_id, 'ToolCall', new.id, 'arguments', substr(new.arguments, 1, 65536), new.updated_at, new.updated_at WHERE new.arguments IS NOT NULL AND new.arguments <> '' AND new.arguments_blob IS NULL AND (old.arguments IS NOT new.arguments OR old.arguments_blob IS NOT new.arguments_blob);
    DELETE FROM search_entries WHERE entity_id = old.id AND field = 'result' AND (old.result IS NOT new.result OR old.result_blob IS NOT new.result_blob);
    INSERT INTO search_entries (session_id, entity_type, entity_id, field, text, created_at, updated_at)
    SELECT new.session_id, 'ToolCall', new.id, 'result', substr(new.result, 1, 65536), new.updated_at, new.updated_at WHERE new.result IS NOT NULL AND new.result <> '' AND new.result_blob IS NULL AND (old.result IS NOT new.result OR old.result_blob IS NOT new.result_blob);
    DELETE FROM search_entries WHERE entity_id = old.id AND field = 'error' AND old.error IS NOT new.error;
    INSERT INTO search_entries (session_id, entity_type, entity_id, field, text, created_at, updated_at)
    SELECT new.session_id, 'ToolCall', new.id, 'error', substr(new.error, 1, 65536), new.updated_at, new.updated_at WHERE new.error IS NOT NULL AND new.error <> '' AND old.error IS NOT new.error;
END;

DROP TRIGGER search_artifacts_insert;

CREATE TRIGGER search_artifacts_insert AFTER INSERT ON artifacts BEGIN
    INSERT INTO search_entries (session_id, entity_type, entity_id, field, text, created_at, updated_at)
    SELECT new.session_id, 'Artifact', new.id, 'name', substr(new.name, 1, 65536), new.updated_at, new.updated_at WHERE new.name <> '';
    INSERT INTO search_entries (session_id, entity_type, entity_id, field, text, created_at, updated_at)
    SELECT new.session_id, 'Artifact', new.id, 'content', substr(CAST(new.content AS TEXT), 1, 65536), new.updated_at, new.updated_at
    WHERE new.content IS NOT NULL AND length(new.content) > 0 AND new.content_blob IS NULL AND (new.kind IN ('Diff', 'Log') OR lower(new.media_type) LIKE 'text/%' OR lower(new.media_type) LIKE '%json%' OR lower(new.media_type) LIKE '%xml%' OR lower(new.media_type) LIKE '%yaml%' OR lower(new.media_type) LIKE '%javascript%');
END;

DROP TRIGGER search_artifacts_update;

CREATE TRIGGER search_artifacts_update AFTER UPDATE OF name, kind, media_type, content, content_blob ON artifacts
WHEN old.name IS NOT new.name OR old.kind IS NOT new.kind OR old.media_type IS NOT new.media_type OR old.content IS NOT new.content OR old.content_blob IS NOT new.content_blob BEGIN
    DELETE FROM search_entries WHERE entity_id = old.id;
    INSERT INTO search_entries (session_id, entity_type, entity_id, field, text, created_at, updated_at)
    SELECT new.session_id, 'Artifact', new.id, 'name', substr(new.name, 1, 65536), new.updated_at, new.updated_at WHERE new.name <> '';
    INSERT INTO search_entries (session_id, entity_type, entity_id, field, text, created_at, updated_at)
    SELECT new.session_id, 'Artifact', new.id, 'content', substr(CAST(new.content AS TEXT), 1, 65536), new.updated_at, new.updated_at
    WHERE new.content IS NOT NULL AND length(new.content) > 0 AND new.content_blob IS NULL AND (new.kind IN ('Diff', 'Log') OR lower(new.media_type) LIKE 'text/%' OR lower(new.media_type) LIKE '%json%' OR lower(new.media_type) LIKE '%xml%' OR lower(new.media_type) LIKE '%yaml%' OR lower(new.media_type) LIKE '%javascript%');
END;

DELETE FROM search_entries WHERE entity_type = 'ToolCall' AND field = 'arguments' AND entity_id IN (SELECT id FROM tool_calls WHERE arguments_blob IS NOT NULL);
DELETE FROM search_entries WHERE entity_type = 'ToolCall' AND field = 'result' AND entity_id IN (SELECT id FROM tool_calls WHERE result_blob IS NOT NULL);
DELETE FROM search_entries WHERE entity_type = 'Artifact' AND field = 'content' AND entity_id IN (SELECT id FROM artifacts WHERE content_blob IS NOT NULL);

INSERT INTO blob_search_entries (hash)
SELECT hash FROM blobs WHERE acode_blob_search_text(codec, content, raw_length) IS NOT NULL ORDER BY hash;

INSERT INTO blob_search_index (rowid, text)
SELECT e.id, acode_blob_search_text(b.codec, b.content, b.raw_length) FROM blob_search_entries e JOIN blobs b ON b.hash = e.hash;
