-- acode shared PostgreSQL database, schema 1.19.0: a session's tombstone keeps when, and by which workspace, it was
-- first deleted.
--
-- Of two deletions of one session (a second workspace's `session delete` or `db prune --remote` of its own copy), the
-- later by the order (deleted, hlc, origin) stands, as every other version does (ConflictRule), so every arrival
-- order converges on the same tombstone. But the tombstone's origin and deleted_at were also what `session pull`,
-- `session show --remote` and the viewer reported as "deleted on T by workspace W", so a second deletion moved that
-- report to the later workspace and time (trial AS 2). deleted_by holds the workspace of the deletion PostgreSQL applied
-- first, and the sync keeps it, and deleted_at, when a later deletion rewrites the tombstone (MirrorTable).
ALTER TABLE sessions ADD COLUMN deleted_by text;

-- A tombstone written before 1.19.0 names its last deleter, the best record there is of it.
UPDATE sessions SET deleted_by = origin WHERE deleted_at IS NOT NULL;
