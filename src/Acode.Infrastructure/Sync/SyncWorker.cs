using Microsoft.Extensions.Hosting;

namespace Acode.Infrastructure.Sync;

/// <summary>The background worker that drains the outbox while the agent host runs (AC-036); idle when no PostgreSQL is configured.</summary>
public sealed class SyncWorker : BackgroundService
{
    private readonly SyncLoop _loop;
    private readonly bool _enabled;

    public SyncWorker(SyncLoop loop, bool enabled = true)
    {
        _loop = loop;
        _enabled = enabled;
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => _enabled ? _loop.RunAsync(null, stoppingToken) : Task.CompletedTask;
}
