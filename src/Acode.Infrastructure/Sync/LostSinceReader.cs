using System.Text.Json;
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
/// this workspace's previous sync and up to the read's end; and only while this workspace still holds the version that
/// lost (same version and stamp; at a tie, not a row a pull took at that stamp, <see cref="PulledVersions"/>), so a
/// session pulled or changed since is not reported again, and a copy of the workspace
/// folder is told only about its own lineage.
/// <para>
/// Where the window starts. A conflict won by another workspace (another <c>incoming_origin</c>): at this workspace's
/// <c>workspaces.last_sync_at</c> (the end of the last window a run of this workspace read, which a run that registered
/// moves to the end of its own), or the end of the last window this process read, whichever is later (PostgreSQL's clock
/// throughout). A conflict won by a copy of this workspace folder (docs/postgres.md,
/// "Copied workspace folders": the same workspace id on both sides) cannot use that row, which the copies share: the
/// winning copy's own sync moves it past the conflict before this copy looks. Its window starts at this copy's own
/// previous sync, the local <c>workspace.last_sync_at</c> (SQLite, one per copy), or the end of the last window this
/// process read, whichever is later. The local stamp is on the machine's clock, so the statement converts it to
/// PostgreSQL's with the offset between the two measured by the same read (the local time taken just before its
/// transaction, <c>$6</c>, against the transaction's <c>now()</c>): a constant skew between the machine and the server cancels out, to within a
/// statement's network delay. A run that read the window stamps <c>last_sync_at</c> with the window's end on that clock
/// (<see cref="LastReadLocalAt"/>), so the next window starts where this one ended; an idle run (a <c>db sync --watch</c>
/// poll) may leave the stamp up to a minute behind (<see cref="OutboxSyncService.IdleStampInterval"/>), but never after
/// reporting a lost change: then it always stamps, and, as it registered nothing, moves <c>workspaces.last_sync_at</c> to
/// the end of its window (<see cref="MarkReportedAsync"/>), so a later process does not report it again.
/// </para>
/// <para>
/// Where the window ends: at the read, after the sync batches in flight in PostgreSQL, whoever sent them, have ended
/// (<see cref="LockSql"/>): a conflict is recorded by a batch that may have begun long before it commits, and the read
/// must not end its window past a conflict it cannot see yet.
/// </para>
/// </summary>
/// <remarks>
/// One transaction per read, in two round trips: the lock, then one statement (the window's bounds are computed in it; a
/// run that registered passes the <c>last_sync_at</c> its registration found, <see cref="WorkspaceRegistration.UpsertAsync"/>,
/// and the statement moves it to the window's end), one SQLite read of the
/// workspace row (its local <c>last_sync_at</c>), and one SQLite statement per entity table among the rows read
/// (<see cref="EntityRows.VersionsSql"/>).
/// </remarks>
internal sealed class LostSinceReader
{
    /// <summary>The most conflicts one run reads (a summary names at most a few sessions; the count is capped there).</summary>
    private const int Limit = 10000;

    /// <summary>
    /// How long a read waits for the sync batches in flight (<see cref="ReadAsync"/>) before it gives up and leaves the
    /// window to the next run: while it waits, batches that begin queue behind it, so the wait is kept short.
    /// </summary>
    private const string LockTimeout = "5s";

    // Before the read, in its transaction: the migrations' lock taken exclusively waits for every sync batch in flight,
    // which holds it shared from its first statement (PostgresOutboxApplier.GuardSchemaAsync) to its commit, and keeps new
    // ones out until the read ends. So every conflict recorded at or before the window's end is visible to the read, and
    // every later one is stamped after it (a conflict's detected_at is its insert's clock_timestamp()). Without it, a batch
    // that began before the read and committed after it fell behind the next window's start, and its lost change was never
    // reported. The lock's only wait is for batches: migrations hold it for their own short transactions.
    private const string LockTimeoutSql = "SELECT set_config('lock_timeout', '" + LockTimeout + "', true);";
    private const string LockSql = "SELECT pg_advisory_xact_lock($1);";

