-- acode workspace database, schema 1.16.0: which rows hold a version taken from PostgreSQL by 'acode session pull'
-- (docs/architecture.md, "A transcript imported over the team's version").
--
-- A transcript import numbers a session's versions by what its transcript holds, so two copies of one transcript
-- continued on two machines number their own versions, and the numbers of one say nothing about the other's. The
-- sync orders such concurrent versions by time (the later hlc wins). A transcript imported again here after a pull
-- took the other machine's later version compared version numbers only: this workspace's older, higher-numbered
-- version was written over the team's newer one, stamped after it, and the sync delivered it as a continuation. Over
-- a row that still holds what the pull took, a transcript import now asks the sync's question instead: it writes
-- only a version later in time. Each row the pull writes (taken or converged on) is listed here with the stamp it
-- took (version_stamp: the row's updated_at then); a row written here since has another stamp, so its entry no longer
-- matches and is not consulted. created_at, updated_at: when the entry was first and last written.
-- Nothing else reads this table: it is not synced; its entries go with their session.
CREATE TABLE pulled_versions (
    entity_id      TEXT PRIMARY KEY,
    session_id     TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    version_stamp  TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
) STRICT, WITHOUT ROWID;

CREATE INDEX ix_pulled_versions_session ON pulled_versions (session_id);
