namespace Acode.Application.Sync;

/// <summary>Read-only views of the shared PostgreSQL database for health pages: conflicts and each workspace's last sync.</summary>
public interface ISyncConflictReader
{
    /// <summary>Most changes <see cref="ReadLastSyncsAsync"/> looks at: the newest this many applied changes.</summary>
    const int RecentChanges = 10_000;

    /// <summary>
    /// The newest conflicts first, <paramref name="limit"/> (1 to 1,000) at a time; <paramref name="beforeId"/> continues
    /// after the last <see cref="SyncConflict.Id"/> of the previous page.
    /// </summary>
    /// <exception cref="Errors.AcodeDbException">ACODE-DB-006 when PostgreSQL is unavailable; other storage faults with their code.</exception>
    Task<IReadOnlyList<SyncConflict>> ReadConflictsAsync(long? beforeId, int limit, CancellationToken cancellationToken = default);

    /// <summary>
    /// Per origin workspace, the latest time PostgreSQL applied one of its changes, among the newest
    /// <see cref="RecentChanges"/> applied changes (a bounded read of the <c>applied_at</c> index): a workspace that
    /// synced nothing since is not listed. Most recent first.
    /// </summary>
    /// <exception cref="Errors.AcodeDbException">As <see cref="ReadConflictsAsync"/>.</exception>
    Task<IReadOnlyList<WorkspaceLastSync>> ReadLastSyncsAsync(CancellationToken cancellationToken = default);
}
