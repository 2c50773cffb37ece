-- acode workspace database, schema 1.9.0: the sessions imported from a transcript and removed here since
-- (docs/import.md, "A session you removed stays removed").
--
-- Transcript imports give a session the same id every time (derived from the transcript), so importing a transcript
-- again would bring back a session that 'acode session delete', 'acode db prune' or the retention worker removed.
-- When one of them removes a session that has an import.source event, its id is kept here, in the transaction that
-- removes it; 'acode import' then skips that transcript until it is asked to take it again (--include-removed), which
-- forgets the id. reason: 'session delete', 'db prune', 'retention' or 'DeleteSessionAsync' (a host's call);
-- created_at: when it was first removed, updated_at: when last (a session that existed again and was removed again).
-- Nothing else reads this table: it is not synced, and a session that exists again is not skipped.
CREATE TABLE removed_imports (
    session_id  TEXT PRIMARY KEY,
    reason      TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
) STRICT, WITHOUT ROWID;
