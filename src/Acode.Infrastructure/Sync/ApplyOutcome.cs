namespace Acode.Infrastructure.Sync;

/// <summary>What applying one outbox record to PostgreSQL did (stored in <c>sync_applied.outcome</c>).</summary>
internal enum ApplyOutcome
{
    /// <summary>The change is now the stored version.</summary>
    Applied,

    /// <summary>A later change of the same entity in the same batch was applied in its place.</summary>
    Superseded,

    /// <summary>PostgreSQL already held a newer version (by hlc, then origin) from the same line of changes; nothing changed.</summary>
    Stale,

    /// <summary>A conflict (another workspace changed the entity) that this change won; both versions were audited.</summary>
    ConflictWon,

    /// <summary>A conflict that the stored version won; both versions were audited, nothing changed.</summary>
    ConflictLost,

    /// <summary>
    /// The idempotency key was applied before: not applied again (AC-046). Also the stored change itself delivered by
    /// another workspace that imported it (same version, stamp and content): nothing changes, the stored origin stays.
    /// </summary>
    Duplicate,
}
