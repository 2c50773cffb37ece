namespace Acode.Infrastructure.Sync;

/// <summary>The version of one entity PostgreSQL holds, as <see cref="ConflictRule"/> sees it.</summary>
/// <param name="Version">The entity's version number (per writer lineage; two workspaces can both make a version 2).</param>
/// <param name="Hlc">Its <c>updated_at</c> in exact UTC ticks (100 ns).</param>
/// <param name="Origin">The workspace id that delivered it.</param>
/// <param name="Deleted">Whether it is a session's tombstone.</param>
/// <param name="SessionId">The session the stored row belongs to (a session's own id); null when not looked up.</param>
internal readonly record struct StoredState(long Version, long Hlc, string Origin, bool Deleted, string? SessionId = null);
