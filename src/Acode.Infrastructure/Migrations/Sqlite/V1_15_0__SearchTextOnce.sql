-- acode workspace database, schema 1.15.0: the text of a searchable field is stored once, in its row (docs/search.md,
-- "Where the indexed text is kept"; docs/performance.md, issue 15 part 4).
--
-- Before, search_entries held its own copy of every indexed field's text (its first 65536 characters, with the NULs
-- of 1.10.0 and the JSON escapes of 1.13.0 replaced), so a 2 KB tool result was stored twice in the workspace, and a
-- save wrote its text into two b-trees. That copy is needed only where the indexed text differs from the field: a
-- field over 65536 characters, holding a NUL, or JSON holding a backslash. The table becomes search_entry_rows, whose
-- text is NULL where the indexed text is exactly the field as its row stores it, and search_entries becomes a view of
-- the same columns whose text is the stored copy or, where there is none, the field read from its row by id. The FTS5
-- index search_index keeps its definition (content='search_entries', content_rowid='id': FTS5 reads an external
-- content table's text by rowid, and that table may be a view, https://sqlite.org/fts5.html#external_content_tables),
-- so its words are unchanged and nothing is re-indexed; snippets are cut from the same text.
--
-- FTS5 must be told the exact text of an entry it removes. An entry's own copy gives it, as before
-- (search_entry_rows_delete); for an entry without one, the field has by then changed or its row is gone, so the
-- triggers of the entity tables pass the old row's field (old.result, ...) before removing the entry. An entry without
-- a copy keeps matching its row: the field is the text it was indexed with until an update of that field, which
-- removes the entry first. The search triggers of every entity table are redefined for this; what they index is
-- unchanged (nullif(indexed text, field) is the copy they store). An update that changes a row's id or session (only
-- a hand edit does) now moves its entries with it (before, they kept naming the old id, a hit nothing could open),
-- since an entry without a copy reads its text from the row by that id.
-- Existing entries lose their copy where it equals their row's field now.

DROP TRIGGER search_entries_insert;
DROP TRIGGER search_entries_delete;

CREATE TABLE search_entry_rows (
    id           INTEGER PRIMARY KEY,
    session_id   TEXT NOT NULL,
    entity_type  TEXT NOT NULL,
    entity_id    TEXT NOT NULL,
    field        TEXT NOT NULL,
    text         TEXT,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    UNIQUE (entity_id, field)
) STRICT;

INSERT INTO search_entry_rows (id, session_id, entity_type, entity_id, field, text, created_at, updated_at)
SELECT e.id, e.session_id, e.entity_type, e.entity_id, e.field, nullif(e.text, CASE e.entity_type
        WHEN 'Session' THEN (SELECT CASE e.field WHEN 'title' THEN x.title WHEN 'goal' THEN x.goal END FROM sessions x WHERE x.id = e.entity_id)
        WHEN 'SessionTask' THEN (SELECT CASE e.field WHEN 'title' THEN x.title WHEN 'description' THEN x.description END FROM session_tasks x WHERE x.id = e.entity_id)
        WHEN 'Step' THEN (SELECT CASE e.field WHEN 'title' THEN x.title WHEN 'description' THEN x.description END FROM steps x WHERE x.id = e.entity_id)
        WHEN 'ToolCall' THEN (SELECT CASE e.field WHEN 'tool_name' THEN x.tool_name WHEN 'arguments' THEN x.arguments WHEN 'result' THEN x.result WHEN 'error' THEN x.error END FROM tool_calls x WHERE x.id = e.entity_id)
        WHEN 'Artifact' THEN (SELECT CASE e.field WHEN 'name' THEN x.name WHEN 'content' THEN CAST(x.content AS TEXT) END FROM artifacts x WHERE x.id = e.entity_id)
    END), e.created_at, e.updated_at
FROM search_entries e;

DROP TABLE search_entries;

CREATE INDEX ix_search_entry_rows_session ON search_entry_rows (session_id);

CREATE VIEW search_entries (id, session_id, entity_type, entity_id, field, text, created_at, updated_at) AS
SELECT r.id, r.session_id, r.entity_type, r.entity_id, r.field, coalesce(r.text, CASE r.entity_type
        WHEN 'Session' THEN (SELECT CASE r.field WHEN 'title' THEN x.title WHEN 'goal' THEN x.goal END FROM sessions x WHERE x.id = r.entity_id)
        WHEN 'SessionTask' THEN (SELECT CASE r.field WHEN 'title' THEN x.title WHEN 'description' THEN x.description END FROM session_tasks x WHERE x.id = r.entity_id)
        WHEN 'Step' THEN (SELECT CASE r.field WHEN 'title' THEN x.title WHEN 'description' THEN x.description END FROM steps x WHERE x.id = r.entity_id)
        WHEN 'ToolCall' THEN (SELECT CASE r.field WHEN 'tool_name' THEN x.tool_name WHEN 'arguments' THEN x.arguments WHEN 'result' THEN x.result WHEN 'error' THEN x.error END FROM tool_calls x WHERE x.id = r.entity_id)
        WHEN 'Artifact' THEN (SELECT CASE r.field WHEN 'name' THEN x.name WHEN 'content' THEN CAST(x.content AS TEXT) END FROM artifacts x WHERE x.id = r.entity_id)
    END), r.created_at, r.updated_at
