using Acode.Infrastructure.Sqlite;

namespace Acode.Infrastructure.Retention;

/// <summary>
/// Whether a workspace's undelivered changes are still PostgreSQL's to receive, which decides what a removal may drop
/// (<c>session delete</c>, <c>db prune</c>, the retention worker).
/// </summary>
/// <remarks>
/// A sync is expected when a PostgreSQL is configured now, or when the workspace synced before (its <c>last_sync_at</c> is
/// set): the variable may be set in another shell only, or only for <c>db sync</c>. A workspace that never synced and has no
/// PostgreSQL configured can deliver nothing, so its undelivered records may go with the sessions they belong to.
/// </remarks>
/// <param name="Configured">Whether a PostgreSQL is configured in this process.</param>
/// <param name="LastSync">When this workspace last synced (UTC); null if it never did.</param>
internal sealed record SyncExpectation(bool Configured, DateTimeOffset? LastSync)
{
    /// <summary>True when PostgreSQL is configured or the workspace synced before (see the remarks).</summary>
    public bool Expected => Configured || LastSync is not null;

    /// <summary>Reads the workspace's last sync (one row of <c>workspace</c>).</summary>
    /// <exception cref="Application.Errors.AcodeDbException">ACODE-DB-001, 002.</exception>
    public static SyncExpectation Read(SqliteWorkspaceDatabase database, bool configured, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(database);
        return new SyncExpectation(configured, database.GetSyncState(cancellationToken).LastSuccessfulSync);
    }
}
