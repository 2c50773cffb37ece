using System.Diagnostics.Metrics;
using Acode.Application;
using Acode.Application.Options;
using Acode.Application.Outbox;
using Acode.Application.Errors;
using Acode.Application.Redaction;
using Acode.Application.Search;
using Acode.Application.Transcripts;
using Acode.Application.Sync;
using Acode.Domain.Time;
using Acode.Infrastructure.Configuration;
using Acode.Infrastructure.Health;
using Acode.Infrastructure.Migrations;
using Acode.Infrastructure.Postgres;
using Acode.Infrastructure.PostgresStore;
using Acode.Infrastructure.Retention;
using Acode.Infrastructure.Search;
using Acode.Infrastructure.Sqlite;
using Acode.Infrastructure.Sync;
using Acode.Infrastructure.Transcripts;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Acode.Infrastructure;

/// <summary>
/// Registers the run-state store, the outbox, the sync worker, health checks and metrics in an agent host: the one
/// composition root, which the <c>acode</c> CLI uses too. Every service is added with <c>TryAdd</c>, so a service the
/// host registered before (its <see cref="TimeProvider"/>, the workspace database, a store) is kept and the rest is
/// built on it; <c>ILoggerFactory</c> and <c>IMeterFactory</c> are used when the host has them.
/// </summary>
public static class PersistenceServiceCollectionExtensions
{
    /// <summary>How old the oldest pending outbox record may get before the outbox health check reports a stuck backlog.</summary>
    public static readonly TimeSpan StuckBacklogAfter = TimeSpan.FromMinutes(15);

    /// <summary>
    /// The service key of the <see cref="NpgsqlDataSource"/> (connection pool) of the configured PostgreSQL; resolving it
    /// without one configured throws ACODE-DB-007. Keyed, so that a host's own data source is never taken for acode's.
    /// </summary>
    public const string PostgresDataSourceKey = "Acode.Persistence.Postgres";