FROM search_entry_rows r;

CREATE TRIGGER search_entry_rows_insert AFTER INSERT ON search_entry_rows BEGIN
    INSERT INTO search_index (rowid, text) SELECT id, text FROM search_entries WHERE id = new.id;
END;

CREATE TRIGGER search_entry_rows_delete AFTER DELETE ON search_entry_rows WHEN old.text IS NOT NULL BEGIN
    INSERT INTO search_index (search_index, rowid, text) VALUES ('delete', old.id, old.text);
END;

DROP TRIGGER search_sessions_insert;

CREATE TRIGGER search_sessions_insert AFTER INSERT ON sessions BEGIN
    INSERT INTO search_entry_rows (session_id, entity_type, entity_id, field, text, created_at, updated_at)
    SELECT new.id, 'Session', new.id, 'title', nullif(CASE WHEN instr(new.title, char(0)) = 0 OR NOT json_valid(replace(replace(replace(json_quote(new.title), '\\', char(1)), '\u0000', ' '), char(1), '\\')) THEN substr(new.title, 1, 65536) ELSE substr(json_extract(replace(replace(replace(json_quote(new.title), '\\', char(1)), '\u0000', ' '), char(1), '\\'), '$'), 1, 65536) END, new.title), new.updated_at, new.updated_at WHERE new.title IS NOT NULL AND new.title <> '';
    INSERT INTO search_entry_rows (session_id, entity_type, entity_id, field, text, created_at, updated_at)
    SELECT new.id, 'Session', new.id, 'goal', nullif(CASE WHEN instr(new.goal, char(0)) = 0 OR NOT json_valid(replace(replace(replace(json_quote(new.goal), '\\', char(1)), '\u0000', ' '), char(1), '\\')) THEN substr(new.goal, 1, 65536) ELSE substr(json_extract(replace(replace(replace(json_quote(new.goal), '\\', char(1)), '\u0000', ' '), char(1), '\\'), '$'), 1, 65536) END, new.goal), new.updated_at, new.updated_at WHERE new.goal IS NOT NULL AND new.goal <> '';
END;

DROP TRIGGER search_sessions_update;

CREATE TRIGGER search_sessions_update AFTER UPDATE OF title, goal, id ON sessions BEGIN
    UPDATE search_entry_rows SET entity_id = new.id, session_id = new.id WHERE entity_id = old.id AND old.id IS NOT new.id;
    INSERT INTO search_index (search_index, rowid, text) SELECT 'delete', id, old.title FROM search_entry_rows WHERE entity_id = new.id AND field = 'title' AND old.title IS NOT new.title AND text IS NULL;
    DELETE FROM search_entry_rows WHERE entity_id = new.id AND field = 'title' AND old.title IS NOT new.title;
    INSERT INTO search_entry_rows (session_id, entity_type, entity_id, field, text, created_at, updated_at)
    SELECT new.id, 'Session', new.id, 'title', nullif(CASE WHEN instr(new.title, char(0)) = 0 OR NOT json_valid(replace(replace(replace(json_quote(new.title), '\\', char(1)), '\u0000', ' '), char(1), '\\')) THEN substr(new.title, 1, 65536) ELSE substr(json_extract(replace(replace(replace(json_quote(new.title), '\\', char(1)), '\u0000', ' '), char(1), '\\'), '$'), 1, 65536) END, new.title), new.updated_at, new.updated_at WHERE new.title IS NOT NULL AND new.title <> '' AND old.title IS NOT new.title;
    INSERT INTO search_index (search_index, rowid, text) SELECT 'delete', id, old.goal FROM search_entry_rows WHERE entity_id = new.id AND field = 'goal' AND old.goal IS NOT new.goal AND text IS NULL;
    DELETE FROM search_entry_rows WHERE entity_id = new.id AND field = 'goal' AND old.goal IS NOT new.goal;
    INSERT INTO search_entry_rows (session_id, entity_type, entity_id, field, text, created_at, updated_at)
    SELECT new.id, 'Session', new.id, 'goal', nullif(CASE WHEN instr(new.goal, char(0)) = 0 OR NOT json_valid(replace(replace(replace(json_quote(new.goal), '\\', char(1)), '\u0000', ' '), char(1), '\\')) THEN substr(new.goal, 1, 65536) ELSE substr(json_extract(replace(replace(replace(json_quote(new.goal), '\\', char(1)), '\u0000', ' '), char(1), '\\'), '$'), 1, 65536) END, new.goal), new.updated_at, new.updated_at WHERE new.goal IS NOT NULL AND new.goal <> '' AND old.goal IS NOT new.goal;
