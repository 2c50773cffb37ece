-- acode workspace database, schema 1.10.0: every word of a field holding a NUL character is found (docs/search.md).
--
-- The search triggers of 1.3.0 and 1.6.0 cut a field to its first 65536 characters with substr(), which reads text as
-- a C string and stops at the first NUL (U+0000): 'desc x<NUL>y nulinside' was indexed as 'desc x', and FTS5's
-- snippet() would stop at a NUL too. The triggers are redefined so that the text they give search_entries (the
-- index's content, from which snippets are cut) has each NUL replaced by a space, character for character, before the
-- cut: the same 65536 characters, every word after a NUL found, snippet offsets unchanged. The rows themselves keep
-- their NUL (docs/json-format.md). A field without NUL takes the path of 1.3.0 (instr() finds no NUL: same text, same
-- cost). SQLite's replace() cannot replace a NUL (an empty pattern to it), so a field with one goes through JSON:
-- json_quote() escapes it as \u0000; an escaped backslash is set aside first (char(1), which json_quote() never
-- writes unescaped), so only a real NUL's escape becomes a space; json_extract() reads the text back (text that is not
-- UTF-8, which JSON cannot hold, keeps the cut of 1.3.0 rather than refuse the row).
-- The entries of the rows already holding a NUL are written again by this migration, as these triggers write them.
-- Large content: the store gave blob_search_index a blob's text as a parameter, which SQLite read up to the first NUL;
-- the blobs whose indexed text holds one are indexed again, with each NUL a space, by functions the migrator registers
-- (acode_blob_search_nul, acode_blob_search_text: each blob decompressed once or twice, its first 256 KiB).

DROP TRIGGER search_sessions_insert;

CREATE TRIGGER search_sessions_insert AFTER INSERT ON sessions BEGIN
    INSERT INTO search_entries (session_id, entity_type, entity_id, field, text, created_at, updated_at)
    SELECT new.id, 'Session', new.id, 'title', CASE WHEN instr(new.title, char(0)) = 0 OR NOT json_valid(replace(replace(replace(json_quote(new.title), '\\', char(1)), '\u0000', ' '), char(1), '\\')) THEN substr(new.title, 1, 65536) ELSE substr(json_extract(replace(replace(replace(json_quote(new.title), '\\', char(1)), '\u0000', ' '), char(1), '\\'), '$'), 1, 65536) END, new.updated_at, new.updated_at WHERE new.title IS NOT NULL AND new.title <> '';
    INSERT INTO search_entries (session_id, entity_type, entity_id, field, text, created_at, updated_at)
    SELECT new.id, 'Session', new.id, 'goal', CASE WHEN instr(new.goal, char(0)) = 0 OR NOT json_valid(replace(replace(replace(json_quote(new.goal), '\\', char(1)), '\u0000', ' '), char(1), '\\')) THEN substr(new.goal, 1, 65536) ELSE substr(json_extract(replace(replace(replace(json_quote(new.goal), '\\', char(1)), '\u0000', ' '), char(1), '\\'), '$'), 1, 65536) END, new.updated_at, new.updated_at WHERE new.goal IS NOT NULL AND new.goal <> '';
END;

DROP TRIGGER search_sessions_update;

