-- acode workspace database, schema 1.8.0: an outbox record carries the stamp of the version its change was based on
-- (docs/architecture.md, "Conflicts").
--
-- base_hlc is the updated_at of that version in UTC ticks (100 ns, the unit of the sync's hlc), NULL when the change
-- was based on nothing (base_version 0). Version numbers alone cannot tell two lineages apart: a copy of a workspace
-- folder shares its workspace id with the original, and both can make a version 6 of the same session. The sync
-- takes a change as continuing the version PostgreSQL holds only when base_hlc equals that version's hlc, so the
-- copies' diverging changes are conflicts, never silent overwrites. Records written before this version keep NULL
-- and are judged as before (base version and workspace id); they are delivered as they are.

ALTER TABLE outbox ADD COLUMN base_hlc INTEGER;
