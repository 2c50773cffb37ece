-- acode workspace database, schema 1.12.0: a word right after a JSON escape in tool-call arguments is found
-- (docs/search.md, "Words after a JSON escape").
--
-- arguments is indexed as its JSON text, where a line break, carriage return, tab, backspace or form feed inside a
-- string is the two-character escape \n, \r, \t, \b or \f. The tokenizer splits words at the backslash but not before
-- the escape's letter: {"command":"set -e\nmake deploy"} was indexed as 'nmake', and 'make' did not find it. The search
-- triggers of tool_calls (as 1.10.0 defined them) are redefined so that the text they give search_entries for
-- arguments has each of these escapes replaced by two spaces, after the cut of 1.10.0: the same length, so a snippet's
-- offsets are unchanged. An escaped backslash is an escape of its own ('C:\\new' keeps 'new', '\\\n' is a backslash
-- and a line break): each \\ is set aside first as char(1) || char(1), two characters for two, and put back last, so
-- every character keeps its offset (two char(1) the text itself holds side by side come back as \\, which separates
-- words as they do). Arguments that are not JSON (only an edit with the sqlite3 shell can store them) get the same
-- replacement. Other fields are plain text, where a backslash followed by 'n' is a path ('C:\new'), and are left as
-- they are.
-- The entries of the arguments already holding such an escape are written again by this migration, as these triggers
-- write them. Large arguments (and any blob whose text is JSON, BlobSearchText): the store gives blob_search_index the
-- same text since this version; the blobs whose indexed text changes are indexed again, by functions the migrator
-- registers (acode_blob_search_escapes, acode_blob_search_text: each blob's first 256 KiB decompressed once, those
-- holding such an escape once more, those that change once more again).

DROP TRIGGER search_tool_calls_insert;

CREATE TRIGGER search_tool_calls_insert AFTER INSERT ON tool_calls BEGIN
    INSERT INTO search_entries (session_id, entity_type, entity_id, field, text, created_at, updated_at)
    SELECT new.session_id, 'ToolCall', new.id, 'tool_name', CASE WHEN instr(new.tool_name, char(0)) = 0 OR NOT json_valid(replace(replace(replace(json_quote(new.tool_name), '\\', char(1)), '\u0000', ' '), char(1), '\\')) THEN substr(new.tool_name, 1, 65536) ELSE substr(json_extract(replace(replace(replace(json_quote(new.tool_name), '\\', char(1)), '\u0000', ' '), char(1), '\\'), '$'), 1, 65536) END, new.updated_at, new.updated_at WHERE new.tool_name IS NOT NULL AND new.tool_name <> '';
    INSERT INTO search_entries (session_id, entity_type, entity_id, field, text, created_at, updated_at)
    SELECT new.session_id, 'ToolCall', new.id, 'arguments', replace(replace(replace(replace(replace(replace(replace(CASE WHEN instr(new.arguments, char(0)) = 0 OR NOT json_valid(replace(replace(replace(json_quote(new.arguments), '\\', char(1)), '\u0000', ' '), char(1), '\\')) THEN substr(new.arguments, 1, 65536) ELSE substr(json_extract(replace(replace(replace(json_quote(new.arguments), '\\', char(1)), '\u0000', ' '), char(1), '\\'), '$'), 1, 65536) END, '\\', char(1) || char(1)), '\n', '  '), '\r', '  '), '\t', '  '), '\b', '  '), '\f', '  '), char(1) || char(1), '\\'), new.updated_at, new.updated_at WHERE new.arguments IS NOT NULL AND new.arguments <> '' AND new.arguments_blob IS NULL;
    INSERT INTO search_entries (session_id, entity_type, entity_id, field, text, created_at, updated_at)
    SELECT new.session_id, 'ToolCall', new.id, 'result', CASE WHEN instr(new.result, char(0)) = 0 OR NOT json_valid(replace(replace(replace(json_quote(new.result), '\\', char(1)), '\u0000', ' '), char(1), '\\')) THEN substr(new.result, 1, 65536) ELSE substr(json_extract(replace(replace(replace(json_quote(new.result), '\\', char(1)), '\u0000', ' '), char(1), '\\'), '$'), 1, 65536) END, new.updated_at, new.updated_at WHERE new.result IS NOT NULL AND new.result <> '' AND new.result_blob IS NULL;
    INSERT INTO search_entries (session_id, entity_type, entity_id, field, text, created_at, updated_at)
    SELECT new.session_id, 'ToolCall', new.id, 'error', CASE WHEN instr(new.error, char(0)) = 0 OR NOT json_valid(replace(replace(replace(json_quote(new.error), '\\', char(1)), '\u0000', ' '), char(1), '\\')) THEN substr(new.error, 1, 65536) ELSE substr(json_extract(replace(replace(replace(json_quote(new.error), '\\', char(1)), '\u0000', ' '), char(1), '\\'), '$'), 1, 65536) END, new.updated_at, new.updated_at WHERE new.error IS NOT NULL AND new.error <> '';
