using Acode.Application;
using Acode.Application.Errors;
using Acode.Application.Search;
using Acode.Application.Sync;
using Acode.Application.Transcripts;
using Acode.Infrastructure;
using Acode.Infrastructure.Migrations;
using Acode.Infrastructure.Postgres;
using Acode.Infrastructure.PostgresStore;
using Acode.Infrastructure.Search;
using Acode.Infrastructure.Sqlite;
using Acode.Infrastructure.Transcripts;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Acode.Cli.Ui;

/// <summary>
/// What <c>acode ui</c> serves, taken from the invocation's services (<see cref="CliContext.Services"/>, which own and
/// close it): this workspace's database, or with <c>--remote</c> the configured PostgreSQL only (nothing local is opened
/// or created). The remote side is checked before the server starts, so a missing, unreachable or out-of-date PostgreSQL
/// is a coded error, not a page of errors.
/// </summary>
internal sealed class UiSourceScope
{
    private UiSourceScope(UiSources sources, string viewing)
    {
        Sources = sources;
        Viewing = viewing;
    }

    public UiSources Sources { get; }

    /// <summary>What the start line names: the workspace folder, or the PostgreSQL server (redacted).</summary>
    public string Viewing { get; }

    /// <summary>This workspace's database, its outbox and sync status, and (PostgreSQL configured) the team's conflicts.</summary>
    public static UiSourceScope OpenLocal(CliContext context)
    {
        SqliteWorkspaceDatabase database = context.OpenExistingDatabase();
        IServiceProvider services = context.Services;
        var sources = new UiSources(
            services.GetRequiredService<IRunStateStore>(), services.GetRequiredService<ISessionSearch>(), services.GetRequiredService<IImportSourceReader>(),
            context.Outbox, context.Sync,
            context.SyncTarget is null ? null : services.GetRequiredService<ISyncConflictReader>(),
            () => $"{database.GetMigrationStatus().CurrentText} (latest {database.GetMigrationStatus().LatestText})",
            database.Workspace.DatabasePath, database.Workspace.RootDirectory,
            SessionWorkspaces: context.SyncTarget is { } target ? WorkspaceReader(services, target.Redacted) : null,
            EnsureCurrent: database.EnsureStillCurrent,
            NotInPostgres: context.SyncTarget is null ? null : (id, ct) => NotInPostgresNote.ForAsync(context.WorkspaceStore, id, ct));
        return new UiSourceScope(sources, database.Workspace.RootDirectory);
    }

    /// <summary>The team's sessions in the configured PostgreSQL, read through <see cref="PostgresRunStateStore"/>.</summary>
    /// <exception cref="AcodeDbException">
    /// ACODE-DB-007 (exit 17) when no PostgreSQL is configured; ACODE-DB-006 (exit 16) when it is unreachable, refuses
    /// the role, or its schema is older than this acode's (the viewer migrates nothing); ACODE-DB-004 (exit 14) when newer.
    /// </exception>
    public static async Task<UiSourceScope> OpenRemoteAsync(CliContext context, CancellationToken cancellationToken)
    {
        MigrationStatus status = await RemoteSchema.EnsureReadableAsync(context, "'acode ui' without --remote views this workspace.", cancellationToken);
        PostgresConnectionSettings target = context.SyncTarget!;
        IServiceProvider services = context.Services;
        string schema = $"{status.CurrentText} (latest {status.LatestText})";
        var sources = new UiSources(
            services.GetRequiredService<PostgresRunStateStore>(),
            services.GetRequiredService<PostgresSessionSearch>(),
            services.GetRequiredService<PostgresImportSourceReader>(),
            Outbox: null, Sync: null,
            services.GetRequiredService<ISyncConflictReader>(),
            () => schema, target.Redacted, "team: " + target.Redacted, Remote: true, WorkspaceReader(services, target.Redacted));
        return new UiSourceScope(sources, $"the team's sessions in PostgreSQL at {target.Redacted}");
    }

    private static PostgresSessionWorkspaceReader WorkspaceReader(IServiceProvider services, string redactedTarget)
        => new(services.GetRequiredKeyedService<NpgsqlDataSource>(PersistenceServiceCollectionExtensions.PostgresDataSourceKey), redactedTarget);
}
