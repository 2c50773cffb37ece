using Acode.Application;
using Acode.Application.Options;
using Acode.Application.Outbox;
using Acode.Application.Sync;
using Acode.Domain.Time;
using Acode.Infrastructure.Health;
using Acode.Infrastructure.Postgres;
using Acode.Infrastructure.Sqlite;
using Acode.Infrastructure.Sync;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Acode.Infrastructure;

/// <summary>Registers the run-state store, the outbox, the sync worker, health checks and metrics in an agent host.</summary>
public static class PersistenceServiceCollectionExtensions
{
    /// <summary>How old the oldest pending outbox record may get before the outbox health check reports a stuck backlog.</summary>
    public static readonly TimeSpan StuckBacklogAfter = TimeSpan.FromMinutes(15);

    /// <summary>
    /// Binds <see cref="PersistenceOptions"/> from the <c>persistence</c> section of <paramref name="configuration"/>, lets
    /// <c>ACODE_POSTGRES_URL</c> override the connection string (AC-024), and validates the options once, when the host
    /// starts (a bad value stops start-up with the ACODE-DB-007 text naming the key). Then registers everything as
    /// <see cref="AddAcodePersistence(IServiceCollection, Workspace, PersistenceOptions)"/> does.
    /// </summary>
    public static IServiceCollection AddAcodePersistence(this IServiceCollection services, Workspace workspace, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<PersistenceOptions>()
            .Bind(configuration.GetSection(PersistenceOptions.SectionName))
            .PostConfigure(options => PostgresConfiguration.Apply(
                options,
                configuration[PostgresOptions.ConnectionStringKey],
                Environment.GetEnvironmentVariable(PostgresOptions.EnvironmentVariable),
                "configuration"))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<PersistenceOptions>, PersistenceOptionsValidator>();
        return AddCore(services, workspace);
    }

    /// <summary>
    /// Adds <see cref="IRunStateStore"/>, <see cref="IOutbox"/>, <see cref="ISyncService"/>, the <see cref="SyncWorker"/>
    /// hosted service (idle when PostgreSQL is not configured), health checks and metrics. The options are validated
    /// here, once (ACODE-DB-007 on a bad value); the database is opened and migrated when first resolved.
    /// </summary>
    public static IServiceCollection AddAcodePersistence(this IServiceCollection services, Workspace workspace, PersistenceOptions options)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        services.AddSingleton(Options.Create(options));
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
        services.AddSingleton<IRunStateStore>(sp => new SqliteRunStateStore(
            sp.GetRequiredService<SqliteWorkspaceDatabase>(), sp.GetRequiredService<HybridClock>(), sp.GetRequiredService<OutboxSignal>(), sp.GetRequiredService<AcodeMetrics>(),
            Application.Redaction.SecretRedactor.From(sp.GetRequiredService<PersistenceOptions>().Redaction)));
        services.AddSingleton<IOutbox>(sp => new SqliteOutbox(sp.GetRequiredService<SqliteWorkspaceDatabase>()));
        services.AddSingleton<ISyncService>(sp =>
        {
            PersistenceOptions options = sp.GetRequiredService<PersistenceOptions>();
            PostgresConnectionSettings? target = options.Postgres is { IsConfigured: true } pg ? PostgresConnectionSettings.From(pg) : null;
            return new OutboxSyncService(sp.GetRequiredService<SqliteWorkspaceDatabase>(), target, options.Sync, sp.GetRequiredService<HybridClock>(), sp.GetRequiredService<AcodeMetrics>());
        });
        services.AddSingleton(sp => new SyncLoop(
            sp.GetRequiredService<ISyncService>(), sp.GetRequiredService<OutboxSignal>(), sp.GetRequiredService<SyncOptions>(),
            (sp.GetService<ILoggerFactory>() ?? Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance).CreateLogger<SyncLoop>(), sp.GetRequiredService<TimeProvider>()));
        services.AddHostedService(sp => new SyncWorker(sp.GetRequiredService<SyncLoop>(), sp.GetRequiredService<PersistenceOptions>().PostgresConfigured));
        services.AddHealthChecks()
            .AddCheck<SqliteHealthCheck>("sqlite")
            .AddTypeActivatedCheck<OutboxHealthCheck>("outbox", StuckBacklogAfter)
            .AddCheck<PostgresHealthCheck>("postgres");
        return services;
    }
}
