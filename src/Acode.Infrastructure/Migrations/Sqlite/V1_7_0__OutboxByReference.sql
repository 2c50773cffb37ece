-- acode workspace database, schema 1.7.0: an outbox record refers to its entity's row instead of copying it
-- (docs/architecture.md, "Outbox records by reference"; issue 15 part 4, docs/performance.md).
--
-- Until 1.6.0 every outbox record held its entity document, a second copy of the row written in the same transaction:
-- the largest table of a workspace (1.2 bytes per byte of content after a sync) and about a tenth of each save's WAL.
-- From this version a save's record of a session, task, step, tool call or event stores the empty text as its payload:
-- the row, at the record's version, holds the document. entity_documents rebuilds that document from the row (the
-- stored form, as EntityJson writes it: camelCase names, "entity" first, null members left out, payload schema 1),
-- and the sync reads records through it. Before a row changes or goes (an update, an import's upsert, a deletion,
-- a session deletion's cascade, an INSERT OR REPLACE or UPDATE OR REPLACE that removes a row with the same id or the
-- same event number, whoever runs it) the triggers below copy its document into every record that refers to it,
-- whatever its status, so a record always holds or refers to the very version it was written for: a pending
-- record delivers it, a dead letter shows it, and 'acode db sync retry --processed' sends it again. What is saved is
-- the copy of every entity's latest version and of everything never changed again (events, a tool call saved once).
-- Deletions (tombstones) and artifacts (their inline content is bytes, which JSON holds as base64 and SQLite's SQL
-- cannot write) keep their payloads, as do records written before this version, and records appended through the
-- outbox's public AppendAsync.

CREATE VIEW entity_documents (entity_type, id, version, document) AS
    SELECT 'Session', id, version, json_patch('{}', json_object(
           'entity', 'Session', 'schema', 1, 'id', id, 'version', version, 'createdAt', created_at, 'updatedAt', updated_at,
           'title', title, 'goal', goal, 'state', state))
    FROM sessions
    UNION ALL
    SELECT 'SessionTask', id, version, json_patch('{}', json_object(
           'entity', 'SessionTask', 'schema', 1, 'id', id, 'version', version, 'createdAt', created_at, 'updatedAt', updated_at,
           'sessionId', session_id, 'ordinal', ordinal, 'title', title, 'description', description,
           'state', state, 'startedAt', started_at, 'completedAt', completed_at))
    FROM session_tasks
    UNION ALL
    SELECT 'Step', id, version, json_patch('{}', json_object(
           'entity', 'Step', 'schema', 1, 'id', id, 'version', version, 'createdAt', created_at, 'updatedAt', updated_at,
           'sessionId', session_id, 'taskId', task_id, 'ordinal', ordinal, 'title', title,
           'description', description, 'state', state, 'startedAt', started_at, 'completedAt', completed_at))
    FROM steps
    UNION ALL
    SELECT 'ToolCall', id, version, json_patch('{}', json_object(
           'entity', 'ToolCall', 'schema', 1, 'id', id, 'version', version, 'createdAt', created_at, 'updatedAt', updated_at,
           'sessionId', session_id, 'stepId', step_id, 'toolName', tool_name, 'arguments', arguments,
           'argumentsBlob', arguments_blob, 'status', status, 'result', result, 'resultBlob', result_blob,
           'error', error, 'startedAt', started_at, 'completedAt', completed_at, 'durationTicks', duration_ticks))
    FROM tool_calls
    UNION ALL
    SELECT 'SessionEvent', id, version, json_patch('{}', json_object(
           'entity', 'SessionEvent', 'schema', 1, 'id', id, 'version', version, 'createdAt', created_at, 'updatedAt', updated_at,
           'sessionId', session_id, 'sequence', sequence, 'type', type, 'payload', payload))
    FROM session_events;

-- Why INSERT triggers: a REPLACE deletes the row it conflicts with without firing DELETE triggers (SQLite fires them
-- only with recursive_triggers on), so the row an INSERT OR REPLACE or UPDATE OR REPLACE is about to remove is
-- copied first: the one with the new id and, for an event, the one at the new (session, sequence).

CREATE TRIGGER outbox_keep_session_insert BEFORE INSERT ON sessions BEGIN
    UPDATE outbox SET payload = (SELECT d.document FROM entity_documents d WHERE d.entity_type = 'Session' AND d.id = outbox.entity_id)
    WHERE payload = '' AND entity_id IN (new.id)
      AND version = (SELECT t.version FROM sessions t WHERE t.id = outbox.entity_id);
END;

CREATE TRIGGER outbox_keep_session_update BEFORE UPDATE ON sessions BEGIN
    UPDATE outbox SET payload = (SELECT d.document FROM entity_documents d WHERE d.entity_type = 'Session' AND d.id = outbox.entity_id)
    WHERE payload = '' AND entity_id IN (old.id, new.id)
      AND version = (SELECT t.version FROM sessions t WHERE t.id = outbox.entity_id);
END;

CREATE TRIGGER outbox_keep_session_delete BEFORE DELETE ON sessions BEGIN
    UPDATE outbox SET payload = (SELECT d.document FROM entity_documents d WHERE d.entity_type = 'Session' AND d.id = outbox.entity_id)
    WHERE payload = '' AND entity_id IN (old.id)
      AND version = (SELECT t.version FROM sessions t WHERE t.id = outbox.entity_id);
END;