CREATE TRIGGER search_sessions_update AFTER UPDATE OF title, goal ON sessions BEGIN
    DELETE FROM search_entries WHERE entity_id = old.id AND field = 'title' AND old.title IS NOT new.title;
    INSERT INTO search_entries (session_id, entity_type, entity_id, field, text, created_at, updated_at)
    SELECT new.id, 'Session', new.id, 'title', CASE WHEN instr(new.title, char(0)) = 0 OR NOT json_valid(replace(replace(replace(json_quote(new.title), '\\', char(1)), '\u0000', ' '), char(1), '\\')) THEN substr(new.title, 1, 65536) ELSE substr(json_extract(replace(replace(replace(json_quote(new.title), '\\', char(1)), '\u0000', ' '), char(1), '\\'), '$'), 1, 65536) END, new.updated_at, new.updated_at WHERE new.title IS NOT NULL AND new.title <> '' AND old.title IS NOT new.title;
    DELETE FROM search_entries WHERE entity_id = old.id AND field = 'goal' AND old.goal IS NOT new.goal;
    INSERT INTO search_entries (session_id, entity_type, entity_id, field, text, created_at, updated_at)
    SELECT new.id, 'Session', new.id, 'goal', CASE WHEN instr(new.goal, char(0)) = 0 OR NOT json_valid(replace(replace(replace(json_quote(new.goal), '\\', char(1)), '\u0000', ' '), char(1), '\\')) THEN substr(new.goal, 1, 65536) ELSE substr(json_extract(replace(replace(replace(json_quote(new.goal), '\\', char(1)), '\u0000', ' '), char(1), '\\'), '$'), 1, 65536) END, new.updated_at, new.updated_at WHERE new.goal IS NOT NULL AND new.goal <> '' AND old.goal IS NOT new.goal;
END;

DROP TRIGGER search_session_tasks_insert;

CREATE TRIGGER search_session_tasks_insert AFTER INSERT ON session_tasks BEGIN
    INSERT INTO search_entries (session_id, entity_type, entity_id, field, text, created_at, updated_at)
    SELECT new.session_id, 'SessionTask', new.id, 'title', CASE WHEN instr(new.title, char(0)) = 0 OR NOT json_valid(replace(replace(replace(json_quote(new.title), '\\', char(1)), '\u0000', ' '), char(1), '\\')) THEN substr(new.title, 1, 65536) ELSE substr(json_extract(replace(replace(replace(json_quote(new.title), '\\', char(1)), '\u0000', ' '), char(1), '\\'), '$'), 1, 65536) END, new.updated_at, new.updated_at WHERE new.title IS NOT NULL AND new.title <> '';
    INSERT INTO search_entries (session_id, entity_type, entity_id, field, text, created_at, updated_at)
    SELECT new.session_id, 'SessionTask', new.id, 'description', CASE WHEN instr(new.description, char(0)) = 0 OR NOT json_valid(replace(replace(replace(json_quote(new.description), '\\', char(1)), '\u0000', ' '), char(1), '\\')) THEN substr(new.description, 1, 65536) ELSE substr(json_extract(replace(replace(replace(json_quote(new.description), '\\', char(1)), '\u0000', ' '), char(1), '\\'), '$'), 1, 65536) END, new.updated_at, new.updated_at WHERE new.description IS NOT NULL AND new.description <> '';
END;

DROP TRIGGER search_session_tasks_update;

CREATE TRIGGER search_session_tasks_update AFTER UPDATE OF title, description ON session_tasks BEGIN
    DELETE FROM search_entries WHERE entity_id = old.id AND field = 'title' AND old.title IS NOT new.title;
    INSERT INTO search_entries (session_id, entity_type, entity_id, field, text, created_at, updated_at)
    SELECT new.session_id, 'SessionTask', new.id, 'title', CASE WHEN instr(new.title, char(0)) = 0 OR NOT json_valid(replace(replace(replace(json_quote(new.title), '\\', char(1)), '\u0000', ' '), char(1), '\\')) THEN substr(new.title, 1, 65536) ELSE substr(json_extract(replace(replace(replace(json_quote(new.title), '\\', char(1)), '\u0000', ' '), char(1), '\\'), '$'), 1, 65536) END, new.updated_at, new.updated_at WHERE new.title IS NOT NULL AND new.title <> '' AND old.title IS NOT new.title;
    DELETE FROM search_entries WHERE entity_id = old.id AND field = 'description' AND old.description IS NOT new.description;
    INSERT INTO search_entries (session_id, entity_type, entity_id, field, text, created_at, updated_at)
    SELECT new.session_id, 'SessionTask', new.id, 'description', CASE WHEN instr(new.description, char(0)) = 0 OR NOT json_valid(replace(replace(replace(json_quote(new.description), '\\', char(1)), '\u0000', ' '), char(1), '\\')) THEN substr(new.description, 1, 65536) ELSE substr(json_extract(replace(replace(replace(json_quote(new.description), '\\', char(1)), '\u0000', ' '), char(1), '\\'), '$'), 1, 65536) END, new.updated_at, new.updated_at WHERE new.description IS NOT NULL AND new.description <> '' AND old.description IS NOT new.description;
