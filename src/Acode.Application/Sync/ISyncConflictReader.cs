namespace Acode.Application.Sync;

/// <summary>Read-only views of the shared PostgreSQL database for health pages: conflicts and each workspace's last sync.</summary>
public interface ISyncConflictReader
{
    /// <summary>
    /// The newest conflicts first, <paramref name="limit"/> (1 to 1,000) at a time; <paramref name="beforeId"/> continues
    /// after the last <see cref="SyncConflict.Id"/> of the previous page.
    /// </summary>
    /// <exception cref="Errors.AcodeDbException">ACODE-DB-006 when PostgreSQL is unavailable; other storage faults with their code.</exception>
    Task<IReadOnlyList<SyncConflict>> ReadConflictsAsync(long? beforeId, int limit, CancellationToken cancellationToken = default);

    /// <summary>
    /// The workspaces that sync here, most recently synced first, at most <paramref name="limit"/> (1 to 1,000), from the
    /// <c>workspaces</c> table the sync keeps (one row per workspace, however old its changes or however much of
    /// <c>sync_applied</c> was pruned).
    /// </summary>
    /// <exception cref="Errors.AcodeDbException">As <see cref="ReadConflictsAsync"/>.</exception>
    Task<IReadOnlyList<WorkspaceLastSync>> ReadLastSyncsAsync(int limit, CancellationToken cancellationToken = default);
}