CREATE TRIGGER outbox_keep_session_task_insert BEFORE INSERT ON session_tasks BEGIN
    UPDATE outbox SET payload = (SELECT d.document FROM entity_documents d WHERE d.entity_type = 'SessionTask' AND d.id = outbox.entity_id)
    WHERE payload = '' AND entity_id IN (new.id)
      AND version = (SELECT t.version FROM session_tasks t WHERE t.id = outbox.entity_id);
END;

CREATE TRIGGER outbox_keep_session_task_update BEFORE UPDATE ON session_tasks BEGIN
    UPDATE outbox SET payload = (SELECT d.document FROM entity_documents d WHERE d.entity_type = 'SessionTask' AND d.id = outbox.entity_id)
    WHERE payload = '' AND entity_id IN (old.id, new.id)
      AND version = (SELECT t.version FROM session_tasks t WHERE t.id = outbox.entity_id);
END;

CREATE TRIGGER outbox_keep_session_task_delete BEFORE DELETE ON session_tasks BEGIN
    UPDATE outbox SET payload = (SELECT d.document FROM entity_documents d WHERE d.entity_type = 'SessionTask' AND d.id = outbox.entity_id)
    WHERE payload = '' AND entity_id IN (old.id)
      AND version = (SELECT t.version FROM session_tasks t WHERE t.id = outbox.entity_id);
END;

CREATE TRIGGER outbox_keep_step_insert BEFORE INSERT ON steps BEGIN
    UPDATE outbox SET payload = (SELECT d.document FROM entity_documents d WHERE d.entity_type = 'Step' AND d.id = outbox.entity_id)
    WHERE payload = '' AND entity_id IN (new.id)
      AND version = (SELECT t.version FROM steps t WHERE t.id = outbox.entity_id);
END;

CREATE TRIGGER outbox_keep_step_update BEFORE UPDATE ON steps BEGIN
    UPDATE outbox SET payload = (SELECT d.document FROM entity_documents d WHERE d.entity_type = 'Step' AND d.id = outbox.entity_id)
    WHERE payload = '' AND entity_id IN (old.id, new.id)
      AND version = (SELECT t.version FROM steps t WHERE t.id = outbox.entity_id);
END;

CREATE TRIGGER outbox_keep_step_delete BEFORE DELETE ON steps BEGIN
    UPDATE outbox SET payload = (SELECT d.document FROM entity_documents d WHERE d.entity_type = 'Step' AND d.id = outbox.entity_id)
    WHERE payload = '' AND entity_id IN (old.id)
      AND version = (SELECT t.version FROM steps t WHERE t.id = outbox.entity_id);
END;

CREATE TRIGGER outbox_keep_tool_call_insert BEFORE INSERT ON tool_calls BEGIN
    UPDATE outbox SET payload = (SELECT d.document FROM entity_documents d WHERE d.entity_type = 'ToolCall' AND d.id = outbox.entity_id)
    WHERE payload = '' AND entity_id IN (new.id)
      AND version = (SELECT t.version FROM tool_calls t WHERE t.id = outbox.entity_id);
END;

CREATE TRIGGER outbox_keep_tool_call_update BEFORE UPDATE ON tool_calls BEGIN
    UPDATE outbox SET payload = (SELECT d.document FROM entity_documents d WHERE d.entity_type = 'ToolCall' AND d.id = outbox.entity_id)
    WHERE payload = '' AND entity_id IN (old.id, new.id)
      AND version = (SELECT t.version FROM tool_calls t WHERE t.id = outbox.entity_id);
END;

CREATE TRIGGER outbox_keep_tool_call_delete BEFORE DELETE ON tool_calls BEGIN
    UPDATE outbox SET payload = (SELECT d.document FROM entity_documents d WHERE d.entity_type = 'ToolCall' AND d.id = outbox.entity_id)
    WHERE payload = '' AND entity_id IN (old.id)
      AND version = (SELECT t.version FROM tool_calls t WHERE t.id = outbox.entity_id);
END;

CREATE TRIGGER outbox_keep_session_event_insert BEFORE INSERT ON session_events BEGIN
    UPDATE outbox SET payload = (SELECT d.document FROM entity_documents d WHERE d.entity_type = 'SessionEvent' AND d.id = outbox.entity_id)
    WHERE payload = '' AND entity_id IN (new.id, (SELECT e.id FROM session_events e WHERE e.session_id = new.session_id AND e.sequence = new.sequence))
      AND version = (SELECT t.version FROM session_events t WHERE t.id = outbox.entity_id);
END;

CREATE TRIGGER outbox_keep_session_event_update BEFORE UPDATE ON session_events BEGIN
    UPDATE outbox SET payload = (SELECT d.document FROM entity_documents d WHERE d.entity_type = 'SessionEvent' AND d.id = outbox.entity_id)
    WHERE payload = '' AND entity_id IN (old.id, new.id, (SELECT e.id FROM session_events e WHERE e.session_id = new.session_id AND e.sequence = new.sequence))
      AND version = (SELECT t.version FROM session_events t WHERE t.id = outbox.entity_id);
END;

CREATE TRIGGER outbox_keep_session_event_delete BEFORE DELETE ON session_events BEGIN
    UPDATE outbox SET payload = (SELECT d.document FROM entity_documents d WHERE d.entity_type = 'SessionEvent' AND d.id = outbox.entity_id)
    WHERE payload = '' AND entity_id IN (old.id)
      AND version = (SELECT t.version FROM session_events t WHERE t.id = outbox.entity_id);
END;
