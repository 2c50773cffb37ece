-- acode workspace database, schema 1.2.0: outbox leases move out of the outbox rows into a narrow table.
-- A claim used to rewrite every claimed outbox record (about 1.2 KB each with its payload) and the acknowledgement
-- rewrote it again; now a claim writes only these small rows and each record is rewritten once, when it is
-- acknowledged, failed or requeued.
--
-- outbox.lease_owner and outbox.lease_until stay, unused from this version on (they are neither read nor written, and
-- new records leave them NULL). Dropping them would rewrite every outbox record in this one transaction, and ALTER TABLE
-- would have SQLite, not this file, write the table's new definition: acode compares each schema object with the text
-- its migrations define on every open, so every definition must be a migration's own text.

-- One row per record leased to a sync process, until that process acknowledges, fails or releases the record
-- (the row is deleted then) or another process re-claims it after lease_until (the row is replaced).
-- A record without a row here is not leased.
CREATE TABLE outbox_leases (
    outbox_id    INTEGER PRIMARY KEY REFERENCES outbox (id) ON DELETE CASCADE,
    owner        TEXT NOT NULL,
    lease_until  TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
) STRICT;

-- Leases held while this migration runs, expired ones included: their owner may still acknowledge them until another
-- process takes them over. A claim set the record's updated_at, so that is when the lease was taken.
INSERT INTO outbox_leases (outbox_id, owner, lease_until, created_at, updated_at)
SELECT id, lease_owner, lease_until, updated_at, updated_at
FROM outbox
WHERE status = 'Pending' AND lease_owner IS NOT NULL AND lease_until IS NOT NULL;

-- The moved leases no longer live in the outbox rows (processed and dead-lettered records keep their old values: clearing
-- them would rewrite the whole outbox).
UPDATE outbox SET lease_owner = NULL, lease_until = NULL
WHERE status = 'Pending' AND (lease_owner IS NOT NULL OR lease_until IS NOT NULL);
