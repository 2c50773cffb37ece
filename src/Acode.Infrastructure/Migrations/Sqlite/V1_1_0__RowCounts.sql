-- acode workspace database, schema 1.1.0: exact row counts without scanning.
-- SQLite keeps no row count, so count(*) reads every entry of an index: seconds on a cold cache for a workspace of a
-- million sessions, on every 'acode db status'. Triggers keep one counter per table in the transaction that changes
-- the rows, whoever writes them: the store, an import, a cascade from a deleted session, or the sqlite3 shell. Per-row
-- triggers add one small UPDATE per inserted or deleted row (docs/performance.md).
-- The outbox has one counter for all its records, not one per status: pending and dead-lettered records are counted
-- through the status index (the backlog and the dead letters, small when all is well), and processed = all - those.
-- A per-status UPDATE OF status trigger would cost the sync about 5 µs of its ~60 µs per acknowledged record.
-- 'acode db check' compares the counters with real counts; 'acode db check --recount' rebuilds them.
-- No CHECK (row_count >= 0): a damaged counter must never block a save.
CREATE TABLE row_counts (
    name        TEXT PRIMARY KEY,
    row_count   INTEGER NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
) STRICT, WITHOUT ROWID;

INSERT INTO row_counts (name, row_count, created_at, updated_at)
SELECT column1, column2, strftime('%Y-%m-%dT%H:%M:%f0000Z', 'now'), strftime('%Y-%m-%dT%H:%M:%f0000Z', 'now') FROM (VALUES
    ('sessions', (SELECT count(*) FROM sessions)),
    ('session_tasks', (SELECT count(*) FROM session_tasks)),
    ('steps', (SELECT count(*) FROM steps)),
    ('tool_calls', (SELECT count(*) FROM tool_calls)),
    ('artifacts', (SELECT count(*) FROM artifacts)),
    ('session_events', (SELECT count(*) FROM session_events)),
    ('outbox', (SELECT count(*) FROM outbox WHERE status IN ('Pending', 'Processed', 'Failed'))));

CREATE TRIGGER row_counts_sessions_insert AFTER INSERT ON sessions BEGIN
    UPDATE row_counts SET row_count = row_count + 1, updated_at = strftime('%Y-%m-%dT%H:%M:%f0000Z', 'now') WHERE name = 'sessions';
END;

CREATE TRIGGER row_counts_sessions_delete AFTER DELETE ON sessions BEGIN
    UPDATE row_counts SET row_count = row_count - 1, updated_at = strftime('%Y-%m-%dT%H:%M:%f0000Z', 'now') WHERE name = 'sessions';
END;

CREATE TRIGGER row_counts_session_tasks_insert AFTER INSERT ON session_tasks BEGIN
    UPDATE row_counts SET row_count = row_count + 1, updated_at = strftime('%Y-%m-%dT%H:%M:%f0000Z', 'now') WHERE name = 'session_tasks';
END;

CREATE TRIGGER row_counts_session_tasks_delete AFTER DELETE ON session_tasks BEGIN
    UPDATE row_counts SET row_count = row_count - 1, updated_at = strftime('%Y-%m-%dT%H:%M:%f0000Z', 'now') WHERE name = 'session_tasks';
END;

CREATE TRIGGER row_counts_steps_insert AFTER INSERT ON steps BEGIN
    UPDATE row_counts SET row_count = row_count + 1, updated_at = strftime('%Y-%m-%dT%H:%M:%f0000Z', 'now') WHERE name = 'steps';
END;

CREATE TRIGGER row_counts_steps_delete AFTER DELETE ON steps BEGIN
    UPDATE row_counts SET row_count = row_count - 1, updated_at = strftime('%Y-%m-%dT%H:%M:%f0000Z', 'now') WHERE name = 'steps';
END;

CREATE TRIGGER row_counts_tool_calls_insert AFTER INSERT ON tool_calls BEGIN
    UPDATE row_counts SET row_count = row_count + 1, updated_at = strftime('%Y-%m-%dT%H:%M:%f0000Z', 'now') WHERE name = 'tool_calls';
END;

CREATE TRIGGER row_counts_tool_calls_delete AFTER DELETE ON tool_calls BEGIN
    UPDATE row_counts SET row_count = row_count - 1, updated_at = strftime('%Y-%m-%dT%H:%M:%f0000Z', 'now') WHERE name = 'tool_calls';
END;

CREATE TRIGGER row_counts_artifacts_insert AFTER INSERT ON artifacts BEGIN
    UPDATE row_counts SET row_count = row_count + 1, updated_at = strftime('%Y-%m-%dT%H:%M:%f0000Z', 'now') WHERE name = 'artifacts';
END;

CREATE TRIGGER row_counts_artifacts_delete AFTER DELETE ON artifacts BEGIN
    UPDATE row_counts SET row_count = row_count - 1, updated_at = strftime('%Y-%m-%dT%H:%M:%f0000Z', 'now') WHERE name = 'artifacts';
END;

CREATE TRIGGER row_counts_session_events_insert AFTER INSERT ON session_events BEGIN
    UPDATE row_counts SET row_count = row_count + 1, updated_at = strftime('%Y-%m-%dT%H:%M:%f0000Z', 'now') WHERE name = 'session_events';
END;

CREATE TRIGGER row_counts_session_events_delete AFTER DELETE ON session_events BEGIN
    UPDATE row_counts SET row_count = row_count - 1, updated_at = strftime('%Y-%m-%dT%H:%M:%f0000Z', 'now') WHERE name = 'session_events';
END;

CREATE TRIGGER row_counts_outbox_insert AFTER INSERT ON outbox BEGIN
    UPDATE row_counts SET row_count = row_count + 1, updated_at = strftime('%Y-%m-%dT%H:%M:%f0000Z', 'now') WHERE name = 'outbox';
END;

CREATE TRIGGER row_counts_outbox_delete AFTER DELETE ON outbox BEGIN
    UPDATE row_counts SET row_count = row_count - 1, updated_at = strftime('%Y-%m-%dT%H:%M:%f0000Z', 'now') WHERE name = 'outbox';
END;
