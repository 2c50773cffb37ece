using Acode.Application.Transcripts;
using Acode.Infrastructure.Postgres;
using Npgsql;
using NpgsqlTypes;

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

    private const string Sql = "SELECT deleted_at FROM sessions WHERE id = $1 AND deleted_at IS NOT NULL;";

    private readonly NpgsqlDataSource _dataSource;
    private readonly string _redactedTarget;

    /// <param name="dataSource">The store's PostgreSQL (schema already migrated).</param>
    /// <param name="redactedTarget">The server without its password, for errors.</param>
    public PostgresRemovedImportLog(NpgsqlDataSource dataSource, string redactedTarget)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        _dataSource = dataSource;
        _redactedTarget = redactedTarget;
    }

    /// <inheritdoc/>
    /// <exception cref="Application.Errors.AcodeDbException">ACODE-DB-006 when PostgreSQL is unavailable.</exception>
    public async Task<RemovedImport?> FindAsync(SessionId sessionId, CancellationToken cancellationToken = default)
    {
        try
        {
            NpgsqlConnection connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var connectionScope = connection.ConfigureAwait(false);
            var command = new NpgsqlCommand(Sql, connection);
            await using var commandScope = command.ConfigureAwait(false);
            command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = sessionId.Value });
            object? deletedAt = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            return deletedAt is DateTime at
                ? new RemovedImport(sessionId.Value, new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc)), TombstoneReason)
                : null;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && PostgresErrorMapper.Map(ex, _redactedTarget) is { } mapped)
        {
            throw mapped;
        }
    }

    /// <inheritdoc/>
    public Task ForgetAsync(SessionId sessionId, CancellationToken cancellationToken = default) => Task.CompletedTask;
}
