using Acode.Infrastructure.Sqlite;

namespace Acode.Infrastructure.Retention;

/// <summary>
/// Removes the local sessions last changed before a cutoff, then gives the space back (<c>acode db prune</c>, the retention worker).
/// </summary>
/// <remarks>
/// Where a sync is expected (<see cref="SyncExpectation"/>), a session whose changes are not all delivered to PostgreSQL is kept
/// unless <see cref="PruneRequest.IncludeUnsynced"/>: the local copy is then the only complete one; its undelivered records stay
/// and are still delivered. Where none is expected nothing counts as unsynced: the prune proceeds and the removed sessions'
/// outbox records go too.
/// </remarks>
internal sealed class SessionPruner
{
    private readonly SqliteRunStateStore _store;
    private readonly SqliteWorkspaceDatabase _database;
    private readonly SessionRemover _remover;
    private readonly bool _syncConfigured;

    /// <param name="store">The store of <paramref name="database"/>.</param>
    /// <param name="database">The workspace database.</param>
    /// <param name="syncConfigured">Whether a PostgreSQL is configured (see the remarks).</param>
    public SessionPruner(SqliteRunStateStore store, SqliteWorkspaceDatabase database, bool syncConfigured)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(database);
        _store = store;
        _database = database;
        _remover = new SessionRemover(store, database);
        _syncConfigured = syncConfigured;
    }

    /// <param name="request">What to remove.</param>
    /// <param name="cancellationToken">Cancels the prune (a batch of removals in progress rolls back).</param>
    /// <param name="stop">
    /// Stops it between two batches of removals, or while it gives the space back, reporting what went
    /// (<see cref="PruneReport.Stopped"/>; the space is then given back by the next prune).
    /// </param>
    /// <exception cref="Application.Errors.AcodeDbException">ACODE-DB-001, 002, 005.</exception>
    public async Task<PruneReport> PruneAsync(PruneRequest request, CancellationToken cancellationToken = default, CancellationToken stop = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        bool syncExpected = SyncExpectation.Read(_database, _syncConfigured, cancellationToken).Expected;
        bool skipUnsynced = syncExpected && !request.IncludeUnsynced;
        IReadOnlyList<RemovalCandidate> candidates = await _store.FindSessionsChangedBeforeAsync(request.Before, request.States, cancellationToken).ConfigureAwait(false);
        List<string> kept = candidates.Where(c => skipUnsynced && c.Unsynced).Select(c => c.Id).ToList();
        List<string> chosen = candidates.Where(c => !(skipUnsynced && c.Unsynced)).Select(c => c.Id).ToList();
        if (request.DryRun)
        {
            return new PruneReport(chosen, kept, null);
        }

        SessionRemovalOutcome outcome = await _remover.RemoveAsync(
            chosen.Select(SessionId.Parse).ToList(),
            new SessionRemoval
            {
                RecordDeletion = request.RecordDeletion, KeptInPostgres = request.KeptInPostgres, SkipUnsynced = skipUnsynced, DropUndelivered = !syncExpected,
                ChangedBefore = request.Before, States = request.States, Reason = request.Reason,
            },
            request.AllowConversion,
            cancellationToken,
            stop).ConfigureAwait(false);
        return new PruneReport(outcome.Result.Removed, [.. kept, .. outcome.Result.SkippedUnsynced], outcome.Space) { Stopped = outcome.Stopped };
    }
}