END;

DROP TRIGGER search_steps_insert;

CREATE TRIGGER search_steps_insert AFTER INSERT ON steps BEGIN
    INSERT INTO search_entries (session_id, entity_type, entity_id, field, text, created_at, updated_at)
    SELECT new.session_id, 'Step', new.id, 'title', CASE WHEN instr(new.title, char(0)) = 0 OR NOT json_valid(replace(replace(replace(json_quote(new.title), '\\', char(1)), '\u0000', ' '), char(1), '\\')) THEN substr(new.title, 1, 65536) ELSE substr(json_extract(replace(replace(replace(json_quote(new.title), '\\', char(1)), '\u0000', ' '), char(1), '\\'), '$'), 1, 65536) END, new.updated_at, new.updated_at WHERE new.title IS NOT NULL AND new.title <> '';
    INSERT INTO search_entries (session_id, entity_type, entity_id, field, text, created_at, updated_at)
    SELECT new.session_id, 'Step', new.id, 'description', CASE WHEN instr(new.description, char(0)) = 0 OR NOT json_valid(replace(replace(replace(json_quote(new.description), '\\', char(1)), '\u0000', ' '), char(1), '\\')) THEN substr(new.description, 1, 65536) ELSE substr(json_extract(replace(replace(replace(json_quote(new.description), '\\', char(1)), '\u0000', ' '), char(1), '\\'), '$'), 1, 65536) END, new.updated_at, new.updated_at WHERE new.description IS NOT NULL AND new.description <> '';
END;

DROP TRIGGER search_steps_update;

CREATE TRIGGER search_steps_update AFTER UPDATE OF title, description ON steps BEGIN
    DELETE FROM search_entries WHERE entity_id = old.id AND field = 'title' AND old.title IS NOT new.title;
    INSERT INTO search_entries (session_id, entity_type, entity_id, field, text, created_at, updated_at)
    SELECT new.session_id, 'Step', new.id, 'title', CASE WHEN instr(new.title, char(0)) = 0 OR NOT json_valid(replace(replace(replace(json_quote(new.title), '\\', char(1)), '\u0000', ' '), char(1), '\\')) THEN substr(new.title, 1, 65536) ELSE substr(json_extract(replace(replace(replace(json_quote(new.title), '\\', char(1)), '\u0000', ' '), char(1), '\\'), '$'), 1, 65536) END, new.updated_at, new.updated_at WHERE new.title IS NOT NULL AND new.title <> '' AND old.title IS NOT new.title;
    DELETE FROM search_entries WHERE entity_id = old.id AND field = 'description' AND old.description IS NOT new.description;
    INSERT INTO search_entries (session_id, entity_type, entity_id, field, text, created_at, updated_at)
    SELECT new.session_id, 'Step', new.id, 'description', CASE WHEN instr(new.description, char(0)) = 0 OR NOT json_valid(replace(replace(replace(json_quote(new.description), '\\', char(1)), '\u0000', ' '), char(1), '\\')) THEN substr(new.description, 1, 65536) ELSE substr(json_extract(replace(replace(replace(json_quote(new.description), '\\', char(1)), '\u0000', ' '), char(1), '\\'), '$'), 1, 65536) END, new.updated_at, new.updated_at WHERE new.description IS NOT NULL AND new.description <> '' AND old.description IS NOT new.description;
END;

DROP TRIGGER search_tool_calls_insert;

