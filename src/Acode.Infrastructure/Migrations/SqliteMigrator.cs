using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Acode.Application.Errors;
using Acode.Application.Serialization;
using Acode.Infrastructure.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Acode.Infrastructure.Migrations;

/// <summary>
/// Applies pending migrations to the workspace database (spec §3): in version order, each in its own
/// <c>BEGIN IMMEDIATE</c> transaction together with its <c>schema_version</c> row, so that several processes
/// starting at once apply each migration exactly once and a failure leaves the last good version. A script runs
/// statement by statement, each to its end (<see cref="SqliteScript"/>): it is applied completely or not at all.
/// </summary>
internal sealed partial class SqliteMigrator
{
    internal const string CreateJournal = """
        CREATE TABLE IF NOT EXISTS schema_version (
            version     TEXT PRIMARY KEY,
            name        TEXT NOT NULL,
            checksum    TEXT NOT NULL,
            applied_at  TEXT NOT NULL
        ) STRICT;
        """;

    private readonly MigrationPlan _plan;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;

    public SqliteMigrator(IReadOnlyList<Migration>? migrations = null, ILogger? logger = null, TimeProvider? time = null)
    {
        _plan = new MigrationPlan(migrations ?? MigrationCatalog.For(MigrationCatalog.Sqlite), nameof(migrations), "workspace database");
        _logger = logger ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
        _time = time ?? TimeProvider.System;
    }

    public Version Latest => _plan.Latest;

    /// <summary>
    /// What is applied and what would be. Checks checksums, refuses a newer database, and refuses one whose tables,
    /// indexes or triggers are not what its applied migrations define (damaged, or edited by another program), before
    /// anything writes to it. Writes nothing.
    /// </summary>
    /// <exception cref="AcodeDbException">
    /// ACODE-DB-002 (schema differs), ACODE-DB-003 (edited migration) or ACODE-DB-004 (database newer than this program).
    /// </exception>
    public MigrationStatus GetStatus(SqliteConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);

        // The journal and the schema from one snapshot: read apart, another process's migration committing in between
        // (one that alters a table) would pair the old journal with the new definitions and look like damage.
        using SqliteTransaction snapshot = connection.BeginTransaction(deferred: true);
        List<AppliedMigration> applied = ReadApplied(connection, snapshot, _plan.Latest);
        MigrationStatus status = _plan.StatusOf(applied);
        if (applied.Count > 0)
        {
            IReadOnlyList<string> differences = SqliteSchema.Read(connection, snapshot).DifferencesFrom(_plan.Behind(applied));
            if (differences.Count > 0)
            {
                throw AcodeErrors.NotAnAcodeDatabase(connection.DataSource, DescribeDamage(status, differences));
            }
        }

