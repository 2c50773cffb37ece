using Acode.Application.Transcripts;
using Acode.Infrastructure.PostgresStore;
using Npgsql;

namespace Acode.Infrastructure.Transcripts;

/// <summary>
/// <see cref="IRemovedImportLog"/> on a PostgreSQL run-state store (<c>persistence:store:kind = Postgres</c>): a deleted
/// session stays there as a tombstone (<c>sessions.deleted_at</c>) with its id, and a transcript's session id is the
/// same on every import, so a tombstone at that id is the removal. Nothing is added for it (schema 1.9.0 is empty on
/// PostgreSQL), and a tombstone cannot be forgotten: <see cref="ForgetAsync"/> does nothing.
/// </summary>
internal sealed class PostgresRemovedImportLog : IRemovedImportLog
{
    /// <summary>The <see cref="RemovedImport.Reason"/> of a tombstone (which does not say what deleted it).</summary>
    public const string TombstoneReason = "deleted";

    private readonly PostgresSessionWorkspaceReader _sessions;

    /// <param name="dataSource">The store's PostgreSQL (schema already migrated).</param>
    /// <param name="redactedTarget">The server without its password, for errors.</param>
    public PostgresRemovedImportLog(NpgsqlDataSource dataSource, string redactedTarget)
        => _sessions = new PostgresSessionWorkspaceReader(dataSource, redactedTarget);

    /// <inheritdoc/>
    /// <exception cref="Application.Errors.AcodeDbException">ACODE-DB-006 when PostgreSQL is unavailable.</exception>
    public async Task<RemovedImport?> FindAsync(SessionId sessionId, CancellationToken cancellationToken = default)
        => await _sessions.GetAsync(sessionId, cancellationToken).ConfigureAwait(false) is { DeletedAt: { } at }
            ? new RemovedImport(sessionId.Value, at.ToUniversalTime(), TombstoneReason)
            : null;

    /// <inheritdoc/>
    public Task ForgetAsync(SessionId sessionId, CancellationToken cancellationToken = default) => Task.CompletedTask;
}
