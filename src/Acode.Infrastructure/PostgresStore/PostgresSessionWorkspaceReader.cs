using Acode.Application.Queries;
using Acode.Infrastructure.Postgres;
using Npgsql;
using NpgsqlTypes;

namespace Acode.Infrastructure.PostgresStore;

/// <summary>
/// <see cref="ISessionWorkspaceReader"/> on the shared PostgreSQL (schema 1.4.0 or later): the session's
/// <c>created_origin</c> and <c>origin</c> with the names those workspaces reported to <c>workspaces</c>, as
/// <c>session_overview</c> joins them. A deleted session (a tombstone) is returned with its
/// <see cref="SessionWorkspaces.DeletedAt"/> (when PostgreSQL first held it deleted) and, as its last workspace, the one
/// that deleted it first (<c>deleted_by</c>, schema 1.19.0): a later deletion of another copy rewrites the tombstone but
/// not these (trial AS 2).
/// </summary>
public sealed class PostgresSessionWorkspaceReader : ISessionWorkspaceReader
{
    internal const string Sql = """
        SELECT s.created_origin, cw.name, l.origin, lw.name, s.deleted_at
        FROM sessions s
        CROSS JOIN LATERAL (SELECT CASE WHEN s.deleted_at IS NULL THEN s.origin ELSE coalesce(s.deleted_by, s.origin) END AS origin) l
        LEFT JOIN workspaces cw ON cw.id = s.created_origin
        LEFT JOIN workspaces lw ON lw.id = l.origin
        WHERE s.id = $1;
        """;

    private readonly NpgsqlDataSource _dataSource;
    private readonly string _redactedTarget;

    /// <param name="dataSource">The configured PostgreSQL.</param>
    /// <param name="redactedTarget">The server without its password, for errors.</param>
    public PostgresSessionWorkspaceReader(NpgsqlDataSource dataSource, string redactedTarget)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        _dataSource = dataSource;
        _redactedTarget = redactedTarget;
    }

    /// <summary>The sessions deleted in PostgreSQL (tombstones) at or after <c>$1</c>, with when, oldest first.</summary>
    internal const string DeletedSinceSql = "SELECT id, deleted_at FROM sessions WHERE deleted_at >= $1 ORDER BY deleted_at, id;";

    /// <summary>
    /// The sessions PostgreSQL holds only as tombstones, deleted at or after <paramref name="since"/> (by a <c>session
    /// delete</c> and sync, or a <c>db prune --remote</c>), oldest deletion first: what <c>session pull --all</c> says a
    /// workspace still holding a copy of one of them keeps unshared.
    /// </summary>
    /// <exception cref="Application.Errors.AcodeDbException">ACODE-DB-006 when PostgreSQL cannot be read.</exception>
    internal async Task<IReadOnlyList<(SessionId Id, DateTimeOffset DeletedAt)>> DeletedSinceAsync(DateTimeOffset since, CancellationToken cancellationToken = default)
    {
        try
        {
            NpgsqlConnection connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var connectionScope = connection.ConfigureAwait(false);
            var command = new NpgsqlCommand(DeletedSinceSql, connection);
            await using var commandScope = command.ConfigureAwait(false);
            command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.TimestampTz, Value = since.ToUniversalTime() });
            NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using var readerScope = reader.ConfigureAwait(false);
            var deleted = new List<(SessionId, DateTimeOffset)>();
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                deleted.Add((SessionId.Parse(reader.GetString(0)), reader.GetFieldValue<DateTimeOffset>(1)));
            }

            return deleted;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && PostgresErrorMapper.MapForStore(ex, _redactedTarget, write: false) is { } mapped)
        {
            throw mapped;
        }
    }

    /// <summary>Which of <c>$1</c> PostgreSQL holds a live copy of (not a tombstone).</summary>
    internal const string LiveAmongSql = "SELECT id FROM sessions WHERE id = ANY($1) AND deleted_at IS NULL;";

    /// <summary>
    /// Which of <paramref name="sessionIds"/> PostgreSQL holds a live copy of (not a tombstone), in one read through the
    /// primary key: what <c>session delete --local</c> may promise <c>session pull</c> brings back.
    /// </summary>
    /// <exception cref="Application.Errors.AcodeDbException">ACODE-DB-006 when PostgreSQL cannot be read.</exception>
    internal async Task<IReadOnlySet<string>> LiveAmongAsync(IReadOnlyCollection<SessionId> sessionIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sessionIds);
        try
        {
            NpgsqlConnection connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var connectionScope = connection.ConfigureAwait(false);
            var command = new NpgsqlCommand(LiveAmongSql, connection);
            await using var commandScope = command.ConfigureAwait(false);
            command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = sessionIds.Select(id => id.Value).ToArray() });
            NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using var readerScope = reader.ConfigureAwait(false);
            var live = new HashSet<string>(StringComparer.Ordinal);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                live.Add(reader.GetString(0));
            }

            return live;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && PostgresErrorMapper.MapForStore(ex, _redactedTarget, write: false) is { } mapped)
        {
            throw mapped;
        }
    }

    /// <inheritdoc/>
    public async Task<SessionWorkspaces?> GetAsync(SessionId sessionId, CancellationToken cancellationToken = default)
    {
        try
        {
            NpgsqlConnection connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var connectionScope = connection.ConfigureAwait(false);
            var command = new NpgsqlCommand(Sql, connection);
            await using var commandScope = command.ConfigureAwait(false);
            command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = sessionId.Value });
            NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using var readerScope = reader.ConfigureAwait(false);
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                return null;
            }

            return new SessionWorkspaces(
                reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1),
                reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3))
            {
                DeletedAt = reader.IsDBNull(4) ? null : reader.GetFieldValue<DateTimeOffset>(4),
            };
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            // No acode schema there (a workspace that never synced, pointed at a new database): it holds no session, and the
            // page says why from this workspace's outbox, not "restore the database from a backup" (trial AY F4).
            return null;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && PostgresErrorMapper.MapForStore(ex, _redactedTarget, write: false) is { } mapped)
        {
            throw mapped;
        }
    }
}