    // $1 workspace id; $2 whether this run registered, then $3 is the last_sync_at of the row at its registration (null: the
    // row was new), else the row is read here; $4 the end of the window this process read last (null: none); $6 the local
    // clock just before the transaction began, $7 this copy's local last_sync_at (null: none), on that clock:
    // $7 + (now() - $6) is it on PostgreSQL's clock (now() is the transaction's start). The window ends at
    // clock_timestamp(), after the lock's wait. Always one row: the transaction's start and the window's end, then the
    // conflicts (nulls when there is none). A conflict whose winner came from the same workspace id (a copy of the folder)
    // uses copy_since. A run that registered moves the row's last sync to the window's end (moved): where its next window
    // starts.
    private const string LostSql = """
        WITH r AS (
            SELECT now() AS began, clock_timestamp() AS until,
                   CASE WHEN $2 THEN $3 ELSE (SELECT last_sync_at FROM workspaces WHERE id = $1) END AS registered_since),
        w AS (
            SELECT r.began, r.until,
                   GREATEST(COALESCE(r.registered_since, '-infinity'::timestamptz), $4) AS since,
                   GREATEST(COALESCE($7 + (r.began - $6), r.registered_since, '-infinity'::timestamptz), $4) AS copy_since
            FROM r),
        moved AS (
            UPDATE workspaces SET last_sync_at = w.until FROM w
            WHERE $2 AND workspaces.id = $1 AND (workspaces.last_sync_at IS NULL OR workspaces.last_sync_at < w.until))
        SELECT w.began, w.until, c.entity_type, c.entity_id, c.session_id, c.existing_version, c.existing_hlc, c.deleted, c.tie
        FROM w LEFT JOIN LATERAL (
            SELECT c.id, c.entity_type, c.entity_id, c.session_id, c.existing_version, c.existing_hlc, t.id IS NOT NULL AS deleted,
                   c.incoming_version = c.existing_version AND c.incoming_hlc = c.existing_hlc AS tie
            FROM sync_conflicts c
            LEFT JOIN sessions t ON t.id = c.session_id AND t.deleted_at IS NOT NULL
            WHERE c.winner = 'incoming' AND c.existing_origin = $1 AND c.detected_at <= w.until
              AND c.detected_at > CASE WHEN c.incoming_origin = $1 THEN w.copy_since ELSE w.since END
              AND c.existing_version IS NOT NULL AND c.existing_hlc IS NOT NULL
            ORDER BY c.id LIMIT $5) c ON true
        ORDER BY c.id;
        """;

    // $1 workspace id, $2 the end of the window read: an idle run that reported lost changes moves the row's last sync
    // there, where the next process's window then starts (never back, never past what was read).
    private const string ReportedSql = "UPDATE workspaces SET last_sync_at = $2 WHERE id = $1 AND (last_sync_at IS NULL OR last_sync_at < $2);";

    private readonly NpgsqlDataSource _dataSource;
    private readonly SqliteWorkspaceDatabase _database;
    private DateTimeOffset? _readUntil;

    /// <summary>The end of the last window read, on the local clock (the workspace database's): the stamp of a run that read (null: none yet).</summary>
    public DateTimeOffset? LastReadLocalAt { get; private set; }

    public LostSinceReader(NpgsqlDataSource dataSource, SqliteWorkspaceDatabase database)
    {
        _dataSource = dataSource;
        _database = database;
    }

