-- acode workspace database, schema 1.3.0: full-text search ('acode session search', docs/search.md).
--
-- search_entries holds one row per searchable field of an entity (a session's title, a tool call's result, ...): the
-- field's first 65536 characters, the entity it belongs to and its session. search_index is an FTS5 index over that text
-- (external content: the text is stored once, in search_entries, and snippets are cut from it).
-- Triggers on the entity tables keep search_entries current, and triggers on search_entries keep search_index current,
-- so the index changes in the transaction that changes the rows, whoever writes them (a save, an import, a cascade
-- from a deleted session, the sqlite3 shell): a search right after a save finds it, a rolled-back save leaves nothing.
-- An update re-indexes only the fields whose text changed (a tool call that completes re-indexes its result, not its
-- arguments); a state change re-indexes nothing.
--
-- Tokenizer: unicode61 with remove_diacritics 2: words are runs of letters, digits and marks, case-folded, with
-- diacritics removed ('resume' finds 'Résumé'); punctuation and symbols (emoji) separate words.
-- Artifacts: the name of every artifact, and the content of text artifacts (kind Diff or Log, or a media type text/*
-- or one naming json, xml, yaml or javascript).
-- created_at and updated_at of an entry are the updated_at of the entity version it indexes (entries are never updated:
-- a changed field's entry is deleted and inserted again).
-- Entity ids carry their type's prefix (sess_, task_, step_, tc_, art_); entity_type is the EntityType name (Session, SessionTask, Step, ToolCall, Artifact), so entity_id alone names the entity.

CREATE TABLE search_entries (
    id           INTEGER PRIMARY KEY,
    session_id   TEXT NOT NULL,
    entity_type  TEXT NOT NULL,
    entity_id    TEXT NOT NULL,
    field        TEXT NOT NULL,
    text         TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    UNIQUE (entity_id, field)
) STRICT;
CREATE INDEX ix_search_entries_session ON search_entries (session_id);

CREATE VIRTUAL TABLE search_index USING fts5(text, content='search_entries', content_rowid='id', tokenize='unicode61 remove_diacritics 2');

CREATE TRIGGER search_entries_insert AFTER INSERT ON search_entries BEGIN
    INSERT INTO search_index (rowid, text) VALUES (new.id, new.text);
END;

CREATE TRIGGER search_entries_delete AFTER DELETE ON search_entries BEGIN
    INSERT INTO search_index (search_index, rowid, text) VALUES ('delete', old.id, old.text);
END;

CREATE TRIGGER search_sessions_insert AFTER INSERT ON sessions BEGIN
    INSERT INTO search_entries (session_id, entity_type, entity_id, field, text, created_at, updated_at)
    SELECT new.id, 'Session', new.id, 'title', substr(new.title, 1, 65536), new.updated_at, new.updated_at WHERE new.title IS NOT NULL AND new.title <> '';
    INSERT INTO search_entries (session_id, entity_type, entity_id, field, text, created_at, updated_at)
    SELECT new.id, 'Session', new.id, 'goal', substr(new.goal, 1, 65536), new.updated_at, new.updated_at WHERE new.goal IS NOT NULL AND new.goal <> '';
END;

CREATE TRIGGER search_sessions_update AFTER UPDATE OF title, goal ON sessions BEGIN
    DELETE FROM search_entries WHERE entity_id = old.id AND field = 'title' AND old.title IS NOT new.title;
    INSERT INTO search_entries (session_id, entity_type, entity_id, field, text, created_at, updated_at)
    SELECT new.id, 'Session', new.id, 'title', substr(new.title, 1, 65536), new.updated_at, new.updated_at WHERE new.title IS NOT NULL AND new.title <> '' AND old.title IS NOT new.title;
    DELETE FROM search_entries WHERE entity_id = old.id AND field = 'goal' AND old.goal IS NOT new.goal;
    INSERT INTO search_entries (session_id, entity_type, entity_id, field, text, created_at, updated_at)
    SELECT new.id, 'Session', new.id, 'goal', substr(new.goal, 1, 65536), new.updated_at, new.updated_at WHERE new.goal IS NOT NULL AND new.goal <> '' AND old.goal IS NOT new.goal;
END;

CREATE TRIGGER search_sessions_delete AFTER DELETE ON sessions BEGIN
    DELETE FROM search_entries WHERE entity_id = old.id;
END;

CREATE TRIGGER search_session_tasks_insert AFTER INSERT ON session_tasks BEGIN
    INSERT INTO search_entries (session_id, entity_type, entity_id, field, text, created_at, updated_at)
    SELECT new.session_id, 'SessionTask', new.id, 'title', substr(new.title, 1, 65536), new.updated_at, new.updated_at WHERE new.title IS NOT NULL AND new.title <> '';
    INSERT INTO search_entries (session_id, entity_type, entity_id, field, text, created_at, updated_at)
    SELECT new.session_id, 'SessionTask', new.id, 'description', substr(new.description, 1, 65536), new.updated_at, new.updated_at WHERE new.description IS NOT NULL AND new.description <> '';
END;

CREATE TRIGGER search_session_tasks_update AFTER UPDATE OF title, description ON session_tasks BEGIN
    DELETE FROM search_entries WHERE entity_id = old.id AND field = 'title' AND old.title IS NOT new.title;
    INSERT INTO search_entries (session_id, entity_type, entity_id, field, text, created_at, updated_at)
    SELECT new.session_id, 'SessionTask', new.id, 'title', substr(new.title, 1, 65536), new.updated_at, new.updated_at WHERE new.title IS NOT NULL AND new.title <> '' AND old.title IS NOT new.title;
    DELETE FROM search_entries WHERE entity_id = old.id AND field = 'description' AND old.description IS NOT new.description;
    INSERT INTO search_entries (session_id, entity_type, entity_id, field, text, created_at, updated_at)
    SELECT new.session_id, 'SessionTask', new.id, 'description', substr(new.description, 1, 65536), new.updated_at, new.updated_at WHERE new.description IS NOT NULL AND new.description <> '' AND old.description IS NOT new.description;
END;

CREATE TRIGGER search_session_tasks_delete AFTER DELETE ON session_tasks BEGIN
    DELETE FROM search_entries WHERE entity_id = old.id;
END;

CREATE TRIGGER search_steps_insert AFTER INSERT ON steps BEGIN
    INSERT INTO search_entries (session_id, entity_type, entity_id, field, text, created_at, updated_at)
    SELECT new.session_id, 'Step', new.id, 'title', substr(new.title, 1, 65536), new.updated_at, new.updated_at WHERE new.title IS NOT NULL AND new.title <> '';
    INSERT INTO search_entries (session_id, entity_type, entity_id, field, text, created_at, updated_at)
    SELECT new.session_id, 'Step', new.id, 'description', substr(new.description, 1, 65536), new.updated_at, new.updated_at WHERE new.description IS NOT NULL AND new.description <> '';
END;

CREATE TRIGGER search_steps_update AFTER UPDATE OF title, description ON steps BEGIN
    DELETE FROM search_entries WHERE entity_id = old.id AND field = 'title' AND old.title IS NOT new.title;
    INSERT INTO search_entries (session_id, entity_type, entity_id, field, text, created_at, updated_at)
    SELECT new.session_id, 'Step', new.id, 'title', substr(new.title, 1, 65536), new.updated_at, new.updated_at WHERE new.title IS NOT NULL AND new.title <> '' AND old.title IS NOT new.title;
    DELETE FROM search_entries WHERE entity_id = old.id AND field = 'description' AND old.description IS NOT new.description;
    INSERT INTO search_entries (session_id, entity_type, entity_id, field, text, created_at, updated_at)
    SELECT new.session_id, 'Step', new.id, 'description', substr(new.description, 1, 65536), new.updated_at, new.updated_at WHERE new.description IS NOT NULL AND new.description <> '' AND old.description IS NOT new.description;
END;

CREATE TRIGGER search_steps_delete AFTER DELETE ON steps BEGIN
    DELETE FROM search_entries WHERE entity_id = old.id;
END;

CREATE TRIGGER search_tool_calls_insert AFTER INSERT ON tool_calls BEGIN
    INSERT INTO search_entries (session_id, entity_type, entity_id, field, text, created_at, updated_at)
    SELECT new.session_id, 'ToolCall', new.id, 'tool_name', substr(new.tool_name, 1, 65536), new.updated_at, new.updated_at WHERE new.tool_name IS NOT NULL AND new.tool_name <> '';
    INSERT INTO search_entries (session_id, entity_type, entity_id, field, text, created_at, updated_at)
    SELECT new.session_id, 'ToolCall', new.id, 'arguments', substr(new.arguments, 1, 65536), new.updated_at, new.updated_at WHERE new.arguments IS NOT NULL AND new.arguments <> '';
    INSERT INTO search_entries (session_id, entity_type, entity_id, field, text, created_at, updated_at)
    SELECT new.session_id, 'ToolCall', new.id, 'result', substr(new.result, 1, 65536), new.updated_at, new.updated_at WHERE new.result IS NOT NULL AND new.result <> '';
    INSERT INTO search_entries (session_id, entity_type, entity_id, field, text, created_at, updated_at)
    SELECT new.session_id, 'ToolCall', new.id, 'error', substr(new.error, 1, 65536), new.updated_at, new.updated_at WHERE new.error IS NOT NULL AND new.error <> '';
END;

CREATE TRIGGER search_tool_calls_update AFTER UPDATE OF tool_name, arguments, result, error ON tool_calls BEGIN
    DELETE FROM search_entries WHERE entity_id = old.id AND field = 'tool_name' AND old.tool_name IS NOT new.tool_name;
    INSERT INTO search_entries (session_id, entity_type, entity_id, field, text, created_at, updated_at)
    SELECT new.session_id, 'ToolCall', new.id, 'tool_name', substr(new.tool_name, 1, 65536), new.updated_at, new.updated_at WHERE new.tool_name IS NOT NULL AND new.tool_name <> '' AND old.tool_name IS NOT new.tool_name;
    DELETE FROM search_entries WHERE entity_id = old.id AND field = 'arguments' AND old.arguments IS NOT new.arguments;
    INSERT INTO search_entries (session_id, entity_type, entity_id, field, text, created_at, updated_at)
    SELECT new.session_id, 'ToolCall', new.id, 'arguments', substr(new.arguments, 1, 65536), new.updated_at, new.updated_at WHERE new.arguments IS NOT NULL AND new.arguments <> '' AND old.arguments IS NOT new.arguments;
    DELETE FROM search_entries WHERE entity_id = old.id AND field = 'result' AND old.result IS NOT new.result;
    INSERT INTO search_entries (session_id, entity_type, entity_id, field, text, created_at, updated_at)
    SELECT new.session_id, 'ToolCall', new.id, 'result', substr(new.result, 1, 65536), new.updated_at, new.updated_at WHERE new.result IS NOT NULL AND new.result <> '' AND old.result IS NOT new.result;
    DELETE FROM search_entries WHERE entity_id = old.id AND field = 'error' AND old.error IS NOT new.error;
    INSERT INTO search_entries (session_id, entity_type, entity_id, field, text, created_at, updated_at)
    SELECT new.session_id, 'ToolCall', new.id, 'error', substr(new.error, 1, 65536), new.updated_at, new.updated_at WHERE new.error IS NOT NULL AND new.error <> '' AND old.error IS NOT new.error;
END;

CREATE TRIGGER search_tool_calls_delete AFTER DELETE ON tool_calls BEGIN
    DELETE FROM search_entries WHERE entity_id = old.id;
END;

CREATE TRIGGER search_artifacts_insert AFTER INSERT ON artifacts BEGIN
    INSERT INTO search_entries (session_id, entity_type, entity_id, field, text, created_at, updated_at)
    SELECT new.session_id, 'Artifact', new.id, 'name', substr(new.name, 1, 65536), new.updated_at, new.updated_at WHERE new.name <> '';
    INSERT INTO search_entries (session_id, entity_type, entity_id, field, text, created_at, updated_at)
    SELECT new.session_id, 'Artifact', new.id, 'content', substr(CAST(new.content AS TEXT), 1, 65536), new.updated_at, new.updated_at
    WHERE new.content IS NOT NULL AND length(new.content) > 0 AND (new.kind IN ('Diff', 'Log') OR lower(new.media_type) LIKE 'text/%' OR lower(new.media_type) LIKE '%json%' OR lower(new.media_type) LIKE '%xml%' OR lower(new.media_type) LIKE '%yaml%' OR lower(new.media_type) LIKE '%javascript%');
END;

CREATE TRIGGER search_artifacts_update AFTER UPDATE OF name, kind, media_type, content ON artifacts
WHEN old.name IS NOT new.name OR old.kind IS NOT new.kind OR old.media_type IS NOT new.media_type OR old.content IS NOT new.content BEGIN
    DELETE FROM search_entries WHERE entity_id = old.id;
    INSERT INTO search_entries (session_id, entity_type, entity_id, field, text, created_at, updated_at)
    SELECT new.session_id, 'Artifact', new.id, 'name', substr(new.name, 1, 65536), new.updated_at, new.updated_at WHERE new.name <> '';
    INSERT INTO search_entries (session_id, entity_type, entity_id, field, text, created_at, updated_at)
    SELECT new.session_id, 'Artifact', new.id, 'content', substr(CAST(new.content AS TEXT), 1, 65536), new.updated_at, new.updated_at
    WHERE new.content IS NOT NULL AND length(new.content) > 0 AND (new.kind IN ('Diff', 'Log') OR lower(new.media_type) LIKE 'text/%' OR lower(new.media_type) LIKE '%json%' OR lower(new.media_type) LIKE '%xml%' OR lower(new.media_type) LIKE '%yaml%' OR lower(new.media_type) LIKE '%javascript%');
END;

CREATE TRIGGER search_artifacts_delete AFTER DELETE ON artifacts BEGIN
    DELETE FROM search_entries WHERE entity_id = old.id;
END;

-- What the database already holds, indexed once by this migration (the insert triggers above, as if each row were new).
INSERT INTO search_entries (session_id, entity_type, entity_id, field, text, created_at, updated_at)
SELECT id, 'Session', id, 'title', substr(title, 1, 65536), updated_at, updated_at FROM sessions WHERE title IS NOT NULL AND title <> '';
INSERT INTO search_entries (session_id, entity_type, entity_id, field, text, created_at, updated_at)
SELECT id, 'Session', id, 'goal', substr(goal, 1, 65536), updated_at, updated_at FROM sessions WHERE goal IS NOT NULL AND goal <> '';
INSERT INTO search_entries (session_id, entity_type, entity_id, field, text, created_at, updated_at)
SELECT session_id, 'SessionTask', id, 'title', substr(title, 1, 65536), updated_at, updated_at FROM session_tasks WHERE title IS NOT NULL AND title <> '';
INSERT INTO search_entries (session_id, entity_type, entity_id, field, text, created_at, updated_at)
SELECT session_id, 'SessionTask', id, 'description', substr(description, 1, 65536), updated_at, updated_at FROM session_tasks WHERE description IS NOT NULL AND description <> '';
INSERT INTO search_entries (session_id, entity_type, entity_id, field, text, created_at, updated_at)
SELECT session_id, 'Step', id, 'title', substr(title, 1, 65536), updated_at, updated_at FROM steps WHERE title IS NOT NULL AND title <> '';
INSERT INTO search_entries (session_id, entity_type, entity_id, field, text, created_at, updated_at)
SELECT session_id, 'Step', id, 'description', substr(description, 1, 65536), updated_at, updated_at FROM steps WHERE description IS NOT NULL AND description <> '';
INSERT INTO search_entries (session_id, entity_type, entity_id, field, text, created_at, updated_at)
SELECT session_id, 'ToolCall', id, 'tool_name', substr(tool_name, 1, 65536), updated_at, updated_at FROM tool_calls WHERE tool_name IS NOT NULL AND tool_name <> '';
INSERT INTO search_entries (session_id, entity_type, entity_id, field, text, created_at, updated_at)
SELECT session_id, 'ToolCall', id, 'arguments', substr(arguments, 1, 65536), updated_at, updated_at FROM tool_calls WHERE arguments IS NOT NULL AND arguments <> '';
INSERT INTO search_entries (session_id, entity_type, entity_id, field, text, created_at, updated_at)
SELECT session_id, 'ToolCall', id, 'result', substr(result, 1, 65536), updated_at, updated_at FROM tool_calls WHERE result IS NOT NULL AND result <> '';
INSERT INTO search_entries (session_id, entity_type, entity_id, field, text, created_at, updated_at)
SELECT session_id, 'ToolCall', id, 'error', substr(error, 1, 65536), updated_at, updated_at FROM tool_calls WHERE error IS NOT NULL AND error <> '';
INSERT INTO search_entries (session_id, entity_type, entity_id, field, text, created_at, updated_at)
SELECT session_id, 'Artifact', id, 'name', substr(name, 1, 65536), updated_at, updated_at FROM artifacts WHERE name <> '';
INSERT INTO search_entries (session_id, entity_type, entity_id, field, text, created_at, updated_at)
SELECT session_id, 'Artifact', id, 'content', substr(CAST(content AS TEXT), 1, 65536), updated_at, updated_at FROM artifacts
WHERE content IS NOT NULL AND length(content) > 0 AND (kind IN ('Diff', 'Log') OR lower(media_type) LIKE 'text/%' OR lower(media_type) LIKE '%json%' OR lower(media_type) LIKE '%xml%' OR lower(media_type) LIKE '%yaml%' OR lower(media_type) LIKE '%javascript%');
