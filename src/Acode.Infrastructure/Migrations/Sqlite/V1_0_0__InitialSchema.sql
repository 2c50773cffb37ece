-- acode workspace database, schema 1.0.0.
-- Timestamps are TEXT in one fixed-width UTC format, 'YYYY-MM-DDTHH:MM:SS.fffffffZ' (100 ns): text order is time order.
-- Every table is STRICT; children cascade from their session.

-- One row: this workspace's origin id (conflict tie-breaks) and its sync bookkeeping.
-- hlc_floor: the newest timestamp seen in PostgreSQL (UTC ticks); every process's clock starts past it.
CREATE TABLE workspace (
    id               INTEGER PRIMARY KEY CHECK (id = 1),
    workspace_id     TEXT NOT NULL,
    hlc_floor        INTEGER NOT NULL DEFAULT 0,
    last_sync_at     TEXT,
    last_sync_error  TEXT,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
) STRICT;

INSERT INTO workspace (id, workspace_id, created_at, updated_at)
VALUES (1, 'ws_' || lower(hex(randomblob(16))),
        strftime('%Y-%m-%dT%H:%M:%f0000Z', 'now'), strftime('%Y-%m-%dT%H:%M:%f0000Z', 'now'));

CREATE TABLE sessions (
    id          TEXT PRIMARY KEY,
    title       TEXT NOT NULL,
    goal        TEXT,
    state       TEXT NOT NULL CHECK (state IN ('Created','Planning','AwaitingApproval','Executing','Paused','Completed','Failed','Cancelled')),
    version     INTEGER NOT NULL CHECK (version > 0),
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
) STRICT;
CREATE INDEX ix_sessions_updated ON sessions (updated_at, id);
CREATE INDEX ix_sessions_created ON sessions (created_at, id);
CREATE INDEX ix_sessions_state_updated ON sessions (state, updated_at, id);
CREATE INDEX ix_sessions_state_created ON sessions (state, created_at, id);

CREATE TABLE session_tasks (
    id            TEXT PRIMARY KEY,
    session_id    TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    ordinal       INTEGER NOT NULL,
    title         TEXT NOT NULL,
    description   TEXT,
    state         TEXT NOT NULL,
    started_at    TEXT,
    completed_at  TEXT,
    version       INTEGER NOT NULL CHECK (version > 0),
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
) STRICT;
CREATE INDEX ix_session_tasks_session ON session_tasks (session_id, ordinal);

CREATE TABLE steps (
    id            TEXT PRIMARY KEY,
    session_id    TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    task_id       TEXT NOT NULL REFERENCES session_tasks (id) ON DELETE CASCADE,
    ordinal       INTEGER NOT NULL,
    title         TEXT NOT NULL,
    description   TEXT,
    state         TEXT NOT NULL,
    started_at    TEXT,
    completed_at  TEXT,
    version       INTEGER NOT NULL CHECK (version > 0),
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
) STRICT;
CREATE INDEX ix_steps_session ON steps (session_id);
CREATE INDEX ix_steps_task ON steps (task_id, ordinal);

CREATE TABLE tool_calls (
    id              TEXT PRIMARY KEY,
    session_id      TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    step_id         TEXT NOT NULL REFERENCES steps (id) ON DELETE CASCADE,
    tool_name       TEXT NOT NULL,
    arguments       TEXT NOT NULL,
    status          TEXT NOT NULL,
    result          TEXT,
    error           TEXT,
    started_at      TEXT,
    completed_at    TEXT,
    duration_ticks  INTEGER,
    version         INTEGER NOT NULL CHECK (version > 0),
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
) STRICT;
CREATE INDEX ix_tool_calls_session ON tool_calls (session_id, id);
CREATE INDEX ix_tool_calls_step ON tool_calls (step_id);

CREATE TABLE artifacts (
    id            TEXT PRIMARY KEY,
    session_id    TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    step_id       TEXT REFERENCES steps (id) ON DELETE CASCADE,
    tool_call_id  TEXT REFERENCES tool_calls (id) ON DELETE CASCADE,
    name          TEXT NOT NULL,
    kind          TEXT NOT NULL,
    media_type    TEXT NOT NULL,
    size          INTEGER NOT NULL CHECK (size >= 0),
    content_hash  TEXT NOT NULL,
    content       BLOB,
    version       INTEGER NOT NULL CHECK (version > 0),
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
) STRICT;
CREATE INDEX ix_artifacts_session ON artifacts (session_id, id);
CREATE INDEX ix_artifacts_step ON artifacts (step_id);
CREATE INDEX ix_artifacts_tool_call ON artifacts (tool_call_id);

CREATE TABLE session_events (
    id          TEXT PRIMARY KEY,
    session_id  TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    sequence    INTEGER NOT NULL CHECK (sequence > 0),
    type        TEXT NOT NULL,
    payload     TEXT NOT NULL,
    version     INTEGER NOT NULL CHECK (version > 0),
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    UNIQUE (session_id, sequence)
) STRICT;

-- The transactional outbox: one record per committed change, written in the same transaction.
-- No foreign keys: a session's deletion is itself a record and must outlive the session's rows.
CREATE TABLE outbox (
    id               INTEGER PRIMARY KEY,
    idempotency_key  TEXT NOT NULL UNIQUE,
    entity_type      TEXT NOT NULL,
    entity_id        TEXT NOT NULL,
    session_id       TEXT NOT NULL,
    operation        TEXT NOT NULL CHECK (operation IN ('Upsert','Delete')),
    base_version     INTEGER NOT NULL,
    version          INTEGER NOT NULL,
    origin           TEXT NOT NULL,
    payload          TEXT NOT NULL,
    status           TEXT NOT NULL DEFAULT 'Pending' CHECK (status IN ('Pending','Processed','Failed')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TEXT NOT NULL,
    last_error       TEXT,
    lease_owner      TEXT,
    lease_until      TEXT,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    processed_at     TEXT
) STRICT;
CREATE INDEX ix_outbox_status ON outbox (status, id);
CREATE INDEX ix_outbox_entity ON outbox (entity_id, id);
CREATE INDEX ix_outbox_processed ON outbox (processed_at) WHERE processed_at IS NOT NULL;
