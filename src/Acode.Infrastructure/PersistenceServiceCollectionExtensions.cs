using Acode.Application;
using Acode.Application.Options;
using Acode.Application.Outbox;
using Acode.Application.Errors;
using Acode.Application.Sync;
using Acode.Domain.Time;
using Acode.Infrastructure.Configuration;
using Acode.Infrastructure.Health;
using Acode.Infrastructure.Postgres;
using Acode.Infrastructure.PostgresStore;
using Acode.Infrastructure.Retention;
using Acode.Infrastructure.Sqlite;
using Acode.Infrastructure.Sync;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Acode.Infrastructure;

/// <summary>Registers the run-state store, the outbox, the sync worker, health checks and metrics in an agent host.</summary>
public static class PersistenceServiceCollectionExtensions
{
    /// <summary>How old the oldest pending outbox record may get before the outbox health check reports a stuck backlog.</summary>
    public static readonly TimeSpan StuckBacklogAfter = TimeSpan.FromMinutes(15);

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
    /// Adds <see cref="IRunStateStore"/>, <see cref="IOutbox"/>, <see cref="ISyncService"/>, the <see cref="SyncWorker"/>
    /// hosted service (idle when PostgreSQL is not configured), the <see cref="RetentionWorker"/> hosted service (idle unless
    /// <c>persistence:retention:olderThanDays</c> is set), health checks and metrics. The options are validated
    /// here, once (ACODE-DB-007 on a bad value); the database is opened and migrated when first resolved. The options are
    /// taken as given: neither <c>.agent/config.json</c> nor <c>ACODE_</c> variables are read (use
    /// <see cref="AddAcodePersistence(IServiceCollection, Workspace)"/> for the CLI's configuration).
    /// </summary>
    public static IServiceCollection AddAcodePersistence(this IServiceCollection services, Workspace workspace, PersistenceOptions options)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
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
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<PersistenceOptions>>().Value);
        services.AddSingleton(sp => sp.GetRequiredService<PersistenceOptions>().Sync);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(sp => new HybridClock(sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<OutboxSignal>();
        services.AddSingleton<AcodeMetrics>();
        services.AddSingleton(sp => SqliteWorkspaceDatabase.Open(
            workspace, sp.GetRequiredService<PersistenceOptions>().Sqlite, sp.GetService<ILoggerFactory>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IRunStateStore>(sp => UsesPostgresStore(sp)
            ? new PostgresRunStateStore(PostgresDataSourceFactory.Create(sp.GetRequiredService<PersistenceOptions>().Postgres!, sp.GetService<ILoggerFactory>()),
                sp.GetRequiredService<PersistenceOptions>().Store.Origin ?? PostgresStoreOrigin.Default, sp.GetRequiredService<HybridClock>(),
                new Migrations.PostgresMigrator(logger: (sp.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance).CreateLogger<Migrations.PostgresMigrator>()),
                Application.Redaction.SecretRedactor.From(sp.GetRequiredService<PersistenceOptions>().Redaction), sp.GetRequiredService<PersistenceOptions>().Store.BlobThresholdBytes)
            : new SqliteRunStateStore(
                sp.GetRequiredService<SqliteWorkspaceDatabase>(), sp.GetRequiredService<HybridClock>(), sp.GetRequiredService<OutboxSignal>(), sp.GetRequiredService<AcodeMetrics>(),
                Application.Redaction.SecretRedactor.From(sp.GetRequiredService<PersistenceOptions>().Redaction), sp.GetRequiredService<PersistenceOptions>().Store.BlobThresholdBytes));
        services.AddSingleton<IOutbox>(sp => new SqliteOutbox(sp.GetRequiredService<SqliteWorkspaceDatabase>()));
        services.AddSingleton<ISyncService>(sp =>
        {
            PersistenceOptions options = sp.GetRequiredService<PersistenceOptions>();
            PostgresConnectionSettings? target = options.Postgres is { IsConfigured: true } pg ? PostgresConnectionSettings.From(pg) : null;
            return new OutboxSyncService(sp.GetRequiredService<SqliteWorkspaceDatabase>(), target, options.Sync, sp.GetRequiredService<HybridClock>(), sp.GetRequiredService<AcodeMetrics>());
        });
        services.AddSingleton(sp => new SyncLoop(
            sp.GetRequiredService<ISyncService>(), sp.GetRequiredService<OutboxSignal>(), sp.GetRequiredService<SyncOptions>(),
            (sp.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance).CreateLogger<SyncLoop>(), sp.GetRequiredService<TimeProvider>()));
        // With the PostgreSQL store there is no workspace file, outbox or sync: the workers stay idle and open nothing.
        services.AddSingleton<IHostedService>(sp => UsesPostgresStore(sp)
            ? new IdleHostedService()
            : new SyncWorker(sp.GetRequiredService<SyncLoop>, sp.GetRequiredService<PersistenceOptions>().PostgresConfigured));
        services.AddSingleton(sp => new RetentionWorker(
            sp.GetRequiredService<IRunStateStore>, sp.GetRequiredService<SqliteWorkspaceDatabase>, sp.GetRequiredService<PersistenceOptions>(), sp.GetRequiredService<TimeProvider>(),
            (sp.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance).CreateLogger<RetentionWorker>()));
        services.AddSingleton<IHostedService>(sp => UsesPostgresStore(sp) ? new IdleHostedService() : sp.GetRequiredService<RetentionWorker>());
        services.AddHealthChecks()
            .AddCheck<SqliteHealthCheck>("sqlite")
            .AddTypeActivatedCheck<OutboxHealthCheck>("outbox", StuckBacklogAfter)
            .AddCheck<PostgresHealthCheck>("postgres");
        return services;
    }

    private static bool UsesPostgresStore(IServiceProvider provider) => provider.GetRequiredService<PersistenceOptions>().Store.Kind == RunStateStoreKind.Postgres;
}
