using Acode.Application.Serialization;
using Acode.Infrastructure.Sqlite;
using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;

namespace Acode.Infrastructure.Sync;

/// <summary>
/// The changes this workspace delivered by an earlier sync, applied then, that lost since to a later concurrent change
/// another workspace delivered (README, "Reading the team's sessions back"): that conflict was found by the other
/// workspace's sync, so no run of this workspace judged it. Its <c>sync_conflicts</c> row has this workspace's version as
/// the existing side and the incoming side as the winner. Read after a run, once per conflict: only rows detected after
/// this workspace's previous sync (its <c>workspaces.last_sync_at</c>, or the last window this process read) and up to
/// the read's start; and only while this workspace still holds the version that lost (same version and stamp), so a
/// session pulled or changed since is not reported again, and a copy of the workspace folder is told only about its
/// own lineage.
/// </summary>
internal sealed class LostSinceReader
{
    /// <summary>The most conflicts one run reads (a summary names at most a few sessions; the count is capped there).</summary>
    private const int Limit = 10000;

    private const string LastSyncSql = "SELECT last_sync_at FROM workspaces WHERE id = $1;";

    private const string LostSql = """
        SELECT c.entity_type, c.entity_id, c.session_id, c.existing_version, c.existing_hlc, t.id IS NOT NULL
        FROM sync_conflicts c
        LEFT JOIN sessions t ON t.id = c.session_id AND t.deleted_at IS NOT NULL
        WHERE c.winner = 'incoming' AND c.existing_origin = $1 AND c.detected_at > $2 AND c.detected_at <= $3
          AND c.existing_version IS NOT NULL AND c.existing_hlc IS NOT NULL
        ORDER BY c.id LIMIT $4;
        """;

    private static readonly Dictionary<string, string> LocalTables = new(StringComparer.Ordinal)
    {
        ["Session"] = "sessions",
        ["SessionTask"] = "session_tasks",
        ["Step"] = "steps",
        ["ToolCall"] = "tool_calls",
        ["Artifact"] = "artifacts",
        ["SessionEvent"] = "session_events",
    };

    private readonly NpgsqlDataSource _dataSource;
    private readonly SqliteWorkspaceDatabase _database;
    private DateTimeOffset? _readUntil;

    public LostSinceReader(NpgsqlDataSource dataSource, SqliteWorkspaceDatabase database)
    {
        _dataSource = dataSource;
        _database = database;
    }

    /// <summary>Where the next read starts: the later of this workspace's last sync in PostgreSQL and what this process read already.</summary>
    public async Task<DateTimeOffset> StartAsync(CancellationToken cancellationToken)
    {
        NpgsqlCommand command = _dataSource.CreateCommand(LastSyncSql);
        await using var commandScope = command.ConfigureAwait(false);
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = _database.WorkspaceId! });
        DateTimeOffset last = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is DateTime at
            ? new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc))
            : DateTimeOffset.MinValue;
        return _readUntil is { } read && read > last ? read : last;
    }

    /// <summary>The lost changes detected after <paramref name="since"/> that this workspace still holds, as (session, lost to its deletion) per change.</summary>
    public async Task<IReadOnlyList<(string SessionId, bool ToDeletion)>> ReadAsync(DateTimeOffset since, CancellationToken cancellationToken)
    {
        NpgsqlConnection connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var connectionScope = connection.ConfigureAwait(false);
        DateTimeOffset until;
        var now = new NpgsqlCommand("SELECT now();", connection);
        await using (now.ConfigureAwait(false))
        {
            until = new DateTimeOffset(DateTime.SpecifyKind((DateTime)(await now.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!, DateTimeKind.Utc));
        }

        var rows = new List<(string Type, string Id, string Session, long Version, long Hlc, bool Deleted)>();
        var command = new NpgsqlCommand(LostSql, connection);
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = _database.WorkspaceId! });
            command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.TimestampTz, Value = since == DateTimeOffset.MinValue ? DateTime.SpecifyKind(DateTime.MinValue, DateTimeKind.Utc) : since.UtcDateTime });
            command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.TimestampTz, Value = until.UtcDateTime });
            command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Integer, Value = Limit });
            NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    rows.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetBoolean(5)));
                }
            }
        }

        _readUntil = until;
        if (rows.Count == 0)
        {
            return [];
        }

        // Still held here: the local row is the version that lost (not pulled, not changed since, not deleted here).
        return _database.Read((local, transaction) =>
        {
            var held = new List<(string, bool)>();
            foreach (var row in rows)
            {
                if (!LocalTables.TryGetValue(row.Type, out string? table))
                {
                    continue;
                }

                SqliteCommand select = SqliteWorkspaceDatabase.ReaderCommand(local, transaction, $"SELECT 1 FROM {table} WHERE id = $id AND version = $version AND updated_at = $updated_at;")
                    .With("$id", row.Id).With("$version", row.Version).With("$updated_at", UtcTimestamp.Format(new DateTimeOffset(row.Hlc, TimeSpan.Zero)));
                if (select.ExecuteScalar() is not null)
                {
                    held.Add((row.Session, row.Deleted));
                }
            }

            return (IReadOnlyList<(string, bool)>)held;
        }, cancellationToken);
    }
}
