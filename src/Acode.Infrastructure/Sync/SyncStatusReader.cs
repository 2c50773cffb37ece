using Acode.Application.Errors;
using Acode.Application.Outbox;
using Acode.Application.Sync;
using Acode.Infrastructure.Migrations;
using Acode.Infrastructure.Postgres;
using Acode.Infrastructure.Sqlite;
using Npgsql;

namespace Acode.Infrastructure.Sync;

/// <summary>
/// The sync at a glance (<see cref="SyncStatus"/>): the local backlog, the part of it another sync holds leased, dead
/// letters, the last successful sync and error, and from PostgreSQL whether it answers, its schema version and this workspace's conflicts. Never changes anything.
/// </summary>
internal sealed class SyncStatusReader
{
    private readonly SqliteWorkspaceDatabase _database;
    private readonly IOutboxAdministration _outbox;
    private readonly NpgsqlDataSource? _dataSource;
    private readonly PostgresConnectionSettings? _target;
    private readonly PostgresMigrator _migrator;
    private readonly string _owner;

    /// <summary>A reader of <paramref name="database"/>'s sync status; <paramref name="owner"/> is this process's lease owner, whose own leases are not counted as another sync's.</summary>
    public SyncStatusReader(SqliteWorkspaceDatabase database, IOutboxAdministration outbox, NpgsqlDataSource? dataSource, PostgresConnectionSettings? target, PostgresMigrator migrator, string owner)
    {
        _owner = owner;
        _database = database;
        _outbox = outbox;
        _dataSource = dataSource;
        _target = target;
        _migrator = migrator;
    }

    public async Task<SyncStatus> ReadAsync(CancellationToken cancellationToken)
    {
        // The counts and the leases in one snapshot: a sync elsewhere may deliver some while PostgreSQL is asked.
        OutboxBacklog backlog = await _outbox.GetBacklogAsync(_owner, cancellationToken).ConfigureAwait(false);
        SyncStatus status = await ReadWithoutLeasesAsync(backlog.Statistics, cancellationToken).ConfigureAwait(false);
        return status with { LeasedElsewhere = backlog.LeasedElsewhere, LeasedUntil = backlog.LeasedUntil };
    }

    private async Task<SyncStatus> ReadWithoutLeasesAsync(OutboxStatistics outbox, CancellationToken cancellationToken)
    {
        WorkspaceSyncState state = _database.GetSyncState(cancellationToken);
        TimeSpan? age = outbox.OldestPendingAge(_database.Time.GetUtcNow());
        if (_dataSource is null || _target is null)
        {
            return new SyncStatus(false, null, null, "PostgreSQL is not configured", outbox.Pending, outbox.Failed, age, state.LastSuccessfulSync, state.LastError, null, null);
        }

        try
        {
            NpgsqlConnection connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var connectionScope = connection.ConfigureAwait(false);
            MigrationStatus schema;
            try
            {
                schema = await _migrator.GetStatusAsync(connection, cancellationToken).ConfigureAwait(false);
            }
            catch (AcodeDbException ex) when (ex.ErrorCode is AcodeErrorCode.SchemaTooNew or AcodeErrorCode.MigrationFailed)
            {
                // The server answers but this program cannot use its schema (newer, or an applied migration edited): a
                // status says so with the schema's version and the fix (upgrade acode...), not as an outage.
                string? version = await PostgresMigrator.GetNewestAppliedVersionAsync(connection, cancellationToken).ConfigureAwait(false);
                return new SyncStatus(true, _target.Redacted, true, $"{ex.Code}: {ex.Message} {ex.Hint}".TrimEnd('.'), outbox.Pending, outbox.Failed, age, state.LastSuccessfulSync, state.LastError, null, version);
            }

            if (schema.Pending.Count > 0)
            {
                // The next sync applies them: say now if this role cannot.
                await PostgresPrivilegeCheck.EnsureAsync(connection, [], needCreate: true, readOnly: false, cancellationToken).ConfigureAwait(false);
            }

            // What the sync would be refused for although the server answers: a table or column dropped by hand, a server
            // that accepts only reads (db check fails on it, db status shows it).
            await PostgresSchemaCheck.EnsureAsync(connection, schema.Current, cancellationToken).ConfigureAwait(false);

            long? conflicts = null;
            if (schema.Current is not null)
            {
                var command = new NpgsqlCommand("SELECT count(*) FROM sync_conflicts WHERE incoming_origin = $1 OR existing_origin = $1;", connection);
                await using var commandScope = command.ConfigureAwait(false);
                command.Parameters.AddWithValue(_database.WorkspaceId!);
                conflicts = (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
            }

            return new SyncStatus(true, _target.Redacted, true, null, outbox.Pending, outbox.Failed, age, state.LastSuccessfulSync, state.LastError, conflicts, schema.Current?.ToString(3))
            {
                PostgresLatestSchemaVersion = schema.LatestText,
                PostgresPendingMigrations = [.. schema.Pending.Select(m => m.Id)],
            };
        }
        catch (Exception ex) when (SyncFailures.AsUnavailable(ex, _target.Redacted) is { } unavailable)
        {
            return new SyncStatus(true, _target.Redacted, false, $"{unavailable.Code}: {unavailable.Message.TrimEnd('.')}", outbox.Pending, outbox.Failed, age, state.LastSuccessfulSync, state.LastError, null, null);
        }
    }
}
