using Microsoft.Extensions.Hosting;

namespace Acode.Infrastructure.Sync;

/// <summary>The background worker that drains the outbox while the agent host runs (AC-036).</summary>
public sealed class SyncWorker : BackgroundService
{
    private readonly SyncLoop _loop;

    public SyncWorker(SyncLoop loop) => _loop = loop;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => _loop.RunAsync(null, stoppingToken);
}