        return status;
    }

    /// <summary>
    /// How recently a migration must have been applied for a schema to be taken as one another process is migrating now
    /// (5 s, either way: a time ahead of this clock is another machine's clock, not a migration now): the migrations of a
    /// new workspace follow one another within milliseconds, and an older acode's schema was made by a command that has ended.
    /// </summary>
    public static readonly TimeSpan MigratingElsewhere = TimeSpan.FromSeconds(5);

    /// <summary>Applies every pending migration; a no-op when there is none (AC-011, AC-012).</summary>
    /// <returns>The migrations this call applied.</returns>
    public IReadOnlyList<Migration> Migrate(SqliteConnection connection) => Migrate(connection, out _);

    /// <inheritdoc cref="Migrate(SqliteConnection)"/>
    /// <param name="connection">The writer connection.</param>
    /// <param name="from">
    /// The version the database was at before, for saying that it was upgraded; null when it had no acode schema, or when
    /// another process is migrating it at this moment (its last migration applied less than <see cref="MigratingElsewhere"/>
    /// ago: several commands creating one new workspace at once), whose part-made schema is not an older version.
    /// </param>
    /// <param name="beforeMigrating">Told the status before the first pending migration is applied; not called when none is, nor when another process is migrating it.</param>
    public IReadOnlyList<Migration> Migrate(SqliteConnection connection, out Version? from, Action<MigrationStatus>? beforeMigrating = null)
    {
        MigrationStatus status = GetStatus(connection);
        from = status.Current;
        if (status.Pending.Count > 0)
        {
            if (status.Current is not null && FindDamage(connection) is { } damage)
            {
                throw AcodeErrors.DamagedWorkspaceNotMigrated(connection.DataSource, status.CurrentText, status.LatestText, damage);
            }

            if (status.Applied.Count > 0 && (_time.GetUtcNow() - status.Applied.Max(a => a.AppliedAt)).Duration() < MigratingElsewhere)
            {
                // Trial Z: "migrating from 1.4.0 … acode versions that know only 1.4.0 can no longer open it" for a workspace
                // another process was creating. The one that began says what it does; this one only helps it finish.
                from = null;
            }
            else
            {
                beforeMigrating?.Invoke(status);
            }
        }

        var appliedNow = new List<Migration>();
        foreach (Migration migration in status.Pending)
        {
            using Activity? activity = MigrationActivity.Start(AcodeActivities.Sqlite, migration);
            bool applied;
            try
            {
                applied = Apply(connection, migration, status.Current);
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

        if (appliedNow.Count > 0)
        {
            GiveBackFreedPages(connection);
        }

        return appliedNow;
    }

    /// <summary>
    /// A migration that rebuilds or drops a table (1.11.0 rebuilds the outbox, 1.7.0 empties its payloads) leaves the old
    /// pages free inside the file, where they stay until new rows reuse them: an upgraded workspace would be larger than
    /// before by about its outbox. In an <c>auto_vacuum=INCREMENTAL</c> database (every one acode creates)
    /// <c>PRAGMA incremental_vacuum</c> gives them back at once; an older <c>auto_vacuum=NONE</c> file keeps them (its
    /// one-time conversion is <c>acode db prune</c>'s, which rewrites the whole file).
    /// </summary>
    private static void GiveBackFreedPages(SqliteConnection connection)
    {
        using SqliteCommand mode = connection.CreateCommand();
        mode.CommandText = "PRAGMA auto_vacuum;";
        if (Convert.ToInt64(mode.ExecuteScalar(), CultureInfo.InvariantCulture) != 2)
        {
            return;
        }

        try
        {
            SqliteScript.Run(connection, null, "PRAGMA incremental_vacuum;");
        }
        catch (SqliteException ex) when (Sqlite.SqliteErrorMapper.IsBusy(ex))
        {
            // The migrations are committed; another writer's rows reuse the free pages as well.
        }
    }

    private bool Apply(SqliteConnection connection, Migration migration, Version? startVersion)
    {
        SqliteMigrationFunctions.Register(connection);
        using SqliteTransaction transaction = connection.BeginTransaction(deferred: false);
        List<AppliedMigration> applied = ReadApplied(connection, transaction, _plan.Latest);
        _plan.Validate(applied);
        if (applied.Any(a => a.Version == migration.Version))
        {
            return false; // another process applied it while we waited for the lock
        }

        string? lastGood = applied.Count == 0 ? null : applied.Max(a => a.Version)!.ToString(3);
        string step = "creating the schema_version table";
        try
        {
            SqliteScript.Execute(connection, transaction, CreateJournal);

            // Statement by statement (SqliteScript says why): all of them, or the migration fails and rolls back.
            IReadOnlyList<string> statements = SqliteScript.Statements(migration.Script);
            for (int i = 0; i < statements.Count; i++)
            {
                step = $"statement {i + 1} of {statements.Count} ({StatementText.Excerpt(statements[i])})";
                SqliteScript.Run(connection, transaction, statements[i]);
            }

            step = "recording it in schema_version";
            using SqliteCommand record = connection.CreateCommand();
            record.Transaction = transaction;
            record.CommandText = "INSERT INTO schema_version (version, name, checksum, applied_at) VALUES ($version, $name, $checksum, $applied_at);";
            record.Parameters.AddWithValue("$version", migration.VersionText);
            record.Parameters.AddWithValue("$name", migration.Name);
            record.Parameters.AddWithValue("$checksum", migration.Checksum);
            record.Parameters.AddWithValue("$applied_at", UtcTimestamp.Format(_time.GetUtcNow()));
            record.ExecuteNonQuery();
            transaction.Commit();
        }
        catch (SqliteException ex) when (!Sqlite.SqliteErrorMapper.IsBusy(ex))
        {
            transaction.Rollback();
            string reason = $"{ex.Message.TrimEnd('.')} in {step}";
            Log.MigrationFailed(_logger, migration.Id, reason);
            throw AcodeErrors.WorkspaceMigrationFailed(migration.Id, lastGood, startVersion?.ToString(3), reason, ex);
        }

        Log.MigrationApplied(_logger, migration.Id, migration.Checksum);
        return true;
    }

    /// <summary>
    /// The first problems <c>PRAGMA quick_check</c> finds in the file's pages (or the error it stopped with), or null when
    /// there are none. Run only before migrating: O(size of the file), like the table rebuilds some migrations do.
    /// </summary>
    /// <remarks>
    /// Another process creating or migrating the same workspace at that moment can change the schema under the check:
    /// SQLite then fails it with SQLITE_SCHEMA ("vtable constructor failed" on a full-text table). The check is run
    /// again on the new schema; if the schema keeps changing, that process is migrating the file after its own check,
    /// and this one goes on to the migrations, which wait for its write lock.
    /// </remarks>
    private static string? FindDamage(SqliteConnection connection)
    {
        const int Shown = 3;
        const int SchemaChanged = 17; // SQLITE_SCHEMA
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                using SqliteCommand command = connection.CreateCommand();
                command.CommandText = $"PRAGMA quick_check({Shown});";
                using SqliteDataReader reader = command.ExecuteReader();
                var problems = new List<string>();
                while (reader.Read())
                {
                    problems.Add(reader.GetString(0));
                }

                return problems is ["ok"] ? null : string.Join("; ", problems);
            }
            catch (SqliteException ex) when (ex.SqliteErrorCode == SchemaChanged)
            {
                if (attempt == 10)
                {
                    return null;
                }

                Thread.Sleep(10 * attempt);
            }
            catch (SqliteException ex) when (Sqlite.SqliteErrorMapper.IsCorrupt(ex))
            {
                return ex.Message.TrimEnd('.');
            }
        }
    }

    private static string DescribeDamage(MigrationStatus status, IReadOnlyList<string> differences)
    {
        const int Shown = 3;
        string listed = string.Join("; ", differences.Take(Shown)) + (differences.Count > Shown ? $"; and {differences.Count - Shown} more" : "");
        return $"its schema is not what version {status.CurrentText} defines, so it was damaged or changed by another program ({listed})";
    }

    private static List<AppliedMigration> ReadApplied(SqliteConnection connection, SqliteTransaction? transaction, Version latest)
    {
        using SqliteCommand exists = connection.CreateCommand();
        exists.Transaction = transaction;
        exists.CommandText = "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'schema_version';";
        if (Convert.ToInt64(exists.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) == 0)
        {
            return [];
        }

        using SqliteCommand query = connection.CreateCommand();
        query.Transaction = transaction;
        query.CommandText = "SELECT version, name, checksum, applied_at FROM schema_version;";
        using SqliteDataReader reader = query.ExecuteReader();
        var rows = new List<AppliedMigration>();
        while (reader.Read())
        {
            rows.Add(ParseApplied(reader, latest) ?? throw AcodeErrors.NotAnAcodeDatabase(
                connection.DataSource, $"row {rows.Count + 1} of its schema_version table is damaged (a version, checksum or time that this program never writes)"));
        }

        rows.Sort((a, b) => a.Version.CompareTo(b.Version));
        return rows;
    }

    /// <summary>
    /// The row as a migration some acode could have recorded, or null when a value has a shape none writes. A version
    /// after <paramref name="latest"/> comes from a newer program, whose checksums this one does not presume to know.
    /// </summary>
    private static AppliedMigration? ParseApplied(SqliteDataReader reader, Version latest)
    {
        if (reader.GetValue(0) is string versionText && VersionPattern().IsMatch(versionText)
            && reader.GetValue(1) is string { Length: > 0 } name
            && reader.GetValue(2) is string { Length: > 0 } checksum
            && UtcTimestamp.TryParse(reader.GetValue(3) as string, out DateTimeOffset appliedAt))
        {
            var version = Version.Parse(versionText);
            return version > latest || ChecksumPattern().IsMatch(checksum) ? new AppliedMigration(version, name, checksum, appliedAt) : null;
        }

        return null;
    }

    [GeneratedRegex(@"^[0-9]{1,9}\.[0-9]{1,9}\.[0-9]{1,9}\z", RegexOptions.CultureInvariant)]
    private static partial Regex VersionPattern();

    [GeneratedRegex(@"^[0-9a-f]{64}\z", RegexOptions.CultureInvariant)]
    private static partial Regex ChecksumPattern();
}
