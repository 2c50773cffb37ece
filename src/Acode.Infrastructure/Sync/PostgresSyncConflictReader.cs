using Acode.Application.Sync;
using Acode.Infrastructure.Postgres;
using Npgsql;

namespace Acode.Infrastructure.Sync;

/// <summary>
/// <see cref="ISyncConflictReader"/> on the shared PostgreSQL database: parameterized, read-only, bounded queries
/// (<c>sync_conflicts</c> by its primary key, a row whose stored child document names another session than the
/// conflict's being one that would have moved the row between sessions; a side whose stamp (hlc, origin) is the
/// session's tombstone's being its deletion; <c>workspaces</c>, one row per workspace, sorted whole: a team has
/// tens or hundreds of workspaces, not millions).
/// </summary>
internal sealed class PostgresSyncConflictReader : ISyncConflictReader
{
    /// <summary>The largest page <see cref="ReadConflictsAsync"/> returns.</summary>
    public const int MaxLimit = 1000;

    private readonly NpgsqlDataSource _dataSource;
    private readonly string _redactedTarget;

    /// <param name="dataSource">The configured PostgreSQL (schema already migrated).</param>
    /// <param name="redactedTarget">The server without its password, for errors.</param>
    public PostgresSyncConflictReader(NpgsqlDataSource dataSource, string redactedTarget)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        _dataSource = dataSource;
        _redactedTarget = redactedTarget;
    }

    public async Task<IReadOnlyList<SyncConflict>> ReadConflictsAsync(long? beforeId, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, MaxLimit);
        return await ReadAsync("""
            SELECT c.id, c.entity_type, c.entity_id, c.session_id, c.incoming_origin, c.incoming_base_version, c.incoming_version, c.incoming_payload::text,
                   c.existing_origin, c.existing_version, c.existing_payload::text, c.winner, c.detected_at,
                   CASE WHEN c.entity_type <> 'Session' AND c.existing_payload->>'sessionId' <> c.session_id THEN c.existing_payload->>'sessionId' END,
                   t.id IS NOT NULL,
                   COALESCE(t.hlc = c.incoming_hlc AND t.origin = c.incoming_origin, false),
                   COALESCE(t.hlc = c.existing_hlc AND t.origin = c.existing_origin, false),
                   (SELECT w.name FROM workspaces w WHERE w.id = c.incoming_origin),
                   (SELECT w.name FROM workspaces w WHERE w.id = c.existing_origin)
            FROM sync_conflicts c
            LEFT JOIN sessions t ON t.id = c.session_id AND t.deleted_at IS NOT NULL
            WHERE c.id < $1 ORDER BY c.id DESC LIMIT $2;
            """, [beforeId ?? long.MaxValue, limit], r => new SyncConflict(
                r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetInt64(5), r.GetInt64(6), r.GetString(7),
                r.IsDBNull(8) ? null : r.GetString(8), r.IsDBNull(9) ? null : r.GetInt64(9), r.IsDBNull(10) ? null : r.GetString(10),
                r.GetString(11), r.GetFieldValue<DateTimeOffset>(12))
            {
                OwningSessionId = r.IsDBNull(13) ? null : r.GetString(13),
                SessionDeleted = r.GetBoolean(14),
                IncomingIsDeletion = r.GetBoolean(15),
                ExistingIsDeletion = r.GetBoolean(16),
                IncomingOriginName = r.IsDBNull(17) ? null : r.GetString(17),
                ExistingOriginName = r.IsDBNull(18) ? null : r.GetString(18),
            }, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<WorkspaceLastSync>> ReadLastSyncsAsync(int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, MaxLimit);
        return await ReadAsync("""
            SELECT id, name, acode_version, first_sync_at, last_sync_at
            FROM workspaces ORDER BY last_sync_at DESC, id LIMIT $1;
            """, [limit], r => new WorkspaceLastSync(r.GetString(0), r.GetString(1), r.GetString(2), r.GetFieldValue<DateTimeOffset>(3), r.GetFieldValue<DateTimeOffset>(4)), cancellationToken).ConfigureAwait(false);
    }

    private async Task<IReadOnlyList<T>> ReadAsync<T>(string sql, object[] parameters, Func<NpgsqlDataReader, T> row, CancellationToken cancellationToken)
    {
        try
        {
            NpgsqlConnection connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var connectionScope = connection.ConfigureAwait(false);
            var command = new NpgsqlCommand(sql, connection);
            await using var commandScope = command.ConfigureAwait(false);
            foreach (object parameter in parameters)
            {
                command.Parameters.Add(new NpgsqlParameter { Value = parameter });
            }

            NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using var readerScope = reader.ConfigureAwait(false);
            var rows = new List<T>();
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                rows.Add(row(reader));
            }

            return rows;
        }
        catch (Exception ex) when (PostgresErrorMapper.MapForReader(ex, _redactedTarget) is { } mapped)
        {
            throw mapped;
        }
    }
}