CREATE TRIGGER search_tool_calls_insert AFTER INSERT ON tool_calls BEGIN
    INSERT INTO search_entries (session_id, entity_type, entity_id, field, text, created_at, updated_at)
    SELECT new.session_id, 'ToolCall', new.id, 'tool_name', CASE WHEN instr(new.tool_name, char(0)) = 0 OR NOT json_valid(replace(replace(replace(json_quote(new.tool_name), '\\', char(1)), '\u0000', ' '), char(1), '\\')) THEN substr(new.tool_name, 1, 65536) ELSE substr(json_extract(replace(replace(replace(json_quote(new.tool_name), '\\', char(1)), '\u0000', ' '), char(1), '\\'), '$'), 1, 65536) END, new.updated_at, new.updated_at WHERE new.tool_name IS NOT NULL AND new.tool_name <> '';
    INSERT INTO search_entries (session_id, entity_type, entity_id, field, text, created_at, updated_at)
    SELECT new.session_id, 'ToolCall', new.id, 'arguments', CASE WHEN instr(new.arguments, char(0)) = 0 OR NOT json_valid(replace(replace(replace(json_quote(new.arguments), '\\', char(1)), '\u0000', ' '), char(1), '\\')) THEN substr(new.arguments, 1, 65536) ELSE substr(json_extract(replace(replace(replace(json_quote(new.arguments), '\\', char(1)), '\u0000', ' '), char(1), '\\'), '$'), 1, 65536) END, new.updated_at, new.updated_at WHERE new.arguments IS NOT NULL AND new.arguments <> '' AND new.arguments_blob IS NULL;
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
    SELECT new.session_id, 'ToolCall', new.id, 'arguments', CASE WHEN instr(new.arguments, char(0)) = 0 OR NOT json_valid(replace(replace(replace(json_quote(new.arguments), '\\', char(1)), '\u0000', ' '), char(1), '\\')) THEN substr(new.arguments, 1, 65536) ELSE substr(json_extract(replace(replace(replace(json_quote(new.arguments), '\\', char(1)), '\u0000', ' '), char(1), '\\'), '$'), 1, 65536) END, new.updated_at, new.updated_at WHERE new.arguments IS NOT NULL AND new.arguments <> '' AND new.arguments_blob IS NULL AND (old.arguments IS NOT new.arguments OR old.arguments_blob IS NOT new.arguments_blob);
    DELETE FROM search_entries WHERE entity_id = old.id AND field = 'result' AND (old.result IS NOT new.result OR old.result_blob IS NOT new.result_blob);
    INSERT INTO search_entries (session_id, entity_type, entity_id, field, text, created_at, updated_at)
    SELECT new.session_id, 'ToolCall', new.id, 'result', CASE WHEN instr(new.result, char(0)) = 0 OR NOT json_valid(replace(replace(replace(json_quote(new.result), '\\', char(1)), '\u0000', ' '), char(1), '\\')) THEN substr(new.result, 1, 65536) ELSE substr(json_extract(replace(replace(replace(json_quote(new.result), '\\', char(1)), '\u0000', ' '), char(1), '\\'), '$'), 1, 65536) END, new.updated_at, new.updated_at WHERE new.result IS NOT NULL AND new.result <> '' AND new.result_blob IS NULL AND (old.result IS NOT new.result OR old.result_blob IS NOT new.result_blob);
    DELETE FROM search_entries WHERE entity_id = old.id AND field = 'error' AND old.error IS NOT new.error;
    INSERT INTO search_entries (session_id, entity_type, entity_id, field, text, created_at, updated_at)
    SELECT new.session_id, 'ToolCall', new.id, 'error', CASE WHEN instr(new.error, char(0)) = 0 OR NOT json_valid(replace(replace(replace(json_quote(new.error), '\\', char(1)), '\u0000', ' '), char(1), '\\')) THEN substr(new.error, 1, 65536) ELSE substr(json_extract(replace(replace(replace(json_quote(new.error), '\\', char(1)), '\u0000', ' '), char(1), '\\'), '$'), 1, 65536) END, new.updated_at, new.updated_at WHERE new.error IS NOT NULL AND new.error <> '' AND old.error IS NOT new.error;
