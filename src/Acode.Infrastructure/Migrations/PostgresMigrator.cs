using System.Diagnostics;
using Acode.Application.Errors;
using Acode.Infrastructure.Postgres;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Acode.Infrastructure.Migrations;

/// <summary>
/// Applies pending migrations to the shared PostgreSQL database (spec §3), with the semantics of
/// <see cref="SqliteMigrator"/>: the same versions, in order, each in its own transaction together with its
/// <c>schema_version</c> row; an edited migration is refused by checksum (ACODE-DB-003), a failed one rolls back
/// and leaves the last good version (ACODE-DB-003; ACODE-DB-006 when the server refused it: a missing privilege, a
/// read-only server), a newer database is refused (ACODE-DB-004).
/// </summary>
/// <remarks>
/// Many processes on many machines migrate the same server: a run that finds migrations pending holds the session-level
/// advisory lock <see cref="AdvisoryLockKey"/> from before it reads what is applied until its last migration is done, so
/// one run applies every pending migration and one that waited finds nothing left, and each reports truly where the
/// database was before it (two runs that each took migrations in turn said "migrated from 1.5.0", a version the
/// database, empty when both started, was at only in passing). Each migration transaction also takes the same key as a
/// transaction-scoped lock and re-reads <c>schema_version</c>, which is how earlier acode versions serialize, so they and
/// this one still apply each migration exactly once. The locks are released with the run (or the transaction), also
/// when the connection dies. Connection failures and outages are reported
/// as ACODE-DB-006 (<see cref="PostgresErrorMapper"/>).
/// <para>
/// A migration may have a data step (<see cref="DataSteps"/>): C# that runs after its script, in the same transaction and
/// before its <c>schema_version</c> row, for what SQL cannot do (1.6.0 decompresses Brotli blobs to index their words, 1.12.0 and 1.13.0 index again those whose JSON text holds an escape).
/// The data step is not part of the checksum.
/// </para>
/// </remarks>
public sealed class PostgresMigrator
{
    /// <summary>The <c>pg_advisory_xact_lock</c> key that serializes acode migrations on a server ("acode_mg" in ASCII).</summary>
    public const long AdvisoryLockKey = 0x6163_6F64_655F_6D67;

    private const string CreateJournal = """
        CREATE TABLE IF NOT EXISTS schema_version (
            version     text PRIMARY KEY,
            name        text NOT NULL,
            checksum    text NOT NULL,
            applied_at  timestamptz NOT NULL
        );
        """;

    /// <summary>The data step of each migration that has one, by migration id (<see cref="Migration.Id"/>).</summary>
    internal static readonly IReadOnlyDictionary<string, Func<NpgsqlConnection, NpgsqlTransaction, CancellationToken, Task>> DataSteps =
        new Dictionary<string, Func<NpgsqlConnection, NpgsqlTransaction, CancellationToken, Task>>(StringComparer.Ordinal)
        {
            ["V1_6_0_BlobSearch"] = PostgresStore.PostgresBlobSearchWords.IndexMissingAsync,
            ["V1_12_0_SearchJsonEscapes"] = PostgresStore.PostgresBlobSearchWords.IndexEscapesAsync,
            ["V1_13_0_SearchJsonDecode"] = PostgresStore.PostgresBlobSearchWords.IndexEscapesAsync,
        };

    private readonly MigrationPlan _plan;
    private readonly string[] _tables;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;

