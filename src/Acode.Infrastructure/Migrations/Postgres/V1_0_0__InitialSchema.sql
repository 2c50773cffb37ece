-- acode shared PostgreSQL database, schema 1.0.0: the same version as the SQLite workspace schema (AC-010).
--
-- The mirror tables (sessions, session_tasks, steps, tool_calls, artifacts, session_events) hold the same columns
-- with the same meaning as the SQLite tables (AC-026): timestamptz for timestamps (UTC), jsonb for JSON values,
-- bytea for artifact content, bigint for integers. Each mirror row also carries:
--   hlc        the exact updated_at as UTC .NET ticks (100 ns). timestamptz keeps only microseconds, so
--              last-writer-wins (AC-049) compares (hlc, origin), never updated_at.
--   origin     the workspace id that wrote this version of the row.
--   document   the entity document JSON (src/Acode.Application/Serialization), i.e. the outbox payload that
--              wrote this version. Named document, not payload: session_events.payload already is the event's
--              own JSON, with the same meaning as in SQLite.
--   synced_at  when this version arrived here (the server's clock, not the writer's).
--
-- No foreign keys in the mirror: rows from many workspaces arrive in any order across entities (a step before
-- its task, an event after its session was deleted), and a row must never be refused for that. Integrity is
-- the writers' (each workspace's SQLite enforces it); the mirror keeps what it was given and converges by
-- last-writer-wins per entity. For the same reason session_events has no UNIQUE (session_id, sequence).
--
-- text and jsonb cannot hold U+0000 (PostgreSQL rejects the character, and the \u0000 escape in jsonb): the sync
-- replaces it in the PostgreSQL copy only (src/Acode.Infrastructure/Sync/PostgresText.cs); SQLite, exports and
-- the outbox keep the original text.
--
-- schema_version is created by the migrator itself, as in SQLite.

CREATE TABLE sessions (
    id          text PRIMARY KEY,
    title       text NOT NULL,
    goal        text,
    state       text NOT NULL CHECK (state IN ('Created','Planning','AwaitingApproval','Executing','Paused','Completed','Failed','Cancelled')),
    version     bigint NOT NULL CHECK (version > 0),
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    hlc         bigint NOT NULL,
    origin      text NOT NULL,
    document    jsonb NOT NULL,
    synced_at   timestamptz NOT NULL DEFAULT now(),
    -- A deleted session stays as a tombstone (non-null deleted_at) so that an older change arriving late
    -- loses to the deletion under last-writer-wins instead of resurrecting it.
    deleted_at  timestamptz
);
CREATE INDEX ix_sessions_updated ON sessions (updated_at, id);
CREATE INDEX ix_sessions_created ON sessions (created_at, id);
CREATE INDEX ix_sessions_state_updated ON sessions (state, updated_at, id);
CREATE INDEX ix_sessions_state_created ON sessions (state, created_at, id);