END;

DROP TRIGGER search_artifacts_insert;

CREATE TRIGGER search_artifacts_insert AFTER INSERT ON artifacts BEGIN
    INSERT INTO search_entries (session_id, entity_type, entity_id, field, text, created_at, updated_at)
    SELECT new.session_id, 'Artifact', new.id, 'name', CASE WHEN instr(new.name, char(0)) = 0 OR NOT json_valid(replace(replace(replace(json_quote(new.name), '\\', char(1)), '\u0000', ' '), char(1), '\\')) THEN substr(new.name, 1, 65536) ELSE substr(json_extract(replace(replace(replace(json_quote(new.name), '\\', char(1)), '\u0000', ' '), char(1), '\\'), '$'), 1, 65536) END, new.updated_at, new.updated_at WHERE new.name <> '';
    INSERT INTO search_entries (session_id, entity_type, entity_id, field, text, created_at, updated_at)
    SELECT new.session_id, 'Artifact', new.id, 'content', CASE WHEN instr(CAST(new.content AS TEXT), char(0)) = 0 OR NOT json_valid(replace(replace(replace(json_quote(CAST(new.content AS TEXT)), '\\', char(1)), '\u0000', ' '), char(1), '\\')) THEN substr(CAST(new.content AS TEXT), 1, 65536) ELSE substr(json_extract(replace(replace(replace(json_quote(CAST(new.content AS TEXT)), '\\', char(1)), '\u0000', ' '), char(1), '\\'), '$'), 1, 65536) END, new.updated_at, new.updated_at
    WHERE new.content IS NOT NULL AND length(new.content) > 0 AND new.content_blob IS NULL AND (new.kind IN ('Diff', 'Log') OR lower(new.media_type) LIKE 'text/%' OR lower(new.media_type) LIKE '%json%' OR lower(new.media_type) LIKE '%xml%' OR lower(new.media_type) LIKE '%yaml%' OR lower(new.media_type) LIKE '%javascript%');
END;

DROP TRIGGER search_artifacts_update;

CREATE TRIGGER search_artifacts_update AFTER UPDATE OF name, kind, media_type, content, content_blob ON artifacts
WHEN old.name IS NOT new.name OR old.kind IS NOT new.kind OR old.media_type IS NOT new.media_type OR old.content IS NOT new.content OR old.content_blob IS NOT new.content_blob BEGIN
    DELETE FROM search_entries WHERE entity_id = old.id;
    INSERT INTO search_entries (session_id, entity_type, entity_id, field, text, created_at, updated_at)
    SELECT new.session_id, 'Artifact', new.id, 'name', CASE WHEN instr(new.name, char(0)) = 0 OR NOT json_valid(replace(replace(replace(json_quote(new.name), '\\', char(1)), '\u0000', ' '), char(1), '\\')) THEN substr(new.name, 1, 65536) ELSE substr(json_extract(replace(replace(replace(json_quote(new.name), '\\', char(1)), '\u0000', ' '), char(1), '\\'), '$'), 1, 65536) END, new.updated_at, new.updated_at WHERE new.name <> '';
    INSERT INTO search_entries (session_id, entity_type, entity_id, field, text, created_at, updated_at)
    SELECT new.session_id, 'Artifact', new.id, 'content', CASE WHEN instr(CAST(new.content AS TEXT), char(0)) = 0 OR NOT json_valid(replace(replace(replace(json_quote(CAST(new.content AS TEXT)), '\\', char(1)), '\u0000', ' '), char(1), '\\')) THEN substr(CAST(new.content AS TEXT), 1, 65536) ELSE substr(json_extract(replace(replace(replace(json_quote(CAST(new.content AS TEXT)), '\\', char(1)), '\u0000', ' '), char(1), '\\'), '$'), 1, 65536) END, new.updated_at, new.updated_at
    WHERE new.content IS NOT NULL AND length(new.content) > 0 AND new.content_blob IS NULL AND (new.kind IN ('Diff', 'Log') OR lower(new.media_type) LIKE 'text/%' OR lower(new.media_type) LIKE '%json%' OR lower(new.media_type) LIKE '%xml%' OR lower(new.media_type) LIKE '%yaml%' OR lower(new.media_type) LIKE '%javascript%');