END;

DROP TRIGGER search_sessions_delete;

CREATE TRIGGER search_sessions_delete AFTER DELETE ON sessions BEGIN
    INSERT INTO search_index (search_index, rowid, text) SELECT 'delete', id, CASE field WHEN 'title' THEN old.title WHEN 'goal' THEN old.goal END FROM search_entry_rows WHERE entity_id = old.id AND text IS NULL;
    DELETE FROM search_entry_rows WHERE entity_id = old.id;
END;

DROP TRIGGER search_session_tasks_insert;

CREATE TRIGGER search_session_tasks_insert AFTER INSERT ON session_tasks BEGIN
    INSERT INTO search_entry_rows (session_id, entity_type, entity_id, field, text, created_at, updated_at)
    SELECT new.session_id, 'SessionTask', new.id, 'title', nullif(CASE WHEN instr(new.title, char(0)) = 0 OR NOT json_valid(replace(replace(replace(json_quote(new.title), '\\', char(1)), '\u0000', ' '), char(1), '\\')) THEN substr(new.title, 1, 65536) ELSE substr(json_extract(replace(replace(replace(json_quote(new.title), '\\', char(1)), '\u0000', ' '), char(1), '\\'), '$'), 1, 65536) END, new.title), new.updated_at, new.updated_at WHERE new.title IS NOT NULL AND new.title <> '';
    INSERT INTO search_entry_rows (session_id, entity_type, entity_id, field, text, created_at, updated_at)
    SELECT new.session_id, 'SessionTask', new.id, 'description', nullif(CASE WHEN instr(new.description, char(0)) = 0 OR NOT json_valid(replace(replace(replace(json_quote(new.description), '\\', char(1)), '\u0000', ' '), char(1), '\\')) THEN substr(new.description, 1, 65536) ELSE substr(json_extract(replace(replace(replace(json_quote(new.description), '\\', char(1)), '\u0000', ' '), char(1), '\\'), '$'), 1, 65536) END, new.description), new.updated_at, new.updated_at WHERE new.description IS NOT NULL AND new.description <> '';
END;

DROP TRIGGER search_session_tasks_update;

CREATE TRIGGER search_session_tasks_update AFTER UPDATE OF title, description, id, session_id ON session_tasks BEGIN
    UPDATE search_entry_rows SET entity_id = new.id, session_id = new.session_id WHERE entity_id = old.id AND (old.id IS NOT new.id OR old.session_id IS NOT new.session_id);
    INSERT INTO search_index (search_index, rowid, text) SELECT 'delete', id, old.title FROM search_entry_rows WHERE entity_id = new.id AND field = 'title' AND old.title IS NOT new.title AND text IS NULL;
    DELETE FROM search_entry_rows WHERE entity_id = new.id AND field = 'title' AND old.title IS NOT new.title;
    INSERT INTO search_entry_rows (session_id, entity_type, entity_id, field, text, created_at, updated_at)
    SELECT new.session_id, 'SessionTask', new.id, 'title', nullif(CASE WHEN instr(new.title, char(0)) = 0 OR NOT json_valid(replace(replace(replace(json_quote(new.title), '\\', char(1)), '\u0000', ' '), char(1), '\\')) THEN substr(new.title, 1, 65536) ELSE substr(json_extract(replace(replace(replace(json_quote(new.title), '\\', char(1)), '\u0000', ' '), char(1), '\\'), '$'), 1, 65536) END, new.title), new.updated_at, new.updated_at WHERE new.title IS NOT NULL AND new.title <> '' AND old.title IS NOT new.title;
    INSERT INTO search_index (search_index, rowid, text) SELECT 'delete', id, old.description FROM search_entry_rows WHERE entity_id = new.id AND field = 'description' AND old.description IS NOT new.description AND text IS NULL;
    DELETE FROM search_entry_rows WHERE entity_id = new.id AND field = 'description' AND old.description IS NOT new.description;
    INSERT INTO search_entry_rows (session_id, entity_type, entity_id, field, text, created_at, updated_at)
    SELECT new.session_id, 'SessionTask', new.id, 'description', nullif(CASE WHEN instr(new.description, char(0)) = 0 OR NOT json_valid(replace(replace(replace(json_quote(new.description), '\\', char(1)), '\u0000', ' '), char(1), '\\')) THEN substr(new.description, 1, 65536) ELSE substr(json_extract(replace(replace(replace(json_quote(new.description), '\\', char(1)), '\u0000', ' '), char(1), '\\'), '$'), 1, 65536) END, new.description), new.updated_at, new.updated_at WHERE new.description IS NOT NULL AND new.description <> '' AND old.description IS NOT new.description;
END;

DROP TRIGGER search_session_tasks_delete;

