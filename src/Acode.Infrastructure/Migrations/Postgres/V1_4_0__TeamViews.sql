-- acode shared PostgreSQL database, schema 1.4.0: what a team needs to query the mirror by hand (docs/postgres.md).
--
-- workspaces      one row per workspace that syncs here: its name, acode version, outbox retention, first and last sync.
-- created_origin  on sessions: the workspace where the session was first delivered from; origin stays the workspace
--                 whose change currently stands. Set by a trigger, so every writer (the sync, a direct store) keeps it.
-- live_* views    the mirror without tombstones: deleted sessions and anything under them are hidden.
-- session_overview, tool_call_stats   the common questions as one-liners.
-- sync_maintenance  when the server-side housekeeping (pruning sync_applied) last ran, so it runs at most hourly.
-- acode_idempotency_key(), stored_versions   the idempotency key of the version each mirror row holds: pruning keeps it.

CREATE TABLE workspaces (
    id                     text PRIMARY KEY,
    name                   text NOT NULL,
    acode_version          text NOT NULL,
    -- persistence:sqlite:outboxRetentionDays as the workspace reported it; null when unknown (synced before 1.4.0).
    outbox_retention_days  integer CHECK (outbox_retention_days >= 0),
    first_sync_at          timestamptz NOT NULL DEFAULT now(),
    last_sync_at           timestamptz NOT NULL DEFAULT now()
);

-- Workspaces that synced before 1.4.0: known by id only until their next sync reports the rest.
INSERT INTO workspaces (id, name, acode_version, outbox_retention_days, first_sync_at, last_sync_at)
SELECT origin, origin, 'unknown', NULL, min(applied_at), max(applied_at) FROM sync_applied GROUP BY origin;

ALTER TABLE sessions ADD COLUMN created_origin text;

-- Sessions that arrived before 1.4.0: the workspace of the earliest delivery of any of their changes, else the current one.
UPDATE sessions s SET created_origin = first.origin
FROM (SELECT DISTINCT ON (entity_id) entity_id, origin FROM sync_applied WHERE entity_type = 'Session'
      ORDER BY entity_id, applied_at, idempotency_key) AS first
WHERE first.entity_id = s.id;
UPDATE sessions SET created_origin = origin WHERE created_origin IS NULL;

ALTER TABLE sessions ALTER COLUMN created_origin SET NOT NULL;
CREATE INDEX ix_sessions_created_origin ON sessions (created_origin, created_at, id);

-- The first writer of a session stays its creator: set on insert, never changed by an update.
CREATE FUNCTION acode_keep_created_origin() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        NEW.created_origin := COALESCE(NEW.created_origin, NEW.origin);
    ELSE
        NEW.created_origin := OLD.created_origin;
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER tr_sessions_created_origin BEFORE INSERT OR UPDATE ON sessions
FOR EACH ROW EXECUTE FUNCTION acode_keep_created_origin();

-- The idempotency key of a version, as the sync writes it: EntityType:id:updated_at to 100 ns (hlc, .NET ticks, UTC).
CREATE FUNCTION acode_idempotency_key(entity_type text, entity_id text, hlc bigint) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT entity_type || ':' || entity_id || ':'
        || to_char(to_timestamp(((hlc - 621355968000000000) / 10000000)::double precision) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS')
        || '.' || lpad((hlc % 10000000)::text, 7, '0') || 'Z'
$$;

-- The key of the version each mirror row holds now (tombstones included): the conflict rule asks whether a writer held it.
CREATE VIEW stored_versions AS
          SELECT 'Session' AS entity_type, id AS entity_id, acode_idempotency_key('Session', id, hlc) AS idempotency_key FROM sessions
UNION ALL SELECT 'SessionTask', id, acode_idempotency_key('SessionTask', id, hlc) FROM session_tasks
UNION ALL SELECT 'Step', id, acode_idempotency_key('Step', id, hlc) FROM steps
UNION ALL SELECT 'ToolCall', id, acode_idempotency_key('ToolCall', id, hlc) FROM tool_calls
UNION ALL SELECT 'Artifact', id, acode_idempotency_key('Artifact', id, hlc) FROM artifacts
UNION ALL SELECT 'SessionEvent', id, acode_idempotency_key('SessionEvent', id, hlc) FROM session_events;

CREATE TABLE sync_maintenance (
    task         text PRIMARY KEY,
    last_run_at  timestamptz NOT NULL,
    last_result  text NOT NULL
);

-- Tombstones stay in the tables (an older change arriving late must lose to the deletion); people read the live views.
CREATE VIEW live_sessions AS
SELECT s.* FROM sessions s WHERE s.deleted_at IS NULL;

CREATE VIEW live_session_tasks AS
SELECT c.* FROM session_tasks c WHERE NOT EXISTS (SELECT 1 FROM sessions s WHERE s.id = c.session_id AND s.deleted_at IS NOT NULL);

CREATE VIEW live_steps AS
SELECT c.* FROM steps c WHERE NOT EXISTS (SELECT 1 FROM sessions s WHERE s.id = c.session_id AND s.deleted_at IS NOT NULL);

CREATE VIEW live_tool_calls AS
SELECT c.* FROM tool_calls c WHERE NOT EXISTS (SELECT 1 FROM sessions s WHERE s.id = c.session_id AND s.deleted_at IS NOT NULL);

CREATE VIEW live_artifacts AS
SELECT c.* FROM artifacts c WHERE NOT EXISTS (SELECT 1 FROM sessions s WHERE s.id = c.session_id AND s.deleted_at IS NOT NULL);

CREATE VIEW live_session_events AS
SELECT c.* FROM session_events c WHERE NOT EXISTS (SELECT 1 FROM sessions s WHERE s.id = c.session_id AND s.deleted_at IS NOT NULL);

-- One row per live session: where it was made and last changed, how big it is, how much of it failed.
CREATE VIEW session_overview AS
SELECT s.id, s.title, s.goal, s.state, s.version, s.created_at, s.updated_at,
       s.updated_at - s.created_at AS duration,
       s.created_origin AS created_workspace_id,
       COALESCE(cw.name, s.created_origin) AS created_workspace,
       s.origin AS last_workspace_id,
       COALESCE(lw.name, s.origin) AS last_workspace,
       (SELECT count(*) FROM session_tasks t WHERE t.session_id = s.id) AS tasks,
       (SELECT count(*) FROM steps p WHERE p.session_id = s.id) AS steps,
       tc.tool_calls, tc.failed_tool_calls
FROM live_sessions s
LEFT JOIN workspaces cw ON cw.id = s.created_origin
LEFT JOIN workspaces lw ON lw.id = s.origin
CROSS JOIN LATERAL (SELECT count(*) AS tool_calls, count(*) FILTER (WHERE c.status = 'Failed') AS failed_tool_calls
                    FROM tool_calls c WHERE c.session_id = s.id) AS tc;

-- Per tool name, over live tool calls: how often, how often it failed, and how long it took (milliseconds).
CREATE VIEW tool_call_stats AS
SELECT tool_name,
       count(*) AS calls,
       count(*) FILTER (WHERE status = 'Failed') AS failed,
       round((count(*) FILTER (WHERE status = 'Failed'))::numeric / count(*), 4) AS failure_rate,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY duration_ticks / 10000.0) AS p50_ms,
       percentile_cont(0.95) WITHIN GROUP (ORDER BY duration_ticks / 10000.0) AS p95_ms,
       max(duration_ticks) / 10000.0 AS max_ms
FROM live_tool_calls
GROUP BY tool_name;