END;

-- The rows already holding a NUL: their entries again, as the triggers above write them.
DELETE FROM search_entries WHERE entity_type = 'Session' AND field = 'title' AND entity_id IN (SELECT id FROM sessions WHERE instr(title, char(0)) > 0);
INSERT INTO search_entries (session_id, entity_type, entity_id, field, text, created_at, updated_at)
SELECT id, 'Session', id, 'title', CASE WHEN instr(title, char(0)) = 0 OR NOT json_valid(replace(replace(replace(json_quote(title), '\\', char(1)), '\u0000', ' '), char(1), '\\')) THEN substr(title, 1, 65536) ELSE substr(json_extract(replace(replace(replace(json_quote(title), '\\', char(1)), '\u0000', ' '), char(1), '\\'), '$'), 1, 65536) END, updated_at, updated_at FROM sessions WHERE instr(title, char(0)) > 0;
DELETE FROM search_entries WHERE entity_type = 'Session' AND field = 'goal' AND entity_id IN (SELECT id FROM sessions WHERE instr(goal, char(0)) > 0);
INSERT INTO search_entries (session_id, entity_type, entity_id, field, text, created_at, updated_at)
SELECT id, 'Session', id, 'goal', CASE WHEN instr(goal, char(0)) = 0 OR NOT json_valid(replace(replace(replace(json_quote(goal), '\\', char(1)), '\u0000', ' '), char(1), '\\')) THEN substr(goal, 1, 65536) ELSE substr(json_extract(replace(replace(replace(json_quote(goal), '\\', char(1)), '\u0000', ' '), char(1), '\\'), '$'), 1, 65536) END, updated_at, updated_at FROM sessions WHERE instr(goal, char(0)) > 0;
DELETE FROM search_entries WHERE entity_type = 'SessionTask' AND field = 'title' AND entity_id IN (SELECT id FROM session_tasks WHERE instr(title, char(0)) > 0);
INSERT INTO search_entries (session_id, entity_type, entity_id, field, text, created_at, updated_at)
SELECT session_id, 'SessionTask', id, 'title', CASE WHEN instr(title, char(0)) = 0 OR NOT json_valid(replace(replace(replace(json_quote(title), '\\', char(1)), '\u0000', ' '), char(1), '\\')) THEN substr(title, 1, 65536) ELSE substr(json_extract(replace(replace(replace(json_quote(title), '\\', char(1)), '\u0000', ' '), char(1), '\\'), '$'), 1, 65536) END, updated_at, updated_at FROM session_tasks WHERE instr(title, char(0)) > 0;
DELETE FROM search_entries WHERE entity_type = 'SessionTask' AND field = 'description' AND entity_id IN (SELECT id FROM session_tasks WHERE instr(description, char(0)) > 0);
INSERT INTO search_entries (session_id, entity_type, entity_id, field, text, created_at, updated_at)
SELECT session_id, 'SessionTask', id, 'description', CASE WHEN instr(description, char(0)) = 0 OR NOT json_valid(replace(replace(replace(json_quote(description), '\\', char(1)), '\u0000', ' '), char(1), '\\')) THEN substr(description, 1, 65536) ELSE substr(json_extract(replace(replace(replace(json_quote(description), '\\', char(1)), '\u0000', ' '), char(1), '\\'), '$'), 1, 65536) END, updated_at, updated_at FROM session_tasks WHERE instr(description, char(0)) > 0;
DELETE FROM search_entries WHERE entity_type = 'Step' AND field = 'title' AND entity_id IN (SELECT id FROM steps WHERE instr(title, char(0)) > 0);
INSERT INTO search_entries (session_id, entity_type, entity_id, field, text, created_at, updated_at)
SELECT session_id, 'Step', id, 'title', CASE WHEN instr(title, char(0)) = 0 OR NOT json_valid(replace(replace(replace(json_quote(title), '\\', char(1)), '\u0000', ' '), char(1), '\\')) THEN substr(title, 1, 65536) ELSE substr(json_extract(replace(replace(replace(json_quote(title), '\\', char(1)), '\u0000', ' '), char(1), '\\'), '$'), 1, 65536) END, updated_at, updated_at FROM steps WHERE instr(title, char(0)) > 0;
DELETE FROM search_entries WHERE entity_type = 'Step' AND field = 'description' AND entity_id IN (SELECT id FROM steps WHERE instr(description, char(0)) > 0);
INSERT INTO search_entries (session_id, entity_type, entity_id, field, text, created_at, updated_at)
SELECT session_id, 'Step', id, 'description', CASE WHEN instr(description, char(0)) = 0 OR NOT json_valid(replace(replace(replace(json_quote(description), '\\', char(1)), '\u0000', ' '), char(1), '\\')) THEN substr(description, 1, 65536) ELSE substr(json_extract(replace(replace(replace(json_quote(description), '\\', char(1)), '\u0000', ' '), char(1), '\\'), '$'), 1, 65536) END, updated_at, updated_at FROM steps WHERE instr(description, char(0)) > 0;
DELETE FROM search_entries WHERE entity_type = 'ToolCall' AND field = 'tool_name' AND entity_id IN (SELECT id FROM tool_calls WHERE instr(tool_name, char(0)) > 0);
INSERT INTO search_entries (session_id, entity_type, entity_id, field, text, created_at, updated_at)
SELECT session_id, 'ToolCall', id, 'tool_name', CASE WHEN instr(tool_name, char(0)) = 0 OR NOT json_valid(replace(replace(replace(json_quote(tool_name), '\\', char(1)), '\u0000', ' '), char(1), '\\')) THEN substr(tool_name, 1, 65536) ELSE substr(json_extract(replace(replace(replace(json_quote(tool_name), '\\', char(1)), '\u0000', ' '), char(1), '\\'), '$'), 1, 65536) END, updated_at, updated_at FROM tool_calls WHERE instr(tool_name, char(0)) > 0;
DELETE FROM search_entries WHERE entity_type = 'ToolCall' AND field = 'arguments' AND entity_id IN (SELECT id FROM tool_calls WHERE instr(arguments, char(0)) > 0);
INSERT INTO search_entries (session_id, entity_type, entity_id, field, text, created_at, updated_at)
SELECT session_id, 'ToolCall', id, 'arguments', CASE WHEN instr(arguments, char(0)) = 0 OR NOT json_valid(replace(replace(replace(json_quote(arguments), '\\', char(1)), '\u0000', ' '), char(1), '\\')) THEN substr(arguments, 1, 65536) ELSE substr(json_extract(replace(replace(replace(json_quote(arguments), '\\', char(1)), '\u0000', ' '), char(1), '\\'), '$'), 1, 65536) END, updated_at, updated_at FROM tool_calls WHERE instr(arguments, char(0)) > 0 AND arguments_blob IS NULL;
DELETE FROM search_entries WHERE entity_type = 'ToolCall' AND field = 'result' AND entity_id IN (SELECT id FROM tool_calls WHERE instr(result, char(0)) > 0);
INSERT INTO search_entries (session_id, entity_type, entity_id, field, text, created_at, updated_at)
SELECT session_id, 'ToolCall', id, 'result', CASE WHEN instr(result, char(0)) = 0 OR NOT json_valid(replace(replace(replace(json_quote(result), '\\', char(1)), '\u0000', ' '), char(1), '\\')) THEN substr(result, 1, 65536) ELSE substr(json_extract(replace(replace(replace(json_quote(result), '\\', char(1)), '\u0000', ' '), char(1), '\\'), '$'), 1, 65536) END, updated_at, updated_at FROM tool_calls WHERE instr(result, char(0)) > 0 AND result_blob IS NULL;
DELETE FROM search_entries WHERE entity_type = 'ToolCall' AND field = 'error' AND entity_id IN (SELECT id FROM tool_calls WHERE instr(error, char(0)) > 0);
INSERT INTO search_entries (session_id, entity_type, entity_id, field, text, created_at, updated_at)
SELECT session_id, 'ToolCall', id, 'error', CASE WHEN instr(error, char(0)) = 0 OR NOT json_valid(replace(replace(replace(json_quote(error), '\\', char(1)), '\u0000', ' '), char(1), '\\')) THEN substr(error, 1, 65536) ELSE substr(json_extract(replace(replace(replace(json_quote(error), '\\', char(1)), '\u0000', ' '), char(1), '\\'), '$'), 1, 65536) END, updated_at, updated_at FROM tool_calls WHERE instr(error, char(0)) > 0;
DELETE FROM search_entries WHERE entity_type = 'Artifact' AND field = 'name' AND entity_id IN (SELECT id FROM artifacts WHERE instr(name, char(0)) > 0);
INSERT INTO search_entries (session_id, entity_type, entity_id, field, text, created_at, updated_at)
SELECT session_id, 'Artifact', id, 'name', CASE WHEN instr(name, char(0)) = 0 OR NOT json_valid(replace(replace(replace(json_quote(name), '\\', char(1)), '\u0000', ' '), char(1), '\\')) THEN substr(name, 1, 65536) ELSE substr(json_extract(replace(replace(replace(json_quote(name), '\\', char(1)), '\u0000', ' '), char(1), '\\'), '$'), 1, 65536) END, updated_at, updated_at FROM artifacts WHERE instr(name, char(0)) > 0;
DELETE FROM search_entries WHERE entity_type = 'Artifact' AND field = 'content' AND entity_id IN (SELECT id FROM artifacts WHERE content IS NOT NULL AND instr(CAST(content AS TEXT), char(0)) > 0);
INSERT INTO search_entries (session_id, entity_type, entity_id, field, text, created_at, updated_at)
SELECT session_id, 'Artifact', id, 'content', CASE WHEN instr(CAST(content AS TEXT), char(0)) = 0 OR NOT json_valid(replace(replace(replace(json_quote(CAST(content AS TEXT)), '\\', char(1)), '\u0000', ' '), char(1), '\\')) THEN substr(CAST(content AS TEXT), 1, 65536) ELSE substr(json_extract(replace(replace(replace(json_quote(CAST(content AS TEXT)), '\\', char(1)), '\u0000', ' '), char(1), '\\'), '$'), 1, 65536) END, updated_at, updated_at FROM artifacts
WHERE content IS NOT NULL AND content_blob IS NULL AND instr(CAST(content AS TEXT), char(0)) > 0 AND (kind IN ('Diff', 'Log') OR lower(media_type) LIKE 'text/%' OR lower(media_type) LIKE '%json%' OR lower(media_type) LIKE '%xml%' OR lower(media_type) LIKE '%yaml%' OR lower(media_type) LIKE '%javascript%');

-- Blobs whose indexed text holds a NUL: indexed again (an entry FTS5 holds no document for is indexed with them).
DELETE FROM blob_search_index WHERE rowid IN (
    SELECT e.id FROM blob_search_entries e JOIN blobs b ON b.hash = e.hash WHERE acode_blob_search_nul(b.codec, b.content, b.raw_length));
INSERT INTO blob_search_index (rowid, text)
SELECT e.id, acode_blob_search_text(b.codec, b.content, b.raw_length) FROM blob_search_entries e JOIN blobs b ON b.hash = e.hash
WHERE NOT EXISTS (SELECT 1 FROM blob_search_index_docsize d WHERE d.id = e.id) AND acode_blob_search_text(b.codec, b.content, b.raw_length) IS NOT NULL;
