using Acode.Application.Errors;
using Acode.Infrastructure.Migrations;
using Acode.Infrastructure.Postgres;
using Acode.Infrastructure.PostgresStore;
using Acode.Infrastructure.Search;
using Acode.Infrastructure.Sqlite;
using Acode.Infrastructure.Sync;
using Acode.Infrastructure.Transcripts;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Acode.Cli.Ui;

/// <summary>
/// Opens what <c>acode ui</c> serves and closes it afterwards: this workspace's database, or with <c>--remote</c> the
/// configured PostgreSQL only (nothing local is opened or created). The remote side is checked before the server starts,
/// so a missing, unreachable or out-of-date PostgreSQL is a coded error, not a page of errors.
/// </summary>
internal sealed class UiSourceScope : IAsyncDisposable
{
    private readonly IDisposable? _database;
    private readonly IDisposable? _sync;
    private readonly NpgsqlDataSource? _dataSource;

    private UiSourceScope(UiSources sources, string viewing, IDisposable? database, IDisposable? sync, NpgsqlDataSource? dataSource)
    {
        Sources = sources;
        Viewing = viewing;
        _database = database;
        _sync = sync;
        _dataSource = dataSource;
    }

    public UiSources Sources { get; }

    /// <summary>What the start line names: the workspace folder, or the PostgreSQL server (redacted).</summary>
    public string Viewing { get; }

    /// <summary>This workspace's database, its outbox and sync status, and (PostgreSQL configured) the team's conflicts.</summary>
    public static UiSourceScope OpenLocal(CliContext context)
    {
        SqliteWorkspaceDatabase database = context.OpenDatabase();
        OutboxSyncService sync = context.OpenSync(database);
        NpgsqlDataSource? shared = context.SyncTarget is { } target ? PostgresDataSourceFactory.Create(target, context.LoggerFactory) : null;
        var sources = new UiSources(new SqliteRunStateStore(database), new SqliteSessionSearch(database), new SqliteImportSourceReader(database), new SqliteOutbox(database), sync,
            shared is null ? null : new PostgresSyncConflictReader(shared, context.SyncTarget!.Redacted),
            () => $"{database.GetMigrationStatus().CurrentText} (latest {database.GetMigrationStatus().LatestText})",
            database.Workspace.DatabasePath, database.Workspace.RootDirectory);
        return new UiSourceScope(sources, database.Workspace.RootDirectory, database, sync, shared);
    }

    /// <summary>The team's sessions in the configured PostgreSQL, read through <see cref="PostgresRunStateStore"/>.</summary>
    /// <exception cref="AcodeDbException">
    /// ACODE-DB-007 (exit 17) when no PostgreSQL is configured; ACODE-DB-006 (exit 16) when it is unreachable, refuses
    /// the role, or its schema is older than this acode's (the viewer migrates nothing); ACODE-DB-004 (exit 14) when newer.
    /// </exception>
    public static async Task<UiSourceScope> OpenRemoteAsync(CliContext context, CancellationToken cancellationToken)
    {
        if (context.SyncTarget is not { } target)
        {
            AcodeDbException notConfigured = AcodeErrors.PostgresNotConfigured();
            throw new AcodeDbException(notConfigured.ErrorCode, "No PostgreSQL is configured, so there is no team database to view. 'acode ui' without --remote views this workspace.", notConfigured.Hint);
        }

        NpgsqlDataSource dataSource = PostgresDataSourceFactory.Create(target, context.LoggerFactory);
        try
        {
            MigrationStatus status = await new PostgresMigrator(logger: context.LoggerFactory.CreateLogger<PostgresMigrator>()).GetStatusAsync(dataSource, cancellationToken);
            if (status.Pending.Count > 0)
            {
                throw AcodeErrors.PostgresSchemaBehind(target.Redacted, status.CurrentText, status.LatestText);
            }

            string schema = $"{status.CurrentText} (latest {status.LatestText})";
            var sources = new UiSources(
                new PostgresRunStateStore(dataSource, context.Options.Store.Origin ?? PostgresStoreOrigin.Default),
                new PostgresSessionSearch(dataSource),
                new PostgresImportSourceReader(dataSource, target.Redacted),
                Outbox: null, Sync: null,
                new PostgresSyncConflictReader(dataSource, target.Redacted),
                () => schema, target.Redacted, "team: " + target.Redacted, Remote: true);
            return new UiSourceScope(sources, $"the team's sessions in PostgreSQL at {target.Redacted}", null, null, dataSource);
        }
        catch
        {
            await dataSource.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_dataSource is not null)
        {
            await _dataSource.DisposeAsync();
        }

        _sync?.Dispose();
        _database?.Dispose();
    }
}
