using Microsoft.Extensions.Hosting;

namespace Acode.Infrastructure.Sync;

/// <summary>The background worker that drains the outbox while the agent host runs (AC-036); idle when no PostgreSQL is configured.</summary>
public sealed class SyncWorker : BackgroundService
{
    private readonly Func<SyncLoop> _loop;
    private readonly bool _enabled;

    public SyncWorker(SyncLoop loop, bool enabled = true)
        : this(() => loop, enabled)
    {
        ArgumentNullException.ThrowIfNull(loop);
    }

    /// <summary>
    /// Builds the loop (and so opens and migrates the workspace database) only when the worker starts, not when the host
    /// builds its hosted services: by then an OpenTelemetry host has its providers, so the start-up migrations are traced.
    /// </summary>
    internal SyncWorker(Func<SyncLoop> loop, bool enabled)
    {
        _loop = loop;
        _enabled = enabled;
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => _enabled ? _loop().RunAsync(null, stoppingToken) : Task.CompletedTask;
}
