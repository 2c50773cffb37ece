using Acode.Infrastructure.Sqlite;

namespace Acode.Infrastructure.Retention;

/// <summary>
/// Removes sessions in batches and then gives the space back, either of which a stop signal may end early
/// (<c>acode session delete</c>, and <see cref="SessionPruner"/> for <c>acode db prune</c> and the retention worker).
/// </summary>
internal sealed class SessionRemover
{
    private readonly SqliteRunStateStore _store;
    private readonly SqliteWorkspaceDatabase _database;

    /// <param name="store">The store of <paramref name="database"/>.</param>
    /// <param name="database">The workspace database.</param>
    public SessionRemover(SqliteRunStateStore store, SqliteWorkspaceDatabase database)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(database);
        _store = store;
        _database = database;
    }

    /// <param name="ids">The sessions to remove, in this order.</param>
    /// <param name="how">Whether deletions are recorded, which sessions are skipped, and why (see <see cref="SessionRemoval"/>).</param>
    /// <param name="allowConversion">Whether giving the space back may convert the file to incremental auto-vacuum (a whole VACUUM).</param>
    /// <param name="cancellationToken">Cancels the removal (a batch in progress rolls back).</param>
    /// <param name="stop">
    /// Stops it between two batches, or while the space is given back (that rolls back, and the next removal gives it):
    /// the outcome is then <see cref="SessionRemovalOutcome.Stopped"/>, with no space report.
    /// </param>
    /// <exception cref="Application.Errors.AcodeDbException">ACODE-DB-001, 002, 005.</exception>
    public async Task<SessionRemovalOutcome> RemoveAsync(
        IReadOnlyList<SessionId> ids, SessionRemoval how, bool allowConversion, CancellationToken cancellationToken, CancellationToken stop)
    {
        FullTextRows documentsBefore = _database.CountFullTextRows(cancellationToken);
        long bytesBefore = _database.SpaceInUse();
        SessionRemovalResult result = await _store.RemoveSessionsAsync(ids, how, cancellationToken, stop).ConfigureAwait(false);
        if (result.Stopped || stop.IsCancellationRequested)
        {
            return new SessionRemovalOutcome(result, null) { Stopped = true };
        }

        using var reclaiming = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, stop);
        try
        {
            return new SessionRemovalOutcome(result, await _database.ReclaimSpaceAsync(documentsBefore, bytesBefore, allowConversion, reclaiming.Token).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return new SessionRemovalOutcome(result, null) { Stopped = true };
        }
    }
}