    /// <summary>The lost changes detected in this run's window that this workspace still holds, as (session, lost to its deletion) per change.</summary>
    /// <param name="registered">Whether this run upserted the workspace's row (then <paramref name="lastSyncBefore"/> is the last sync it found).</param>
    /// <param name="lastSyncBefore">With <paramref name="registered"/>: <c>workspaces.last_sync_at</c> found by the upsert, null when the row was new. Ignored otherwise.</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <exception cref="NpgsqlException">PostgreSQL failed the read (the caller leaves them to the next run).</exception>
    public async Task<IReadOnlyList<(string SessionId, bool ToDeletion)>> ReadAsync(bool registered, DateTimeOffset? lastSyncBefore, CancellationToken cancellationToken)
    {
        DateTimeOffset? lastLocalSync = _database.GetSyncState(cancellationToken).LastSuccessfulSync;
        DateTimeOffset localNow = _database.Time.GetUtcNow();
        LostWindow window;
        NpgsqlConnection connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            NpgsqlTransaction transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                await WaitForBatchesAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
                var command = new NpgsqlCommand(LostSql, connection, transaction);
                await using (command.ConfigureAwait(false))
                {
                    command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = _database.WorkspaceId! });
                    command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Boolean, Value = registered });
                    command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.TimestampTz, Value = registered && lastSyncBefore is { } before ? before.UtcDateTime : DBNull.Value });
                    command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.TimestampTz, Value = _readUntil is { } read ? read.UtcDateTime : DBNull.Value });
                    command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Integer, Value = Limit });
                    command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.TimestampTz, Value = localNow.UtcDateTime });
                    command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.TimestampTz, Value = lastLocalSync is { } local ? local.UtcDateTime : DBNull.Value });
                    window = await ReadWindowAsync(command, cancellationToken).ConfigureAwait(false);
                }

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        _readUntil = window.Until;

        // The window's end on the local clock: the local time taken at the transaction's start, plus the wait for the lock.
        LastReadLocalAt = localNow + (window.Until - window.Began);
        return window.Rows.Count == 0 ? [] : StillHeld(window.Rows, cancellationToken);
    }

    /// <summary>Takes the migrations' advisory lock exclusively in <paramref name="transaction"/> (<see cref="LockSql"/>), waiting at most <see cref="LockTimeout"/>.</summary>
    /// <exception cref="PostgresException">55P03 (lock_not_available): a batch in flight held it past the timeout.</exception>
    private static async Task WaitForBatchesAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        var batch = new NpgsqlBatch(connection, transaction);
        await using (batch.ConfigureAwait(false))
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand(LockTimeoutSql));
            var exclusive = new NpgsqlBatchCommand(LockSql);
            exclusive.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bigint, Value = Migrations.PostgresMigrator.AdvisoryLockKey });
            batch.BatchCommands.Add(exclusive);
            await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Runs <see cref="LostSql"/>: the window's bounds (PostgreSQL's clock) and the lost changes in it.</summary>
    private static async Task<LostWindow> ReadWindowAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var window = new LostWindow();
        NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                window.Began = new DateTimeOffset(DateTime.SpecifyKind(reader.GetDateTime(0), DateTimeKind.Utc));
                window.Until = new DateTimeOffset(DateTime.SpecifyKind(reader.GetDateTime(1), DateTimeKind.Utc));
                if (!reader.IsDBNull(2))
                {
                    window.Rows.Add((reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetInt64(5), reader.GetInt64(6), reader.GetBoolean(7), reader.GetBoolean(8)));
                }
            }
        }

        return window;
    }

    /// <summary>
    /// After a run that did not register (an idle <c>db sync --watch</c> poll) reported lost changes: moves
    /// <c>workspaces.last_sync_at</c> to the end of the window it read, so that another process's next run, whose window
    /// starts there, does not report them again. A run that registered moved it already.
    /// </summary>
    /// <exception cref="NpgsqlException">PostgreSQL failed the update (they may be reported once more; nothing else is affected).</exception>
    public async Task MarkReportedAsync(CancellationToken cancellationToken)
    {
        if (_readUntil is not { } until)
        {
            return;
        }

        NpgsqlCommand command = _dataSource.CreateCommand(ReportedSql);
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = _database.WorkspaceId! });
            command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.TimestampTz, Value = until.UtcDateTime });
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The rows whose local row is still the version that lost (not pulled, not changed since, not deleted here): one
    /// statement per entity table over all its ids. A row of an unknown entity type is left out.
    /// </summary>
    private List<(string, bool)> StillHeld(List<(string Type, string Id, string Session, long Version, long Hlc, bool Deleted, bool Tie)> rows, CancellationToken cancellationToken)
        => _database.Read((local, transaction) =>
        {
            var held = new List<(string, bool)>();
            foreach (var group in rows.GroupBy(r => r.Type, StringComparer.Ordinal))
            {
                if (!Enum.TryParse(group.Key, out EntityType type) || type.ToString() != group.Key)
                {
                    continue;
                }

                var stored = new Dictionary<string, (long Version, string UpdatedAt)>(StringComparer.Ordinal);
                string ids = JsonSerializer.Serialize(group.Select(r => r.Id).Distinct(StringComparer.Ordinal).ToList(), EntityIdsJson.Default.ListString);
                SqliteCommand select = SqliteWorkspaceDatabase.ReaderCommand(local, transaction, EntityRows.For(type).VersionsSql).With("$ids", ids);
                using (SqliteDataReader reader = select.ExecuteReader())
                {
                    while (reader.Read())
                    {
                        stored[reader.GetString(0)] = (reader.GetInt64(1), reader.GetString(3));
                    }
                }

                // A tie (the winner has the lost version's number and stamp: two copies of one transcript) cannot be told
                // by the stamps; a row a pull took at that stamp holds the winner (SqliteRunStateStore.AdoptRemoteAsync).
                Dictionary<string, DateTimeOffset> pulled = group.Any(r => r.Tie) ? PulledVersions.ReadOf(local, transaction, ids) : [];
                held.AddRange(group
                    .Where(r => stored.TryGetValue(r.Id, out var local) && local.Version == r.Version
                        && string.Equals(local.UpdatedAt, UtcTimestamp.Format(new DateTimeOffset(r.Hlc, TimeSpan.Zero)), StringComparison.Ordinal)
                        && !(r.Tie && PulledVersions.Holds(pulled, r.Id, new DateTimeOffset(r.Hlc, TimeSpan.Zero))))
                    .Select(r => (r.Session, r.Deleted)));
            }

            return held;
        }, cancellationToken);

    /// <summary>What one read found: the transaction's start and the window's end (PostgreSQL's clock), and the conflicts in it.</summary>
    private sealed class LostWindow
    {
        public DateTimeOffset Began { get; set; }

        public DateTimeOffset Until { get; set; }

        public List<(string Type, string Id, string Session, long Version, long Hlc, bool Deleted, bool Tie)> Rows { get; } = [];
    }
}