END;

DROP TRIGGER search_tool_calls_update;

CREATE TRIGGER search_tool_calls_update AFTER UPDATE OF tool_name, arguments, result, error, arguments_blob, result_blob ON tool_calls BEGIN
    DELETE FROM search_entries WHERE entity_id = old.id AND field = 'tool_name' AND old.tool_name IS NOT new.tool_name;
    INSERT INTO search_entries (session_id, entity_type, entity_id, field, text, created_at, updated_at)
    SELECT new.session_id, 'ToolCall', new.id, 'tool_name', CASE WHEN instr(new.tool_name, char(0)) = 0 OR NOT json_valid(replace(replace(replace(json_quote(new.tool_name), '\\', char(1)), '\u0000', ' '), char(1), '\\')) THEN substr(new.tool_name, 1, 65536) ELSE substr(json_extract(replace(replace(replace(json_quote(new.tool_name), '\\', char(1)), '\u0000', ' '), char(1), '\\'), '$'), 1, 65536) END, new.updated_at, new.updated_at WHERE new.tool_name IS NOT NULL AND new.tool_name <> '' AND old.tool_name IS NOT new.tool_name;
    DELETE FROM search_entries WHERE entity_id = old.id AND field = 'arguments' AND (old.arguments IS NOT new.arguments OR old.arguments_blob IS NOT new.arguments_blob);
    INSERT INTO search_entries (session_id, entity_type, entity_id, field, text, created_at, updated_at)
    SELECT new.session_id, 'ToolCall', new.id, 'arguments', replace(replace(replace(replace(replace(replace(replace(CASE WHEN instr(new.arguments, char(0)) = 0 OR NOT json_valid(replace(replace(replace(json_quote(new.arguments), '\\', char(1)), '\u0000', ' '), char(1), '\\')) THEN substr(new.arguments, 1, 65536) ELSE substr(json_extract(replace(replace(replace(json_quote(new.arguments), '\\', char(1)), '\u0000', ' '), char(1), '\\'), '$'), 1, 65536) END, '\\', char(1) || char(1)), '\n', '  '), '\r', '  '), '\t', '  '), '\b', '  '), '\f', '  '), char(1) || char(1), '\\'), new.updated_at, new.updated_at WHERE new.arguments IS NOT NULL AND new.arguments <> '' AND new.arguments_blob IS NULL AND (old.arguments IS NOT new.arguments OR old.arguments_blob IS NOT new.arguments_blob);
    DELETE FROM search_entries WHERE entity_id = old.id AND field = 'result' AND (old.result IS NOT new.result OR old.result_blob IS NOT new.result_blob);
    INSERT INTO search_entries (session_id, entity_type, entity_id, field, text, created_at, updated_at)
    SELECT new.session_id, 'ToolCall', new.id, 'result', CASE WHEN instr(new.result, char(0)) = 0 OR NOT json_valid(replace(replace(replace(json_quote(new.result), '\\', char(1)), '\u0000', ' '), char(1), '\\')) THEN substr(new.result, 1, 65536) ELSE substr(json_extract(replace(replace(replace(json_quote(new.result), '\\', char(1)), '\u0000', ' '), char(1), '\\'), '$'), 1, 65536) END, new.updated_at, new.updated_at WHERE new.result IS NOT NULL AND new.result <> '' AND new.result_blob IS NULL AND (old.result IS NOT new.result OR old.result_blob IS NOT new.result_blob);
    DELETE FROM search_entries WHERE entity_id = old.id AND field = 'error' AND old.error IS NOT new.error;
    INSERT INTO search_entries (session_id, entity_type, entity_id, field, text, created_at, updated_at)
    SELECT new.session_id, 'ToolCall', new.id, 'error', CASE WHEN instr(new.error, char(0)) = 0 OR NOT json_valid(replace(replace(replace(json_quote(new.error), '\\', char(1)), '\u0000', ' '), char(1), '\\')) THEN substr(new.error, 1, 65536) ELSE substr(json_extract(replace(replace(replace(json_quote(new.error), '\\', char(1)), '\u0000', ' '), char(1), '\\'), '$'), 1, 65536) END, new.updated_at, new.updated_at WHERE new.error IS NOT NULL AND new.error <> '' AND old.error IS NOT new.error;
