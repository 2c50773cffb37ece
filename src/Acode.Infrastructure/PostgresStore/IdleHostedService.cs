using Microsoft.Extensions.Hosting;

namespace Acode.Infrastructure.PostgresStore;

/// <summary>Stands in for the SQLite-side workers (sync, retention) when the host's store is PostgreSQL: there is no outbox and no workspace file to work on.</summary>
internal sealed class IdleHostedService : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