    /// <summary>A migrator for acode's PostgreSQL schema.</summary>
    /// <param name="migrations">The migrations to apply; null: the ones shipped in this assembly.</param>
    /// <param name="logger">Receives one line per applied migration.</param>
    /// <param name="time">The clock of <c>schema_version.applied_at</c>; null: the system clock.</param>
    /// <exception cref="ArgumentException"><paramref name="migrations"/> is empty or has two with the same version.</exception>
    public PostgresMigrator(IReadOnlyList<Migration>? migrations = null, ILogger? logger = null, TimeProvider? time = null)
    {
        IReadOnlyList<Migration> all = migrations ?? MigrationCatalog.For(MigrationCatalog.Postgres);
        _plan = new MigrationPlan(all, nameof(migrations), "PostgreSQL database");
        _tables = PostgresPrivilegeCheck.TablesOf(all);
        _logger = logger ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>The newest schema version this migrator knows.</summary>
    public Version Latest => _plan.Latest;

    /// <summary>
    /// What is applied and what would be; checks checksums and refuses a newer database; checks that the role holds the
    /// privileges acode needs on the tables that exist (<see cref="PostgresPrivilegeCheck"/>). Writes nothing.
    /// </summary>
    /// <exception cref="AcodeDbException">ACODE-DB-003 (edited migration), ACODE-DB-004 (newer database) or ACODE-DB-006 (PostgreSQL unavailable, or a privilege missing: the message names it and the GRANT).</exception>
    public async Task<MigrationStatus> GetStatusAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        NpgsqlConnection connection = await PostgresDataSourceFactory.OpenConnectionAsync(dataSource, cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            return await GetStatusAsync(connection, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc cref="GetStatusAsync(NpgsqlDataSource, CancellationToken)"/>
    public Task<MigrationStatus> GetStatusAsync(NpgsqlConnection connection, CancellationToken cancellationToken = default)
        => GetStatusAsync(connection, StatusRole.Writer, cancellationToken);

    /// <summary>
    /// The status as a reader needs it (<c>--remote</c> reads, <c>session pull</c>, <c>acode ui --remote</c>): like
    /// <see cref="GetStatusAsync(NpgsqlDataSource, CancellationToken)"/>, but the role needs only SELECT on acode's tables
    /// and USAGE on the schema, so a SELECT-only role or a read replica passes. Writes nothing.
    /// </summary>
    /// <exception cref="AcodeDbException">ACODE-DB-003, ACODE-DB-004, or ACODE-DB-006 (unavailable, with a reader's hint: nothing was read or changed; or SELECT or USAGE missing: the message names the GRANT).</exception>
    public async Task<MigrationStatus> GetReadStatusAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        NpgsqlConnection connection = await PostgresDataSourceFactory.OpenReaderConnectionAsync(dataSource, cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            return await GetStatusAsync(connection, StatusRole.Reader, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<MigrationStatus> GetStatusAsync(NpgsqlConnection connection, StatusRole role, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        try
        {
            await PostgresPrivilegeCheck.EnsureAsync(connection, _tables, needCreate: false, readOnly: role.SelectOnly, cancellationToken).ConfigureAwait(false);
            List<AppliedMigration> applied = await ReadAppliedAsync(connection, null, role.SelectOnly, cancellationToken).ConfigureAwait(false);
            return _plan.StatusOf(applied);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && role.Map(ex, Target(connection)) is { } unavailable)
        {
            throw unavailable;
        }
    }

    /// <summary>
    /// Who asks for a status, a reader or a writer: the privileges it needs (SELECT only for a reader; a writer's for a sync or a migration) and
    /// the hint a failure gets (<see cref="PostgresErrorMapper.MapForReader"/> or <see cref="PostgresErrorMapper.Map"/>).
    /// </summary>
    private sealed record StatusRole(bool SelectOnly, Func<Exception, string, AcodeDbException?> Map)
    {
        public static readonly StatusRole Reader = new(SelectOnly: true, PostgresErrorMapper.MapForReader);
        public static readonly StatusRole Writer = new(SelectOnly: false, PostgresErrorMapper.Map);
    }

    /// <summary>
    /// Whether the role may apply what is pending: <see cref="GetStatusAsync(NpgsqlDataSource, CancellationToken)"/>, and
    /// while a migration is pending, CREATE on the schema (<c>acode db migrate --dry-run</c>; <see cref="MigrateAsync(NpgsqlDataSource, CancellationToken)"/>
    /// checks the same before its first migration). Writes nothing.
    /// </summary>
    /// <returns>The status, when the role may apply every pending migration.</returns>
    /// <exception cref="AcodeDbException">As <see cref="GetStatusAsync(NpgsqlDataSource, CancellationToken)"/>; ACODE-DB-006 naming CREATE on the schema and its GRANT when a migration is pending and the role lacks it.</exception>
    public async Task<MigrationStatus> GetApplicableStatusAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        NpgsqlConnection connection = await PostgresDataSourceFactory.OpenConnectionAsync(dataSource, cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            return await GetApplicableStatusAsync(connection, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<MigrationStatus> GetApplicableStatusAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        MigrationStatus status = await GetStatusAsync(connection, cancellationToken).ConfigureAwait(false);
        if (status.Pending.Count > 0)
        {
            try
            {
                await PostgresPrivilegeCheck.EnsureAsync(connection, _tables, needCreate: true, readOnly: false, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested && PostgresErrorMapper.Map(ex, Target(connection)) is { } unavailable)
            {
                throw unavailable;
            }
        }

        return status;
    }

    /// <summary>Applies every pending migration; a no-op when there is none (AC-011, AC-012).</summary>
    /// <returns>The migrations this call applied (none when another process applied them first).</returns>
    /// <exception cref="AcodeDbException">ACODE-DB-003, ACODE-DB-004 or ACODE-DB-006, as <see cref="GetApplicableStatusAsync(NpgsqlDataSource, CancellationToken)"/>;
    /// ACODE-DB-003 for a failed migration; ACODE-DB-006 for one the server refused (a missing privilege, a read-only server).</exception>
    public async Task<IReadOnlyList<Migration>> MigrateAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        NpgsqlConnection connection = await PostgresDataSourceFactory.OpenConnectionAsync(dataSource, cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            return await MigrateAsync(connection, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc cref="MigrateAsync(NpgsqlDataSource, CancellationToken)"/>
    public async Task<IReadOnlyList<Migration>> MigrateAsync(NpgsqlConnection connection, CancellationToken cancellationToken = default)
        => (await MigrateFromAsync(connection, cancellationToken).ConfigureAwait(false)).Applied;

    /// <summary>
    /// <see cref="MigrateAsync(NpgsqlDataSource, CancellationToken)"/>, also saying which version the database was at before
    /// (null: it had no acode schema).
    /// </summary>
    internal async Task<(Version? From, IReadOnlyList<Migration> Applied)> MigrateFromAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        NpgsqlConnection connection = await PostgresDataSourceFactory.OpenConnectionAsync(dataSource, cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            return await MigrateFromAsync(connection, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<(Version? From, IReadOnlyList<Migration> Applied)> MigrateFromAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        MigrationStatus status = await GetApplicableStatusAsync(connection, cancellationToken).ConfigureAwait(false);
        if (status.Pending.Count == 0)
        {
            return (status.Current, []);
        }

        await RunAdvisoryLockAsync(connection, "SELECT pg_advisory_lock(@key);", cancellationToken).ConfigureAwait(false);
        try
        {
            // Read again under the lock: another run may have applied some or all of what was pending.
            return await ApplyPendingAsync(connection, await GetApplicableStatusAsync(connection, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            try
            {
                await RunAdvisoryLockAsync(connection, "SELECT pg_advisory_unlock(@key);", CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is AcodeDbException or NpgsqlException or InvalidOperationException or ObjectDisposedException)
            {
                // The connection is gone, and the lock with it: the server releases a session's locks when it ends.
            }
        }
    }

    /// <summary>Takes or releases the session-level lock (<paramref name="sql"/>); a connection failure is ACODE-DB-006.</summary>
    private static async Task RunAdvisoryLockAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        try
        {
            using NpgsqlCommand command = new(sql, connection);
            command.Parameters.AddWithValue("key", AdvisoryLockKey);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && PostgresErrorMapper.Map(ex, Target(connection)) is { } unavailable)
        {
            throw unavailable;
        }
    }

    private async Task<(Version? From, IReadOnlyList<Migration> Applied)> ApplyPendingAsync(NpgsqlConnection connection, MigrationStatus status, CancellationToken cancellationToken)
    {
        var appliedNow = new List<Migration>();
        foreach (Migration migration in status.Pending)
        {
            using Activity? activity = MigrationActivity.Start(AcodeActivities.Postgres, migration, connection.Database);
            bool applied;
            try
            {
                applied = await ApplyAsync(connection, migration, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested && PostgresErrorMapper.Map(ex, Target(connection)) is { } unavailable)
            {
                AcodeActivities.Fail(activity, unavailable);
                throw unavailable;
            }
            catch (Exception ex)
            {
                AcodeActivities.Fail(activity, ex);
                throw;
            }

            activity?.SetTag("acode.migration.applied", applied);

            if (applied)
            {
                appliedNow.Add(migration);
            }
        }

        return (status.Current, appliedNow);
    }

    private async Task<bool> ApplyAsync(NpgsqlConnection connection, Migration migration, CancellationToken cancellationToken)
    {
        NpgsqlTransaction transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (transaction.ConfigureAwait(false))
        {
            return await ApplyAsync(connection, transaction, migration, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<bool> ApplyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Migration migration, CancellationToken cancellationToken)
    {
        using (NpgsqlCommand lockCommand = new("SELECT pg_advisory_xact_lock(@key);", connection, transaction))
        {
            lockCommand.Parameters.AddWithValue("key", AdvisoryLockKey);
            await lockCommand.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        List<AppliedMigration> applied = await ReadAppliedAsync(connection, transaction, forReader: false, cancellationToken).ConfigureAwait(false);
        _plan.Validate(applied);
        if (applied.Any(a => a.Version == migration.Version))
        {
            return false; // another process applied it while we waited for the lock; disposing rolls back
        }

        string lastGood = applied.Count == 0 ? "none (empty database)" : applied.Max(a => a.Version)!.ToString(3);
        try
        {
            await ExecuteAsync(connection, transaction, CreateJournal, cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, transaction, migration.Script, cancellationToken).ConfigureAwait(false);
            if (DataSteps.TryGetValue(migration.Id, out Func<NpgsqlConnection, NpgsqlTransaction, CancellationToken, Task>? dataStep))
            {
                await dataStep(connection, transaction, cancellationToken).ConfigureAwait(false);
            }

            using NpgsqlCommand record = new("INSERT INTO schema_version (version, name, checksum, applied_at) VALUES (@version, @name, @checksum, @applied_at);", connection, transaction);
            record.Parameters.AddWithValue("version", migration.VersionText);
            record.Parameters.AddWithValue("name", migration.Name);
            record.Parameters.AddWithValue("checksum", migration.Checksum);
            record.Parameters.AddWithValue("applied_at", _time.GetUtcNow());
            await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException ex) when (!PostgresErrorMapper.IsOutage(ex))
        {
            // A refusal (a missing privilege, a read-only server) rolls the migration back like any statement error,
            // but it is the role's or the server's fault, not the migration's: ACODE-DB-006 naming what fixes it.
            await transaction.RollbackAsync(CancellationToken.None).ConfigureAwait(false);
            string target = Target(connection);
            (string Reason, string Remedy)? refusal = PostgresErrorMapper.Refusal(ex, target);
            string reason = refusal?.Reason ?? PostgresServerSaid.Of(ex);
            Log.PostgresMigrationFailed(_logger, migration.Id, target, reason);
            throw refusal is { } refused
                ? AcodeErrors.MigrationRefused(target, migration.Id, lastGood, reason, refused.Remedy, ex)
                : AcodeErrors.PostgresMigrationFailed(migration.Id, lastGood, reason, ex);
        }

        Log.PostgresMigrationApplied(_logger, migration.Id, migration.Checksum, Target(connection));
        return true;
    }

    /// <summary>The newest version recorded in <c>schema_version</c> (e.g. <c>9.0.0</c>), or null when there is none; validates nothing, so a schema this program cannot use still names its version.</summary>
    internal static async Task<string?> GetNewestAppliedVersionAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        List<AppliedMigration> applied = await ReadAppliedAsync(connection, null, forReader: false, cancellationToken).ConfigureAwait(false);
        return applied.Count == 0 ? null : applied[^1].Version.ToString(3);
    }

    // forReader: a reader's status (GetReadStatusAsync), whose refusal of a database that is not acode's gets a reader's hint.
    private static async Task<List<AppliedMigration>> ReadAppliedAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, bool forReader, CancellationToken cancellationToken)
    {
        // An MVCC read of the catalog, not to_regclass: after waiting for the advisory lock, this backend's catalog
        // cache may still hold "no such table" from before another process created it.
        if (!await JournalExistsAsync(connection, transaction, cancellationToken).ConfigureAwait(false))
        {
            if (await TablesAsync(connection, transaction, cancellationToken).ConfigureAwait(false) is not { Count: > 0 } names)
            {
                return [];
            }

            // Each statement of a READ COMMITTED transaction sees what committed before it: another starter's first
            // migration (its tables and its journal, in one transaction) may have committed between the two reads.
            if (await JournalExistsAsync(connection, transaction, cancellationToken).ConfigureAwait(false))
            {
                return await ReadAppliedAsync(connection, transaction, forReader, cancellationToken).ConfigureAwait(false);
            }

            string shown = string.Join(", ", names.Take(5)) + (names.Count > 5 ? ", …" : string.Empty);
            throw NotAcodes(connection, $"the database holds tables acode did not record creating ({shown}) and no acode migration journal (schema_version)", null, forReader);
        }

        var rows = new List<AppliedMigration>();
        try
        {
            using NpgsqlCommand query = new("SELECT version, name, checksum, applied_at FROM schema_version;", connection, transaction);
            NpgsqlDataReader reader = await query.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    rows.Add(new AppliedMigration(Version.Parse(reader.GetString(0)), reader.GetString(1), reader.GetString(2), reader.GetFieldValue<DateTimeOffset>(3)));
                }
            }
        }
        catch (Exception ex) when (ex is PostgresException { SqlState: PostgresErrorCodes.UndefinedColumn } or InvalidCastException or FormatException or ArgumentException or OverflowException)
        {
            // Not acode's journal: a column missing, of another type, or a version acode never writes.
            throw NotAcodes(connection, "its table schema_version is not acode's migration journal (acode's holds the columns version, name, checksum and applied_at, one row per applied migration)", ex, forReader);
        }

        rows.Sort((a, b) => a.Version.CompareTo(b.Version));
        return rows;
    }

    /// <summary>Whether the current schema holds a table named <c>schema_version</c> (an MVCC read of the catalog).</summary>
    private static async Task<bool> JournalExistsAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, CancellationToken cancellationToken)
    {
        using NpgsqlCommand exists = new("SELECT EXISTS (SELECT FROM pg_catalog.pg_tables WHERE schemaname = current_schema() AND tablename = 'schema_version');", connection, transaction);
        return (bool)(await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    /// <summary>
    /// Up to six of the tables and views (not an extension's) in the current schema: in a database without acode's
    /// journal any is another application's, and acode creates its schema only in an empty one, never beside another
    /// application's tables (docs/postgres.md).
    /// </summary>
    private static async Task<List<string>> TablesAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, CancellationToken cancellationToken)
    {
        const string Sql = """
            SELECT c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
              AND NOT EXISTS (SELECT FROM pg_catalog.pg_depend d WHERE d.classid = 'pg_catalog.pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
            ORDER BY c.relname LIMIT 6;
            """;
        var names = new List<string>();
        using NpgsqlCommand command = new(Sql, connection, transaction);
        NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                names.Add(reader.GetString(0));
            }
        }

        return names;
    }

    /// <summary>
    /// ACODE-DB-006 for a database that is not acode's. The refusal's hint is the sync's (changes wait in the outbox);
    /// a reader (<paramref name="forReader"/>: <c>--remote</c> reads, <c>session pull</c>) sent nothing and waits for nothing, so
    /// its hint is a read's (trial AO 2).
    /// </summary>
    private static AcodeDbException NotAcodes(NpgsqlConnection connection, string reason, Exception? inner, bool forReader)
    {
        AcodeDbException refused = AcodeErrors.PostgresRefused(
            Target(connection),
            $"{reason}, so it is not an acode database and acode creates and changes nothing there",
            "check that ACODE_POSTGRES_URL (or persistence:postgres:connectionString in .agent/config.json) names the team's acode database, or give acode an empty database of its own (for example createdb acode) or schema (the search_path option of the connection string); if this is the team's acode database and its schema_version was dropped or changed by hand, restore it from a backup.",
            inner);
        return forReader ? AcodeErrors.InPostgresStore(refused, write: false) : refused;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        using NpgsqlCommand command = new(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static string Target(NpgsqlConnection connection) => PostgresConnectionSettings.Redact(connection.ConnectionString);
}
