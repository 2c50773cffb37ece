using Acode.Application;
using Acode.Application.Errors;
using Acode.Application.Options;
using Acode.Application.Serialization;
using Acode.Infrastructure.Sqlite;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Acode.Infrastructure.Retention;

/// <summary>
/// Applies <c>persistence:retention</c> while the agent host runs: on start and then once every <see cref="Interval"/>, removes
/// the local sessions last changed more than <see cref="RetentionOptions.OlderThanDays"/> days ago (in its states, when any),
/// as <c>acode db prune</c> without <c>--remote</c> does: never a session with undelivered changes (when PostgreSQL is
/// configured), PostgreSQL keeps its copies, the freed pages go back to the file system. It never rewrites an older
/// <c>auto_vacuum=NONE</c> database under a running agent: that conversion is left to <c>acode db prune</c>. Idle when retention is off.
/// </summary>
internal sealed class RetentionWorker : BackgroundService
{
    /// <summary>How often retention runs.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    private readonly Lazy<SessionPruner?> _pruner;
    private readonly PersistenceOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    /// <param name="pruner">The workspace's pruner, resolved when retention first runs (not when the host builds its services,
    /// so a host's telemetry is listening before the workspace is opened and migrated); null when the store is not the
    /// SQLite one.</param>
    /// <param name="options">The persistence options; retention is off unless <c>persistence:retention:olderThanDays</c> is set.</param>
    /// <param name="time">The clock of the cutoff and the interval.</param>
    /// <param name="logger">Where removals are reported.</param>
    public RetentionWorker(Func<SessionPruner?> pruner, PersistenceOptions options, TimeProvider time, ILogger<RetentionWorker> logger)
    {
        _pruner = new Lazy<SessionPruner?>(pruner);
        _options = options;
        _time = time;
        _logger = logger;
    }

    /// <summary>Runs retention once now; null when it is off (or the store is not the SQLite one).</summary>
    /// <exception cref="AcodeDbException">ACODE-DB-001, 002, 005.</exception>
    public async Task<PruneReport?> RunOnceAsync(CancellationToken cancellationToken = default)
    {
        RetentionOptions retention = _options.Retention;
        if (!retention.Enabled || _pruner.Value is not { } pruner)
        {
            return null;
        }

        DateTimeOffset cutoff = _time.GetUtcNow().AddDays(-retention.OlderThanDays);
        var request = new PruneRequest { Before = cutoff, States = retention.ParsedStates, AllowConversion = false, Reason = "retention" };
        PruneReport report = await pruner.PruneAsync(request, cancellationToken).ConfigureAwait(false);
        if (report.Removed.Count > 0 || report.KeptUnsynced.Count > 0)
        {
            RetentionLog.Pruned(_logger, report.Removed.Count, UtcTimestamp.Format(cutoff), report.KeptUnsynced.Count, report.Space?.BytesFreed ?? 0);
        }

        if (report.Space?.Note is { } note && report.Removed.Count > 0)
        {
            RetentionLog.Note(_logger, note);
        }

        return report;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.Retention.Enabled)
        {
            return;
        }

        // SQLite work is synchronous: let the host finish starting first.
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunOnceAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (AcodeDbException ex)
            {
                RetentionLog.Failed(_logger, $"{ex.Code}: {ex.Message}", ex);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }

            try
            {
                await Task.Delay(Interval, _time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