CREATE TRIGGER search_session_tasks_delete AFTER DELETE ON session_tasks BEGIN
    INSERT INTO search_index (search_index, rowid, text) SELECT 'delete', id, CASE field WHEN 'title' THEN old.title WHEN 'description' THEN old.description END FROM search_entry_rows WHERE entity_id = old.id AND text IS NULL;
    DELETE FROM search_entry_rows WHERE entity_id = old.id;
END;

DROP TRIGGER search_steps_insert;

CREATE TRIGGER search_steps_insert AFTER INSERT ON steps BEGIN
    INSERT INTO search_entry_rows (session_id, entity_type, entity_id, field, text, created_at, updated_at)
    SELECT new.session_id, 'Step', new.id, 'title', nullif(CASE WHEN instr(new.title, char(0)) = 0 OR NOT json_valid(replace(replace(replace(json_quote(new.title), '\\', char(1)), '\u0000', ' '), char(1), '\\')) THEN substr(new.title, 1, 65536) ELSE substr(json_extract(replace(replace(replace(json_quote(new.title), '\\', char(1)), '\u0000', ' '), char(1), '\\'), '$'), 1, 65536) END, new.title), new.updated_at, new.updated_at WHERE new.title IS NOT NULL AND new.title <> '';
    INSERT INTO search_entry_rows (session_id, entity_type, entity_id, field, text, created_at, updated_at)
    SELECT new.session_id, 'Step', new.id, 'description', nullif(CASE WHEN instr(new.description, char(0)) = 0 OR NOT json_valid(replace(replace(replace(json_quote(new.description), '\\', char(1)), '\u0000', ' '), char(1), '\\')) THEN substr(new.description, 1, 65536) ELSE substr(json_extract(replace(replace(replace(json_quote(new.description), '\\', char(1)), '\u0000', ' '), char(1), '\\'), '$'), 1, 65536) END, new.description), new.updated_at, new.updated_at WHERE new.description IS NOT NULL AND new.description <> '';
END;

DROP TRIGGER search_steps_update;

CREATE TRIGGER search_steps_update AFTER UPDATE OF title, description, id, session_id ON steps BEGIN
    UPDATE search_entry_rows SET entity_id = new.id, session_id = new.session_id WHERE entity_id = old.id AND (old.id IS NOT new.id OR old.session_id IS NOT new.session_id);
    INSERT INTO search_index (search_index, rowid, text) SELECT 'delete', id, old.title FROM search_entry_rows WHERE entity_id = new.id AND field = 'title' AND old.title IS NOT new.title AND text IS NULL;
    DELETE FROM search_entry_rows WHERE entity_id = new.id AND field = 'title' AND old.title IS NOT new.title;
    INSERT INTO search_entry_rows (session_id, entity_type, entity_id, field, text, created_at, updated_at)
    SELECT new.session_id, 'Step', new.id, 'title', nullif(CASE WHEN instr(new.title, char(0)) = 0 OR NOT json_valid(replace(replace(replace(json_quote(new.title), '\\', char(1)), '\u0000', ' '), char(1), '\\')) THEN substr(new.title, 1, 65536) ELSE substr(json_extract(replace(replace(replace(json_quote(new.title), '\\', char(1)), '\u0000', ' '), char(1), '\\'), '$'), 1, 65536) END, new.title), new.updated_at, new.updated_at WHERE new.title IS NOT NULL AND new.title <> '' AND old.title IS NOT new.title;
    INSERT INTO search_index (search_index, rowid, text) SELECT 'delete', id, old.description FROM search_entry_rows WHERE entity_id = new.id AND field = 'description' AND old.description IS NOT new.description AND text IS NULL;
    DELETE FROM search_entry_rows WHERE entity_id = new.id AND field = 'description' AND old.description IS NOT new.description;
    INSERT INTO search_entry_rows (session_id, entity_type, entity_id, field, text, created_at, updated_at)
    SELECT new.session_id, 'Step', new.id, 'description', nullif(CASE WHEN instr(new.description, char(0)) = 0 OR NOT json_valid(replace(replace(replace(json_quote(new.description), '\\', char(1)), '\u0000', ' '), char(1), '\\')) THEN substr(new.description, 1, 65536) ELSE substr(json_extract(replace(replace(replace(json_quote(new.description), '\\', char(1)), '\u0000', ' '), char(1), '\\'), '$'), 1, 65536) END, new.description), new.updated_at, new.updated_at WHERE new.description IS NOT NULL AND new.description <> '' AND old.description IS NOT new.description;
END;

DROP TRIGGER search_steps_delete;

CREATE TRIGGER search_steps_delete AFTER DELETE ON steps BEGIN
    INSERT INTO search_index (search_index, rowid, text) SELECT 'delete', id, CASE field WHEN 'title' THEN old.title WHEN 'description' THEN old.description END FROM search_entry_rows WHERE entity_id = old.id AND text IS NULL;
    DELETE FROM search_entry_rows WHERE entity_id = old.id;
END;

