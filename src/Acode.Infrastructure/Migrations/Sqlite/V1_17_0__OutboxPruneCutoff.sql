-- acode workspace database, schema 1.17.0: a deletion written by 'acode db prune --remote' carries the prune's cutoff
-- and states (docs/architecture.md, "The prune's cutoff in its deletions").
--
-- pruned_before is the cutoff in UTC ticks (100 ns, the unit of the sync's hlc), pruned_states the states the prune
-- takes (comma-separated names; NULL: any state); both NULL for every other record. The prune tombstones PostgreSQL's
-- own copies of the sessions it removes (their stored versions, whichever workspace wrote them) and then delivers its
-- deletions, which meet those tombstones. When PostgreSQL was lost between the local removal and that step, the
-- deletions were delivered later by 'acode db sync' as plain deletions: one based on a copy that was behind
-- PostgreSQL's version won as a conflict and left this copy's older document in the tombstone. With the prune in the
-- record, any delivery judges it as the prune would have: PostgreSQL's version changed before the cutoff (in one of the
-- states) is tombstoned as it holds it; one changed since, or moved to another state, stays. Records written before
-- this version keep NULL and are delivered as before.

ALTER TABLE outbox ADD COLUMN pruned_before INTEGER CHECK (pruned_before IS NULL OR pruned_before > 0);
ALTER TABLE outbox ADD COLUMN pruned_states TEXT;
