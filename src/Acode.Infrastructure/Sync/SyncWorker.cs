using Acode.Application.Errors;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Acode.Infrastructure.Sync;

/// <summary>
/// The background worker that drains the outbox while the agent host runs (AC-036); idle when no PostgreSQL is configured.
/// When the loop ends for good (<see cref="SyncLoop.EndsTheLoop"/>: ACODE-DB-004, a newer acode migrated the workspace or
/// PostgreSQL; ACODE-DB-002, the workspace is damaged) the worker logs it once as an error and stops syncing; the host goes
/// on (the <c>outbox</c> health check reports it Unhealthy), and syncs again once restarted after the upgrade or repair.
/// </summary>
internal sealed class SyncWorker : BackgroundService
{
    private readonly Func<SyncLoop> _createLoop;
    private readonly bool _enabled;
    private readonly ILogger _logger;
    private SyncLoop? _loop;

    public SyncWorker(SyncLoop loop, bool enabled = true)
        : this(() => loop, enabled, NullLogger.Instance)
    {
        ArgumentNullException.ThrowIfNull(loop);
    }

    /// <summary>
    /// Builds the loop (and so opens and migrates the workspace database) only when the worker starts, not when the host
    /// builds its hosted services: by then an OpenTelemetry host has its providers, so the start-up migrations are traced.
    /// </summary>
    internal SyncWorker(Func<SyncLoop> loop, bool enabled, ILogger logger)
    {
        _createLoop = loop;
        _enabled = enabled;
        _logger = logger;
    }

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // Built even when idle, before StartAsync returns (ExecuteAsync runs in the background): opening the database
        // makes the outbox gauges live from the host's start.
        _loop = _createLoop();
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_enabled)
        {
            return;
        }

        try
        {
            await _loop!.RunAsync(null, stoppingToken).ConfigureAwait(false);
        }
        catch (AcodeDbException ex) when (ReferenceEquals(ex, _loop!.StoppedBy))
        {
            // Not rethrown: an exception out of ExecuteAsync stops the whole host (BackgroundServiceExceptionBehavior.StopHost).
            Log.SyncStopped(_logger, ex.Code, ex.Message.TrimEnd('.'), ex.Hint);
        }
    }
}