DROP TRIGGER search_tool_calls_insert;

CREATE TRIGGER search_tool_calls_insert AFTER INSERT ON tool_calls BEGIN
    INSERT INTO search_entry_rows (session_id, entity_type, entity_id, field, text, created_at, updated_at)
    SELECT new.session_id, 'ToolCall', new.id, 'tool_name', nullif(CASE WHEN instr(new.tool_name, char(0)) = 0 OR NOT json_valid(replace(replace(replace(json_quote(new.tool_name), '\\', char(1)), '\u0000', ' '), char(1), '\\')) THEN substr(new.tool_name, 1, 65536) ELSE substr(json_extract(replace(replace(replace(json_quote(new.tool_name), '\\', char(1)), '\u0000', ' '), char(1), '\\'), '$'), 1, 65536) END, new.tool_name), new.updated_at, new.updated_at WHERE new.tool_name IS NOT NULL AND new.tool_name <> '';
    INSERT INTO search_entry_rows (session_id, entity_type, entity_id, field, text, created_at, updated_at)
    SELECT new.session_id, 'ToolCall', new.id, 'arguments', nullif((SELECT CASE WHEN instr(t, '\') > 0 AND json_valid(t) THEN (SELECT CASE WHEN json_valid(w) THEN json_extract(w, '$') ELSE t END FROM (SELECT '"' || replace(replace(replace(replace(replace(replace(replace(replace(replace(t, '\\', char(1)), '\u0000', '\u0020'), '\"', char(2)), '"', '\"'), char(2), '\"'), char(1), '\\'), char(10), '\n'), char(13), '\r'), char(9), '\t') || '"' AS w)) ELSE replace(replace(replace(replace(replace(replace(replace(t, '\\', char(1) || char(1)), '\n', '  '), '\r', '  '), '\t', '  '), '\b', '  '), '\f', '  '), char(1) || char(1), '\\') END FROM (SELECT CASE WHEN instr(new.arguments, char(0)) = 0 OR NOT json_valid(replace(replace(replace(json_quote(new.arguments), '\\', char(1)), '\u0000', ' '), char(1), '\\')) THEN substr(new.arguments, 1, 65536) ELSE substr(json_extract(replace(replace(replace(json_quote(new.arguments), '\\', char(1)), '\u0000', ' '), char(1), '\\'), '$'), 1, 65536) END AS t)), new.arguments), new.updated_at, new.updated_at WHERE new.arguments IS NOT NULL AND new.arguments <> '' AND new.arguments_blob IS NULL;
    INSERT INTO search_entry_rows (session_id, entity_type, entity_id, field, text, created_at, updated_at)
    SELECT new.session_id, 'ToolCall', new.id, 'result', nullif((SELECT CASE WHEN instr(t, '\') > 0 AND json_valid(t) THEN (SELECT CASE WHEN json_valid(w) THEN json_extract(w, '$') ELSE t END FROM (SELECT '"' || replace(replace(replace(replace(replace(replace(replace(replace(replace(t, '\\', char(1)), '\u0000', '\u0020'), '\"', char(2)), '"', '\"'), char(2), '\"'), char(1), '\\'), char(10), '\n'), char(13), '\r'), char(9), '\t') || '"' AS w)) ELSE t END FROM (SELECT CASE WHEN instr(new.result, char(0)) = 0 OR NOT json_valid(replace(replace(replace(json_quote(new.result), '\\', char(1)), '\u0000', ' '), char(1), '\\')) THEN substr(new.result, 1, 65536) ELSE substr(json_extract(replace(replace(replace(json_quote(new.result), '\\', char(1)), '\u0000', ' '), char(1), '\\'), '$'), 1, 65536) END AS t)), new.result), new.updated_at, new.updated_at WHERE new.result IS NOT NULL AND new.result <> '' AND new.result_blob IS NULL;
    INSERT INTO search_entry_rows (session_id, entity_type, entity_id, field, text, created_at, updated_at)
    SELECT new.session_id, 'ToolCall', new.id, 'error', nullif((SELECT CASE WHEN instr(t, '\') > 0 AND json_valid(t) THEN (SELECT CASE WHEN json_valid(w) THEN json_extract(w, '$') ELSE t END FROM (SELECT '"' || replace(replace(replace(replace(replace(replace(replace(replace(replace(t, '\\', char(1)), '\u0000', '\u0020'), '\"', char(2)), '"', '\"'), char(2), '\"'), char(1), '\\'), char(10), '\n'), char(13), '\r'), char(9), '\t') || '"' AS w)) ELSE t END FROM (SELECT CASE WHEN instr(new.error, char(0)) = 0 OR NOT json_valid(replace(replace(replace(json_quote(new.error), '\\', char(1)), '\u0000', ' '), char(1), '\\')) THEN substr(new.error, 1, 65536) ELSE substr(json_extract(replace(replace(replace(json_quote(new.error), '\\', char(1)), '\u0000', ' '), char(1), '\\'), '$'), 1, 65536) END AS t)), new.error), new.updated_at, new.updated_at WHERE new.error IS NOT NULL AND new.error <> '';
END;

DROP TRIGGER search_tool_calls_update;

CREATE TRIGGER search_tool_calls_update AFTER UPDATE OF tool_name, arguments, result, error, arguments_blob, result_blob, id, session_id ON tool_calls BEGIN
    UPDATE search_entry_rows SET entity_id = new.id, session_id = new.session_id WHERE entity_id = old.id AND (old.id IS NOT new.id OR old.session_id IS NOT new.session_id);
    INSERT INTO search_index (search_index, rowid, text) SELECT 'delete', id, old.tool_name FROM search_entry_rows WHERE entity_id = new.id AND field = 'tool_name' AND old.tool_name IS NOT new.tool_name AND text IS NULL;
    DELETE FROM search_entry_rows WHERE entity_id = new.id AND field = 'tool_name' AND old.tool_name IS NOT new.tool_name;
    INSERT INTO search_entry_rows (session_id, entity_type, entity_id, field, text, created_at, updated_at)
    SELECT new.session_id, 'ToolCall', new.id, 'tool_name', nullif(CASE WHEN instr(new.tool_name, char(0)) = 0 OR NOT json_valid(replace(replace(replace(json_quote(new.tool_name), '\\', char(1)), '\u0000', ' '), char(1), '\\')) THEN substr(new.tool_name, 1, 65536) ELSE substr(json_extract(replace(replace(replace(json_quote(new.tool_name), '\\', char(1)), '\u0000', ' '), char(1), '\\'), '$'), 1, 65536) END, new.tool_name), new.updated_at, new.updated_at WHERE new.tool_name IS NOT NULL AND new.tool_name <> '' AND old.tool_name IS NOT new.tool_name;
    INSERT INTO search_index (search_index, rowid, text) SELECT 'delete', id, old.arguments FROM search_entry_rows WHERE entity_id = new.id AND field = 'arguments' AND (old.arguments IS NOT new.arguments OR old.arguments_blob IS NOT new.arguments_blob) AND text IS NULL;
    DELETE FROM search_entry_rows WHERE entity_id = new.id AND field = 'arguments' AND (old.arguments IS NOT new.arguments OR old.arguments_blob IS NOT new.arguments_blob);
    INSERT INTO search_entry_rows (session_id, entity_type, entity_id, field, text, created_at, updated_at)
    SELECT new.session_id, 'ToolCall', new.id, 'arguments', nullif((SELECT CASE WHEN instr(t, '\') > 0 AND json_valid(t) THEN (SELECT CASE WHEN json_valid(w) THEN json_extract(w, '$') ELSE t END FROM (SELECT '"' || replace(replace(replace(replace(replace(replace(replace(replace(replace(t, '\\', char(1)), '\u0000', '\u0020'), '\"', char(2)), '"', '\"'), char(2), '\"'), char(1), '\\'), char(10), '\n'), char(13), '\r'), char(9), '\t') || '"' AS w)) ELSE replace(replace(replace(replace(replace(replace(replace(t, '\\', char(1) || char(1)), '\n', '  '), '\r', '  '), '\t', '  '), '\b', '  '), '\f', '  '), char(1) || char(1), '\\') END FROM (SELECT CASE WHEN instr(new.arguments, char(0)) = 0 OR NOT json_valid(replace(replace(replace(json_quote(new.arguments), '\\', char(1)), '\u0000', ' '), char(1), '\\')) THEN substr(new.arguments, 1, 65536) ELSE substr(json_extract(replace(replace(replace(json_quote(new.arguments), '\\', char(1)), '\u0000', ' '), char(1), '\\'), '$'), 1, 65536) END AS t)), new.arguments), new.updated_at, new.updated_at WHERE new.arguments IS NOT NULL AND new.arguments <> '' AND new.arguments_blob IS NULL AND (old.arguments IS NOT new.arguments OR old.arguments_blob IS NOT new.arguments_blob);
    INSERT INTO search_index (search_index, rowid, text) SELECT 'delete', id, old.result FROM search_entry_rows WHERE entity_id = new.id AND field = 'result' AND (old.result IS NOT new.result OR old.result_blob IS NOT new.result_blob) AND text IS NULL;
    DELETE FROM search_entry_rows WHERE entity_id = new.id AND field = 'result' AND (old.result IS NOT new.result OR old.result_blob IS NOT new.result_blob);
    INSERT INTO search_entry_rows (session_id, entity_type, entity_id, field, text, created_at, updated_at)
    SELECT new.session_id, 'ToolCall', new.id, 'result', nullif((SELECT CASE WHEN instr(t, '\') > 0 AND json_valid(t) THEN (SELECT CASE WHEN json_valid(w) THEN json_extract(w, '$') ELSE t END FROM (SELECT '"' || replace(replace(replace(replace(replace(replace(replace(replace(replace(t, '\\', char(1)), '\u0000', '\u0020'), '\"', char(2)), '"', '\"'), char(2), '\"'), char(1), '\\'), char(10), '\n'), char(13), '\r'), char(9), '\t') || '"' AS w)) ELSE t END FROM (SELECT CASE WHEN instr(new.result, char(0)) = 0 OR NOT json_valid(replace(replace(replace(json_quote(new.result), '\\', char(1)), '\u0000', ' '), char(1), '\\')) THEN substr(new.result, 1, 65536) ELSE substr(json_extract(replace(replace(replace(json_quote(new.result), '\\', char(1)), '\u0000', ' '), char(1), '\\'), '$'), 1, 65536) END AS t)), new.result), new.updated_at, new.updated_at WHERE new.result IS NOT NULL AND new.result <> '' AND new.result_blob IS NULL AND (old.result IS NOT new.result OR old.result_blob IS NOT new.result_blob);
    INSERT INTO search_index (search_index, rowid, text) SELECT 'delete', id, old.error FROM search_entry_rows WHERE entity_id = new.id AND field = 'error' AND old.error IS NOT new.error AND text IS NULL;
    DELETE FROM search_entry_rows WHERE entity_id = new.id AND field = 'error' AND old.error IS NOT new.error;
    INSERT INTO search_entry_rows (session_id, entity_type, entity_id, field, text, created_at, updated_at)
    SELECT new.session_id, 'ToolCall', new.id, 'error', nullif((SELECT CASE WHEN instr(t, '\') > 0 AND json_valid(t) THEN (SELECT CASE WHEN json_valid(w) THEN json_extract(w, '$') ELSE t END FROM (SELECT '"' || replace(replace(replace(replace(replace(replace(replace(replace(replace(t, '\\', char(1)), '\u0000', '\u0020'), '\"', char(2)), '"', '\"'), char(2), '\"'), char(1), '\\'), char(10), '\n'), char(13), '\r'), char(9), '\t') || '"' AS w)) ELSE t END FROM (SELECT CASE WHEN instr(new.error, char(0)) = 0 OR NOT json_valid(replace(replace(replace(json_quote(new.error), '\\', char(1)), '\u0000', ' '), char(1), '\\')) THEN substr(new.error, 1, 65536) ELSE substr(json_extract(replace(replace(replace(json_quote(new.error), '\\', char(1)), '\u0000', ' '), char(1), '\\'), '$'), 1, 65536) END AS t)), new.error), new.updated_at, new.updated_at WHERE new.error IS NOT NULL AND new.error <> '' AND old.error IS NOT new.error;
END;

DROP TRIGGER search_tool_calls_delete;

CREATE TRIGGER search_tool_calls_delete AFTER DELETE ON tool_calls BEGIN
    INSERT INTO search_index (search_index, rowid, text) SELECT 'delete', id, CASE field WHEN 'tool_name' THEN old.tool_name WHEN 'arguments' THEN old.arguments WHEN 'result' THEN old.result WHEN 'error' THEN old.error END FROM search_entry_rows WHERE entity_id = old.id AND text IS NULL;
    DELETE FROM search_entry_rows WHERE entity_id = old.id;
END;

DROP TRIGGER search_artifacts_insert;

CREATE TRIGGER search_artifacts_insert AFTER INSERT ON artifacts BEGIN
    INSERT INTO search_entry_rows (session_id, entity_type, entity_id, field, text, created_at, updated_at)
    SELECT new.session_id, 'Artifact', new.id, 'name', nullif(CASE WHEN instr(new.name, char(0)) = 0 OR NOT json_valid(replace(replace(replace(json_quote(new.name), '\\', char(1)), '\u0000', ' '), char(1), '\\')) THEN substr(new.name, 1, 65536) ELSE substr(json_extract(replace(replace(replace(json_quote(new.name), '\\', char(1)), '\u0000', ' '), char(1), '\\'), '$'), 1, 65536) END, new.name), new.updated_at, new.updated_at WHERE new.name <> '';
    INSERT INTO search_entry_rows (session_id, entity_type, entity_id, field, text, created_at, updated_at)
    SELECT new.session_id, 'Artifact', new.id, 'content', nullif((SELECT CASE WHEN instr(t, '\') > 0 AND json_valid(t) THEN (SELECT CASE WHEN json_valid(w) THEN json_extract(w, '$') ELSE t END FROM (SELECT '"' || replace(replace(replace(replace(replace(replace(replace(replace(replace(t, '\\', char(1)), '\u0000', '\u0020'), '\"', char(2)), '"', '\"'), char(2), '\"'), char(1), '\\'), char(10), '\n'), char(13), '\r'), char(9), '\t') || '"' AS w)) ELSE t END FROM (SELECT CASE WHEN instr(CAST(new.content AS TEXT), char(0)) = 0 OR NOT json_valid(replace(replace(replace(json_quote(CAST(new.content AS TEXT)), '\\', char(1)), '\u0000', ' '), char(1), '\\')) THEN substr(CAST(new.content AS TEXT), 1, 65536) ELSE substr(json_extract(replace(replace(replace(json_quote(CAST(new.content AS TEXT)), '\\', char(1)), '\u0000', ' '), char(1), '\\'), '$'), 1, 65536) END AS t)), CAST(new.content AS TEXT)), new.updated_at, new.updated_at
    WHERE new.content IS NOT NULL AND length(new.content) > 0 AND new.content_blob IS NULL AND (new.kind IN ('Diff', 'Log') OR lower(new.media_type) LIKE 'text/%' OR lower(new.media_type) LIKE '%json%' OR lower(new.media_type) LIKE '%xml%' OR lower(new.media_type) LIKE '%yaml%' OR lower(new.media_type) LIKE '%javascript%');
END;

DROP TRIGGER search_artifacts_update;

CREATE TRIGGER search_artifacts_update AFTER UPDATE OF name, kind, media_type, content, content_blob, id, session_id ON artifacts
WHEN old.name IS NOT new.name OR old.kind IS NOT new.kind OR old.media_type IS NOT new.media_type OR old.content IS NOT new.content OR old.content_blob IS NOT new.content_blob OR old.id IS NOT new.id OR old.session_id IS NOT new.session_id BEGIN
    UPDATE search_entry_rows SET entity_id = new.id, session_id = new.session_id WHERE entity_id = old.id AND (old.id IS NOT new.id OR old.session_id IS NOT new.session_id);
    INSERT INTO search_index (search_index, rowid, text) SELECT 'delete', id, CASE field WHEN 'name' THEN old.name WHEN 'content' THEN CAST(old.content AS TEXT) END FROM search_entry_rows WHERE entity_id = new.id AND text IS NULL;
    DELETE FROM search_entry_rows WHERE entity_id = new.id;
    INSERT INTO search_entry_rows (session_id, entity_type, entity_id, field, text, created_at, updated_at)
    SELECT new.session_id, 'Artifact', new.id, 'name', nullif(CASE WHEN instr(new.name, char(0)) = 0 OR NOT json_valid(replace(replace(replace(json_quote(new.name), '\\', char(1)), '\u0000', ' '), char(1), '\\')) THEN substr(new.name, 1, 65536) ELSE substr(json_extract(replace(replace(replace(json_quote(new.name), '\\', char(1)), '\u0000', ' '), char(1), '\\'), '$'), 1, 65536) END, new.name), new.updated_at, new.updated_at WHERE new.name <> '';
    INSERT INTO search_entry_rows (session_id, entity_type, entity_id, field, text, created_at, updated_at)
    SELECT new.session_id, 'Artifact', new.id, 'content', nullif((SELECT CASE WHEN instr(t, '\') > 0 AND json_valid(t) THEN (SELECT CASE WHEN json_valid(w) THEN json_extract(w, '$') ELSE t END FROM (SELECT '"' || replace(replace(replace(replace(replace(replace(replace(replace(replace(t, '\\', char(1)), '\u0000', '\u0020'), '\"', char(2)), '"', '\"'), char(2), '\"'), char(1), '\\'), char(10), '\n'), char(13), '\r'), char(9), '\t') || '"' AS w)) ELSE t END FROM (SELECT CASE WHEN instr(CAST(new.content AS TEXT), char(0)) = 0 OR NOT json_valid(replace(replace(replace(json_quote(CAST(new.content AS TEXT)), '\\', char(1)), '\u0000', ' '), char(1), '\\')) THEN substr(CAST(new.content AS TEXT), 1, 65536) ELSE substr(json_extract(replace(replace(replace(json_quote(CAST(new.content AS TEXT)), '\\', char(1)), '\u0000', ' '), char(1), '\\'), '$'), 1, 65536) END AS t)), CAST(new.content AS TEXT)), new.updated_at, new.updated_at
    WHERE new.content IS NOT NULL AND length(new.content) > 0 AND new.content_blob IS NULL AND (new.kind IN ('Diff', 'Log') OR lower(new.media_type) LIKE 'text/%' OR lower(new.media_type) LIKE '%json%' OR lower(new.media_type) LIKE '%xml%' OR lower(new.media_type) LIKE '%yaml%' OR lower(new.media_type) LIKE '%javascript%');
END;

DROP TRIGGER search_artifacts_delete;

CREATE TRIGGER search_artifacts_delete AFTER DELETE ON artifacts BEGIN
    INSERT INTO search_index (search_index, rowid, text) SELECT 'delete', id, CASE field WHEN 'name' THEN old.name WHEN 'content' THEN CAST(old.content AS TEXT) END FROM search_entry_rows WHERE entity_id = old.id AND text IS NULL;
    DELETE FROM search_entry_rows WHERE entity_id = old.id;
END;