CREATE TABLE session_tasks (
    id            text PRIMARY KEY,
    session_id    text NOT NULL,
    ordinal       bigint NOT NULL,
    title         text NOT NULL,
    description   text,
    state         text NOT NULL,
    started_at    timestamptz,
    completed_at  timestamptz,
    version       bigint NOT NULL CHECK (version > 0),
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL,
    hlc           bigint NOT NULL,
    origin        text NOT NULL,
    document      jsonb NOT NULL,
    synced_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ix_session_tasks_session ON session_tasks (session_id, ordinal);
CREATE INDEX ix_session_tasks_updated ON session_tasks (updated_at);

CREATE TABLE steps (
    id            text PRIMARY KEY,
    session_id    text NOT NULL,
    task_id       text NOT NULL,
    ordinal       bigint NOT NULL,
    title         text NOT NULL,
    description   text,
    state         text NOT NULL,
    started_at    timestamptz,
    completed_at  timestamptz,
    version       bigint NOT NULL CHECK (version > 0),
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL,
    hlc           bigint NOT NULL,
    origin        text NOT NULL,
    document      jsonb NOT NULL,
    synced_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ix_steps_session ON steps (session_id);
CREATE INDEX ix_steps_task ON steps (task_id, ordinal);
CREATE INDEX ix_steps_updated ON steps (updated_at);

CREATE TABLE tool_calls (
    id              text PRIMARY KEY,
    session_id      text NOT NULL,
    step_id         text NOT NULL,
    tool_name       text NOT NULL,
    arguments       jsonb NOT NULL,
    status          text NOT NULL,
    result          text,
    error           text,
    started_at      timestamptz,
    completed_at    timestamptz,
    duration_ticks  bigint,
    version         bigint NOT NULL CHECK (version > 0),
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    hlc             bigint NOT NULL,
    origin          text NOT NULL,
    document        jsonb NOT NULL,
    synced_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ix_tool_calls_session ON tool_calls (session_id, id);
CREATE INDEX ix_tool_calls_step ON tool_calls (step_id);
CREATE INDEX ix_tool_calls_updated ON tool_calls (updated_at);

CREATE TABLE artifacts (
    id            text PRIMARY KEY,
    session_id    text NOT NULL,
    step_id       text,
    tool_call_id  text,
    name          text NOT NULL,
    kind          text NOT NULL,
    media_type    text NOT NULL,
    size          bigint NOT NULL CHECK (size >= 0),
    content_hash  text NOT NULL,
    content       bytea,
    version       bigint NOT NULL CHECK (version > 0),
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL,
    hlc           bigint NOT NULL,
    origin        text NOT NULL,
    document      jsonb NOT NULL,
    synced_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ix_artifacts_session ON artifacts (session_id, id);
CREATE INDEX ix_artifacts_step ON artifacts (step_id);
CREATE INDEX ix_artifacts_tool_call ON artifacts (tool_call_id);
CREATE INDEX ix_artifacts_updated ON artifacts (updated_at);

CREATE TABLE session_events (
    id          text PRIMARY KEY,
    session_id  text NOT NULL,
    sequence    bigint NOT NULL CHECK (sequence > 0),
    type        text NOT NULL,
    payload     jsonb NOT NULL,
    version     bigint NOT NULL CHECK (version > 0),
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    hlc         bigint NOT NULL,
    origin      text NOT NULL,
    document    jsonb NOT NULL,
    synced_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ix_session_events_session ON session_events (session_id, sequence);
CREATE INDEX ix_session_events_updated ON session_events (updated_at);

-- Idempotency (AC-045, AC-046): one row per applied outbox record, keyed by its idempotency key
-- (EntityType:entity_id:updated_at). A key already here is a duplicate: it is not applied again.
-- outcome says what applying it did (e.g. applied, stale, conflict); pruning is by applied_at.
-- The key is unique per origin workspace: two workspaces that change one entity at the very same 100 ns tick
-- produce the same key, and those are two changes (a tie that last-writer-wins breaks by origin), not a duplicate.
CREATE TABLE sync_applied (
    idempotency_key  text NOT NULL,
    entity_type      text NOT NULL,
    entity_id        text NOT NULL,
    origin           text NOT NULL,
    outcome          text NOT NULL,
    applied_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (idempotency_key, origin)
);
CREATE INDEX ix_sync_applied_applied ON sync_applied (applied_at);

-- Conflicts (AC-048 .. AC-052): an incoming change based on a version other than the one stored here. Both
-- versions are kept for audit, with the winner under last-writer-wins on (hlc, origin). existing_* is null
-- when the stored row is gone.
CREATE TABLE sync_conflicts (
    id                     bigserial PRIMARY KEY,
    entity_type            text NOT NULL,
    entity_id              text NOT NULL,
    session_id             text NOT NULL,
    incoming_key           text NOT NULL,
    incoming_origin        text NOT NULL,
    incoming_base_version  bigint NOT NULL,
    incoming_version       bigint NOT NULL,
    incoming_hlc           bigint NOT NULL,
    incoming_payload       jsonb NOT NULL,
    existing_origin        text,
    existing_version       bigint,
    existing_hlc           bigint,
    existing_payload       jsonb,
    winner                 text NOT NULL CHECK (winner IN ('incoming','existing')),
    detected_at            timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ix_sync_conflicts_entity ON sync_conflicts (entity_id, detected_at);
CREATE INDEX ix_sync_conflicts_detected ON sync_conflicts (detected_at);
