-- acode workspace database, schema 1.11.0: the outbox derives its idempotency key instead of storing it
-- (docs/architecture.md, "Each version its own stamp"; docs/performance.md, "Session 19").
--
-- The key is EntityType:entity_id:updated_at (IdempotencyKey.For: the stamp as yyyy-MM-ddTHH:mm:ss.fffffffZ, 100 ns).
-- Until 1.10.0 each record stored it (about 70 bytes) and a unique index held it again, an index leaf written by every
-- save. From this version a record stores the stamp itself, hlc (UTC ticks, the unit of base_hlc and of PostgreSQL's
-- hlc), and idempotency_key is a generated column (VIRTUAL: computed when read, never stored) that gives the same text.
-- The unique constraint moves to ix_outbox_entity, now (entity_id, hlc) instead of (entity_id, id): entity ids carry
-- their type's prefix (sess_, task_, step_, tc_, art_, evt_), so (entity_id, hlc) is unique exactly when the key is,
-- and the index still finds an entity's records. One index fewer per record; the keys the sync sends are unchanged.
--
-- SQLite cannot drop a UNIQUE column, so the table is rebuilt (https://www.sqlite.org/lang_altertable.html, "Making
-- Other Kinds Of Table Schema Changes"): the copy keeps every record and its id, the stamp is read back from the stored
-- key, and the migration fails (rolling back, nothing changed) if any derived key differs from the stored one. The
-- leases (outbox_leases, whose rows the old table's drop deletes through their foreign key) are put back, and the
-- indexes and row-count triggers of the outbox are created again. Records are moved as they are: no status, payload or
-- row count changes.

CREATE TABLE outbox_rebuilt (
    id               INTEGER PRIMARY KEY,
    idempotency_key  TEXT NOT NULL GENERATED ALWAYS AS (
                         entity_type || ':' || entity_id || ':'
                         || strftime('%Y-%m-%dT%H:%M:%S', hlc / 10000000 - 62135596800, 'unixepoch')
                         || '.' || printf('%07d', hlc % 10000000) || 'Z') VIRTUAL,
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
    processed_at     TEXT,
    base_hlc         INTEGER,
    hlc              INTEGER NOT NULL CHECK (hlc >= 0)
) STRICT;
INSERT INTO outbox_rebuilt (id, entity_type, entity_id, session_id, operation, base_version, version, origin, payload, status, attempts,
                            next_attempt_at, last_error, lease_owner, lease_until, created_at, updated_at, processed_at, base_hlc, hlc)
SELECT id, entity_type, entity_id, session_id, operation, base_version, version, origin, payload, status, attempts,
       next_attempt_at, last_error, lease_owner, lease_until, created_at, updated_at, processed_at, base_hlc,
       coalesce((CAST(strftime('%s', substr(idempotency_key, -28, 19)) AS INTEGER) + 62135596800) * 10000000 + CAST(substr(idempotency_key, -8, 7) AS INTEGER), 0)
FROM outbox ORDER BY id;

-- A stored key the derived one does not reproduce (not written by acode; one whose stamp cannot be read was given 0
-- above) stops the migration here.
CREATE TEMP TABLE outbox_key_check (mismatch TEXT CONSTRAINT derived_key_equals_stored_key CHECK (mismatch IS NULL));
INSERT INTO outbox_key_check SELECT 'x' FROM outbox o JOIN outbox_rebuilt n ON n.id = o.id WHERE n.idempotency_key IS NOT o.idempotency_key LIMIT 1;
DROP TABLE temp.outbox_key_check;

CREATE TEMP TABLE outbox_leases_kept AS SELECT * FROM outbox_leases;
DROP TABLE outbox;
-- The triggers of 1.7.0 on the entity tables name outbox, which does not exist between the drop and the rename; a
-- rename that re-checks every trigger would refuse (legacy_alter_table only renames, as the procedure above expects).
PRAGMA legacy_alter_table = ON;
ALTER TABLE outbox_rebuilt RENAME TO outbox;
PRAGMA legacy_alter_table = OFF;
INSERT INTO outbox_leases SELECT * FROM temp.outbox_leases_kept;
DROP TABLE temp.outbox_leases_kept;

CREATE INDEX ix_outbox_status ON outbox (status, id);
CREATE UNIQUE INDEX ix_outbox_entity ON outbox (entity_id, hlc);
CREATE INDEX ix_outbox_processed ON outbox (processed_at) WHERE processed_at IS NOT NULL;

CREATE TRIGGER row_counts_outbox_insert AFTER INSERT ON outbox BEGIN
    UPDATE row_counts SET row_count = row_count + 1, updated_at = strftime('%Y-%m-%dT%H:%M:%f0000Z', 'now') WHERE name = 'outbox';
END;
CREATE TRIGGER row_counts_outbox_delete AFTER DELETE ON outbox BEGIN
    UPDATE row_counts SET row_count = row_count - 1, updated_at = strftime('%Y-%m-%dT%H:%M:%f0000Z', 'now') WHERE name = 'outbox';
END;
