using Acode.Application.Transcripts;
using Acode.Infrastructure.Postgres;
using Npgsql;
using NpgsqlTypes;

namespace Acode.Infrastructure.Transcripts;

/// <summary>
/// <see cref="IImportSourceReader"/> on the shared PostgreSQL database: the payload of the newest <c>import.source</c>
/// event of the session's main transcript (below <see cref="SqliteImportSourceReader.SubAgentRangeStart"/>, else the
/// newest of any, as <see cref="SqliteImportSourceReader"/> says), read backwards along <c>ix_session_events_session</c> (session_id, sequence). The payload
/// comes from the event's <c>document</c>, which keeps the JSON text as written (the <c>jsonb</c> column reorders keys).
/// A deleted session (a tombstone) has no source.
/// </summary>
public sealed class PostgresImportSourceReader : IImportSourceReader
{
    internal const string Sql = """
        SELECT e.document->>'payload' FROM session_events e
        WHERE e.session_id = $1 AND e.type = $2
          AND NOT EXISTS (SELECT 1 FROM sessions s WHERE s.id = e.session_id AND s.deleted_at IS NOT NULL)
        ORDER BY e.sequence >= $3, e.sequence DESC LIMIT 1;
        """;

    private readonly NpgsqlDataSource _dataSource;
    private readonly string _redactedTarget;

    /// <param name="dataSource">The configured PostgreSQL (schema already migrated).</param>
    /// <param name="redactedTarget">The server without its password, for errors.</param>
    public PostgresImportSourceReader(NpgsqlDataSource dataSource, string redactedTarget)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        _dataSource = dataSource;
        _redactedTarget = redactedTarget;
    }

    /// <inheritdoc/>
    /// <exception cref="Application.Errors.AcodeDbException">ACODE-DB-006 when PostgreSQL is unavailable.</exception>
    public async Task<IReadOnlyList<KeyValuePair<string, string>>?> GetLatestAsync(SessionId sessionId, CancellationToken cancellationToken = default)
    {
        try
        {
            NpgsqlConnection connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var connectionScope = connection.ConfigureAwait(false);
            var command = new NpgsqlCommand(Sql, connection);
            await using var commandScope = command.ConfigureAwait(false);
            command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = sessionId.Value });
            command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = SqliteImportSourceReader.EventType });
            command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bigint, Value = SqliteImportSourceReader.SubAgentRangeStart });
            object? payload = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            return payload is string text ? SqliteImportSourceReader.Facts(text) : null;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && PostgresErrorMapper.MapForStore(ex, _redactedTarget, write: false) is { } mapped)
        {
            throw mapped;
        }
    }
}