END;

-- The arguments already holding such an escape: their entries again, as the triggers above write them.
DELETE FROM search_entries WHERE entity_type = 'ToolCall' AND field = 'arguments' AND entity_id IN (SELECT id FROM tool_calls WHERE (instr(arguments, '\n') > 0 OR instr(arguments, '\r') > 0 OR instr(arguments, '\t') > 0 OR instr(arguments, '\b') > 0 OR instr(arguments, '\f') > 0));
INSERT INTO search_entries (session_id, entity_type, entity_id, field, text, created_at, updated_at)
SELECT session_id, 'ToolCall', id, 'arguments', replace(replace(replace(replace(replace(replace(replace(CASE WHEN instr(arguments, char(0)) = 0 OR NOT json_valid(replace(replace(replace(json_quote(arguments), '\\', char(1)), '\u0000', ' '), char(1), '\\')) THEN substr(arguments, 1, 65536) ELSE substr(json_extract(replace(replace(replace(json_quote(arguments), '\\', char(1)), '\u0000', ' '), char(1), '\\'), '$'), 1, 65536) END, '\\', char(1) || char(1)), '\n', '  '), '\r', '  '), '\t', '  '), '\b', '  '), '\f', '  '), char(1) || char(1), '\\'), updated_at, updated_at FROM tool_calls
WHERE arguments IS NOT NULL AND arguments <> '' AND arguments_blob IS NULL AND (instr(arguments, '\n') > 0 OR instr(arguments, '\r') > 0 OR instr(arguments, '\t') > 0 OR instr(arguments, '\b') > 0 OR instr(arguments, '\f') > 0);

-- Blobs whose indexed text changes: indexed again (an entry FTS5 holds no document for is indexed with them).
DELETE FROM blob_search_index WHERE rowid IN (
    SELECT e.id FROM blob_search_entries e JOIN blobs b ON b.hash = e.hash WHERE acode_blob_search_escapes(b.codec, b.content, b.raw_length));
INSERT INTO blob_search_index (rowid, text)
SELECT e.id, acode_blob_search_text(b.codec, b.content, b.raw_length) FROM blob_search_entries e JOIN blobs b ON b.hash = e.hash
WHERE NOT EXISTS (SELECT 1 FROM blob_search_index_docsize d WHERE d.id = e.id) AND acode_blob_search_text(b.codec, b.content, b.raw_length) IS NOT NULL;