    /// <summary>
    /// Registers everything as <see cref="AddAcodePersistence(IServiceCollection, Workspace, PersistenceOptions)"/> does, with
    /// the options read exactly as the <c>acode</c> CLI reads them: <c>.agent/config.json</c> of <paramref name="workspace"/>,
    /// overridden by <c>ACODE_</c> environment variables and <c>ACODE_POSTGRES_URL</c> (see <see cref="AcodeConfiguration"/>).
    /// They are read and validated when the host starts (or when <see cref="IOptions{TOptions}"/> is first resolved
    /// without a host): an invalid setting stops start-up with an <see cref="OptionsValidationException"/> whose message is
    /// the CLI's ACODE-DB-007 text (key path, source, accepted values). Warnings (a password in the file) are logged.
    /// </summary>
    public static IServiceCollection AddAcodePersistence(this IServiceCollection services, Workspace workspace)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        return AddConfigured(services, workspace, () => new ConfigurationBuilder().AddAcodeWorkspaceConfiguration(workspace).Build());
    }

    /// <summary>
    /// As <see cref="AddAcodePersistence(IServiceCollection, Workspace)"/>, but the <c>persistence</c> section comes from the
    /// host's own <paramref name="configuration"/> (add the CLI's sources to it with
    /// <see cref="AcodeConfiguration.AddAcodeWorkspaceConfiguration"/>). Bound and validated key by key as the CLI does.
    /// </summary>
    public static IServiceCollection AddAcodePersistence(this IServiceCollection services, Workspace workspace, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return AddConfigured(services, workspace, () => configuration);
    }

    /// <summary>
    /// Adds <see cref="IRunStateStore"/>, <see cref="IOutbox"/> (and each of its roles: <see cref="IOutboxAppender"/>,
    /// <see cref="IOutboxClaims"/>, <see cref="IOutboxAdministration"/>, the same instance), <see cref="ISyncService"/>, the <see cref="SyncWorker"/>
    /// hosted service (idle when PostgreSQL is not configured), the <see cref="RetentionWorker"/> hosted service (idle unless
    /// <c>persistence:retention:olderThanDays</c> is set), health checks (<c>sqlite</c>, <c>outbox</c>, <c>postgres</c>; with
    /// <c>persistence:store:kind = postgres</c> only <c>postgres</c>, a <see cref="PostgresStoreHealthCheck"/> of the store's
    /// server, and no workspace file is opened) and metrics. The options are validated here, once (ACODE-DB-007 on a bad value); the database is opened and migrated when first resolved. The options are
    /// taken as given: neither <c>.agent/config.json</c> nor <c>ACODE_</c> variables are read (use
    /// <see cref="AddAcodePersistence(IServiceCollection, Workspace)"/> for the CLI's configuration). The connection string
    /// is parsed here too, so a bad one is refused at once rather than when the host starts; the error names
    /// "the PersistenceOptions passed to AddAcodePersistence" as the place to fix it.
    /// </summary>
    /// <exception cref="AcodeDbException">ACODE-DB-007 naming the first invalid setting of <paramref name="options"/>.</exception>
    public static IServiceCollection AddAcodePersistence(this IServiceCollection services, Workspace workspace, PersistenceOptions options)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        try
        {
            options.Validate();
            if (options.PostgresConfigured)
            {
                _ = PostgresConnectionSettings.From(options.Postgres!);
            }
        }
        catch (AcodeDbException ex)
        {
            throw AcodeErrors.SetInCode(ex);
        }

        services.AddSingleton(Options.Create(options));
        return AddCore(services, workspace);
    }

    private static IServiceCollection AddConfigured(IServiceCollection services, Workspace workspace, Func<IConfiguration> configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<PersistenceOptions>()
            .Configure<IServiceProvider>((options, provider) =>
            {
                try
                {
                    IReadOnlyList<string> warnings = AcodeConfiguration.Bind(configuration(), options);
                    ILogger logger = (provider.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance).CreateLogger(typeof(AcodeConfiguration));
                    foreach (string warning in warnings)
                    {
                        Log.ConfigurationWarning(logger, warning);
                    }
                }
                catch (AcodeDbException ex)
                {
                    PersistenceOptionsValidator.RecordLoadFailure(options, ex);
                }
            })
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<PersistenceOptions>, PersistenceOptionsValidator>();
        // One instance, read once: the one ValidateOnStart checked (IOptions<T> would otherwise bind a second copy).
        services.AddSingleton(sp => Options.Create(sp.GetRequiredService<IOptionsMonitor<PersistenceOptions>>().CurrentValue));
        return AddCore(services, workspace);
    }

    private static IServiceCollection AddCore(IServiceCollection services, Workspace workspace)
    {
        ArgumentNullException.ThrowIfNull(workspace);

        // Every registration is TryAdd: what the host registered first (its TimeProvider, a store, the workspace
        // database…) is what everything here is built with. ILoggerFactory and IMeterFactory are only ever read.
        services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<PersistenceOptions>>().Value);
        services.TryAddSingleton(sp => sp.GetRequiredService<PersistenceOptions>().Sync);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new HybridClock(sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<OutboxSignal>();
        services.TryAddSingleton(sp => new AcodeMetrics(sp.GetService<IMeterFactory>()));
        services.TryAddSingleton<ISecretRedactor>(sp => new DeferredSecretRedactor(sp.GetRequiredService<PersistenceOptions>().Redaction));

        // The workspace file and what reads or writes it.
        services.TryAddSingleton(sp => SqliteWorkspaceDatabase.Open(
            workspace, sp.GetRequiredService<PersistenceOptions>().Sqlite, sp.GetService<ILoggerFactory>(), sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(sp => new SqliteRunStateStore(
            sp.GetRequiredService<SqliteWorkspaceDatabase>(), sp.GetRequiredService<HybridClock>(), sp.GetRequiredService<OutboxSignal>(), sp.GetRequiredService<AcodeMetrics>(),
            sp.GetRequiredService<ISecretRedactor>(), sp.GetRequiredService<PersistenceOptions>().Store.BlobThresholdBytes));
        services.TryAddSingleton(sp => new SqliteOutbox(sp.GetRequiredService<SqliteWorkspaceDatabase>()));
        services.TryAddSingleton<IOutbox>(sp => sp.GetRequiredService<SqliteOutbox>());
        services.TryAddSingleton<IOutboxAppender>(sp => sp.GetRequiredService<IOutbox>());
        services.TryAddSingleton<IOutboxClaims>(sp => sp.GetRequiredService<IOutbox>());
        services.TryAddSingleton<IOutboxAdministration>(sp => sp.GetRequiredService<IOutbox>());
        services.TryAddSingleton(sp => new SqliteSessionSearch(sp.GetRequiredService<SqliteWorkspaceDatabase>()));
        services.TryAddSingleton(sp => new ClaudeCodeTranscriptImporter(sp.GetRequiredService<IRunStateStore>(), sp.GetRequiredService<IRemovedImportLog>()));
        services.TryAddSingleton(sp => new CodexTranscriptImporter(sp.GetRequiredService<IRunStateStore>(), sp.GetRequiredService<IRemovedImportLog>()));
        services.TryAddSingleton<IImportSourceReader>(sp => new SqliteImportSourceReader(sp.GetRequiredService<SqliteWorkspaceDatabase>()));
        services.TryAddSingleton(sp => new SessionPruner(
            sp.GetRequiredService<SqliteRunStateStore>(), sp.GetRequiredService<SqliteWorkspaceDatabase>(), sp.GetRequiredService<PersistenceOptions>().PostgresConfigured));

        // The configured PostgreSQL: one connection pool (keyed, so that a host's own NpgsqlDataSource stays its own).
        services.TryAddKeyedSingleton(PostgresDataSourceKey, (sp, _) => PostgresDataSourceFactory.Create(
            sp.GetRequiredService<PersistenceOptions>().Postgres is { IsConfigured: true } postgres ? PostgresConnectionSettings.From(postgres) : throw AcodeErrors.PostgresNotConfigured(),
            sp.GetService<ILoggerFactory>()));
        services.TryAddSingleton(sp => new PostgresMigrator(
            logger: (sp.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance).CreateLogger<PostgresMigrator>(), time: sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(sp => new PostgresRunStateStore(
            sp.GetRequiredKeyedService<NpgsqlDataSource>(PostgresDataSourceKey), sp.GetRequiredService<PersistenceOptions>().Store.Origin ?? PostgresStoreOrigin.Default,
            sp.GetRequiredService<HybridClock>(), sp.GetRequiredService<PostgresMigrator>(), sp.GetRequiredService<ISecretRedactor>(),
            sp.GetRequiredService<PersistenceOptions>().Store.BlobThresholdBytes));
        services.TryAddSingleton(sp => new PostgresSessionSearch(sp.GetRequiredKeyedService<NpgsqlDataSource>(PostgresDataSourceKey)));
        services.TryAddSingleton(sp => new PostgresImportSourceReader(
            sp.GetRequiredKeyedService<NpgsqlDataSource>(PostgresDataSourceKey), PostgresConnectionSettings.From(sp.GetRequiredService<PersistenceOptions>().Postgres!).Redacted));
        services.TryAddSingleton<ISyncConflictReader>(sp => new PostgresSyncConflictReader(
            sp.GetRequiredKeyedService<NpgsqlDataSource>(PostgresDataSourceKey), PostgresConnectionSettings.From(sp.GetRequiredService<PersistenceOptions>().Postgres!).Redacted));

        // The workspace's own log (session delete works on the workspace whatever the store kind).
        services.TryAddSingleton(sp => new SqliteRemovedImportLog(sp.GetRequiredService<SqliteWorkspaceDatabase>()));

        // The ports, on the store persistence:store:kind names.
        services.TryAddSingleton<IRunStateStore>(sp => UsesPostgresStore(sp) ? sp.GetRequiredService<PostgresRunStateStore>() : sp.GetRequiredService<SqliteRunStateStore>());
        services.TryAddSingleton<ISessionSearch>(sp => UsesPostgresStore(sp) ? sp.GetRequiredService<PostgresSessionSearch>() : sp.GetRequiredService<SqliteSessionSearch>());
        services.TryAddSingleton<IRemovedImportLog>(sp => UsesPostgresStore(sp)
            ? new PostgresRemovedImportLog(
                sp.GetRequiredKeyedService<NpgsqlDataSource>(PostgresDataSourceKey), PostgresConnectionSettings.From(sp.GetRequiredService<PersistenceOptions>().Postgres!).Redacted)
            : sp.GetRequiredService<SqliteRemovedImportLog>());

        // The sync of the workspace's outbox (reports "not configured" without PostgreSQL).
        services.TryAddSingleton(sp => new PostgresBlobUploader(sp.GetRequiredService<SqliteWorkspaceDatabase>()));
        services.TryAddSingleton(sp =>
        {
            PersistenceOptions options = sp.GetRequiredService<PersistenceOptions>();
            PostgresConnectionSettings? target = options.Postgres is { IsConfigured: true } pg ? PostgresConnectionSettings.From(pg) : null;
            // The keyed pool is resolved only when PostgreSQL is configured: resolving it without throws ACODE-DB-007.
            NpgsqlDataSource? dataSource = target is null ? null : sp.GetRequiredKeyedService<NpgsqlDataSource>(PostgresDataSourceKey);
            return new OutboxSyncService(
                sp.GetRequiredService<SqliteWorkspaceDatabase>(), sp.GetRequiredService<IOutbox>(), target, dataSource, sp.GetRequiredService<PostgresMigrator>(),
                sp.GetRequiredService<PostgresBlobUploader>(), options.Sync, sp.GetRequiredService<HybridClock>(), sp.GetRequiredService<AcodeMetrics>());
        });
        services.TryAddSingleton<ISyncService>(sp => sp.GetRequiredService<OutboxSyncService>());
        services.TryAddSingleton(sp => new SyncLoop(
            sp.GetRequiredService<ISyncService>(), sp.GetRequiredService<OutboxSignal>(), sp.GetRequiredService<SyncOptions>(),
            (sp.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance).CreateLogger<SyncLoop>(), sp.GetRequiredService<TimeProvider>()));

        // With the PostgreSQL store there is no workspace file, outbox or sync: the workers stay idle and open nothing.
        services.AddSingleton<IHostedService>(sp => UsesPostgresStore(sp)
            ? new IdleHostedService()
            : new SyncWorker(
                sp.GetRequiredService<SyncLoop>, sp.GetRequiredService<PersistenceOptions>().PostgresConfigured,
                (sp.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance).CreateLogger<SyncWorker>()));
        services.TryAddSingleton(sp => new RetentionWorker(
            () => UsesPostgresStore(sp) ? null : sp.GetRequiredService<SessionPruner>(), sp.GetRequiredService<PersistenceOptions>(), sp.GetRequiredService<TimeProvider>(),
            (sp.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance).CreateLogger<RetentionWorker>()));
        services.AddSingleton<IHostedService>(sp => UsesPostgresStore(sp) ? new IdleHostedService() : sp.GetRequiredService<RetentionWorker>());
        services.AddHealthChecks()
            .AddCheck<SqliteHealthCheck>(SqliteCheck)
            .Add(new HealthCheckRegistration(
                OutboxCheck,
                sp => new OutboxHealthCheck(sp.GetRequiredService<IOutbox>(), sp.GetRequiredService<TimeProvider>(), StuckBacklogAfter) { Sync = sp.GetRequiredService<SyncLoop>() },
                failureStatus: null,
                tags: null))
            .AddCheck<PostgresHealthCheck>(PostgresCheck);

        // With the PostgreSQL store there is no workspace file, outbox or sync to check: one check, of the store's server.
        services.AddOptions<HealthCheckServiceOptions>().Configure<IOptions<PersistenceOptions>>((health, persistence) =>
        {
            if (persistence.Value.Store.Kind != RunStateStoreKind.Postgres)
            {
                return;
            }

            foreach (HealthCheckRegistration registration in health.Registrations.Where(r => r.Name is SqliteCheck or OutboxCheck or PostgresCheck).ToList())
            {
                health.Registrations.Remove(registration);
            }

            health.Registrations.Add(new HealthCheckRegistration(PostgresCheck,
                sp => new PostgresStoreHealthCheck(sp.GetRequiredKeyedService<NpgsqlDataSource>(PostgresDataSourceKey), sp.GetRequiredService<PostgresMigrator>()), failureStatus: null, tags: null));
        });
        return services;
    }

    private const string SqliteCheck = "sqlite";
    private const string OutboxCheck = "outbox";
    private const string PostgresCheck = "postgres";

    private static bool UsesPostgresStore(IServiceProvider provider) => provider.GetRequiredService<PersistenceOptions>().Store.Kind == RunStateStoreKind.Postgres;
}
