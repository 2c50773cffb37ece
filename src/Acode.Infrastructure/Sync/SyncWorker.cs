using Microsoft.Extensions.Hosting;

namespace Acode.Infrastructure.Sync;

/// <summary>The background worker that drains the outbox while the agent host runs (AC-036); idle when no PostgreSQL is configured.</summary>
internal sealed class SyncWorker : BackgroundService
{
    private readonly Func<SyncLoop> _createLoop;
    private readonly bool _enabled;
    private SyncLoop? _loop;

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
        _createLoop = loop;
        _enabled = enabled;
    }

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // Built even when idle, before StartAsync returns (ExecuteAsync runs in the background): opening the database
        // makes the outbox gauges live from the host's start.
        _loop = _createLoop();
        return base.StartAsync(cancellationToken);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => _enabled ? _loop!.RunAsync(null, stoppingToken) : Task.CompletedTask;
}
