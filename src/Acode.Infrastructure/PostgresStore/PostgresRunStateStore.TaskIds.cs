using Acode.Infrastructure.Postgres;
using Acode.Infrastructure.Transcripts;
using Npgsql;
using NpgsqlTypes;

namespace Acode.Infrastructure.PostgresStore;

public sealed partial class PostgresRunStateStore : IStoredTaskIds
{
    /// <summary>The tasks at an ordinal of a live (not tombstoned) session.</summary>
    private const string TaskIdsAtSql = """
        SELECT t.id FROM session_tasks t JOIN sessions s ON s.id = t.session_id AND s.deleted_at IS NULL
        WHERE t.session_id = $1 AND t.ordinal = $2 ORDER BY t.id;
        """;

    /// <inheritdoc/>
    /// <exception cref="Application.Errors.AcodeDbException">ACODE-DB-006 when PostgreSQL is unavailable.</exception>
    async Task<IReadOnlyList<string>> IStoredTaskIds.TaskIdsAtAsync(SessionId sessionId, int ordinal, CancellationToken cancellationToken)
    {
        try
        {
            NpgsqlConnection connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var connectionScope = connection.ConfigureAwait(false);
            var command = new NpgsqlCommand(TaskIdsAtSql, connection);
            await using var commandScope = command.ConfigureAwait(false);
            command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = sessionId.Value });
            command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bigint, Value = (long)ordinal });
            NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using var readerScope = reader.ConfigureAwait(false);
            var found = new List<string>();
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                found.Add(reader.GetString(0));
            }

            return found;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && PostgresErrorMapper.MapForStore(ex, _redactedTarget, write: false) is { } mapped)
        {
            throw mapped;
        }
    }
}
