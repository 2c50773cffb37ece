using Acode.Application;
using Acode.Application.Options;
using Acode.Application.Outbox;
using Acode.Application.Sync;
using Acode.Domain.Time;
using Acode.Infrastructure.Health;
using Acode.Infrastructure.Postgres;
using Acode.Infrastructure.Sqlite;
using Acode.Infrastructure.Sync;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Acode.Infrastructure;

/// <summary>Registers the run-state store, the outbox, the sync worker, health checks and metrics in an agent host.</summary>
public static class PersistenceServiceCollectionExtensions
{
    /// <summary>How old the oldest pending outbox record may get before the outbox health check reports a stuck backlog.</summary>
    public static readonly TimeSpan StuckBacklogAfter = TimeSpan.FromMinutes(15);

    /// <summary>
    /// Adds <see cref="IRunStateStore"/>, <see cref="IOutbox"/>, <see cref="ISyncService"/> and, when PostgreSQL is configured,
    /// the <see cref="SyncWorker"/> hosted service. The options are validated here, once (ACODE-DB-007 on a bad value);
    /// the database is opened and migrated when first resolved.
    /// </summary>
    public static IServiceCollection AddAcodePersistence(this IServiceCollection services, Workspace workspace, PersistenceOptions options)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(workspace);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        PostgresConnectionSettings? target = options.Postgres is { IsConfigured: true } pg ? PostgresConnectionSettings.From(pg) : null;

        services.AddSingleton(options);
        services.AddSingleton(options.Sync);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(sp => new HybridClock(sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<OutboxSignal>();
        services.AddSingleton<AcodeMetrics>();
        services.AddSingleton(sp => SqliteWorkspaceDatabase.Open(workspace, options.Sqlite, sp.GetService<ILoggerFactory>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IRunStateStore>(sp => new SqliteRunStateStore(
            sp.GetRequiredService<SqliteWorkspaceDatabase>(), sp.GetRequiredService<HybridClock>(), sp.GetRequiredService<OutboxSignal>(), sp.GetRequiredService<AcodeMetrics>()));
        services.AddSingleton<IOutbox>(sp => new SqliteOutbox(sp.GetRequiredService<SqliteWorkspaceDatabase>()));
        services.AddSingleton<ISyncService>(sp => new OutboxSyncService(
            sp.GetRequiredService<SqliteWorkspaceDatabase>(), target, options.Sync, sp.GetRequiredService<HybridClock>(), sp.GetRequiredService<AcodeMetrics>()));
        services.AddSingleton(sp => new SyncLoop(
            sp.GetRequiredService<ISyncService>(), sp.GetRequiredService<OutboxSignal>(), options.Sync,
            sp.GetRequiredService<ILoggerFactory>().CreateLogger<SyncLoop>(), sp.GetRequiredService<TimeProvider>()));
        if (target is not null)
        {
            services.AddHostedService<SyncWorker>();
        }

        services.AddHealthChecks()
            .AddCheck<SqliteHealthCheck>("sqlite")
            .AddTypeActivatedCheck<OutboxHealthCheck>("outbox", StuckBacklogAfter)
            .AddCheck<PostgresHealthCheck>("postgres");
        return services;
    }
}
