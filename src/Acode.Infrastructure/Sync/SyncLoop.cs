using Acode.Application.Errors;
using Acode.Application.Sync;
using Microsoft.Extensions.Logging;

namespace Acode.Infrastructure.Sync;

/// <summary>
/// Keeps the outbox drained: run a sync; then sleep until a save wakes it or the poll interval passes. While
/// PostgreSQL is unreachable (a paused run) it backs off 1 s, 2 s, 4 s … up to 60 s between probes — the
/// circuit breaker — and resets once a run gets through. Errors are caught per run so the loop survives;
/// cancellation is a normal exit. Used by <see cref="SyncWorker"/> and <c>acode db sync --watch</c>.
/// </summary>
/// <remarks>
/// Two errors end the loop instead (<see cref="EndsTheLoop"/>), since no retry can clear them: ACODE-DB-004, a newer acode
/// migrated the workspace or PostgreSQL (only upgrading this acode helps), and ACODE-DB-002, the workspace's schema or pages
/// are damaged (only a repair helps). Everything else, ACODE-DB-003 included (a PostgreSQL migration that failed, e.g. for a
/// privilege an administrator can still grant), is retried with the backoff. docs/reliability.md, "A sync that cannot go on".
/// </remarks>
internal sealed class SyncLoop
{
    public static readonly TimeSpan FirstOutageDelay = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan MaxOutageDelay = TimeSpan.FromSeconds(60);

    private readonly ISyncService _sync;
    private readonly OutboxSignal _signal;
    private readonly SyncOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;

    /// <summary>The error that ended the loop for good (<see cref="EndsTheLoop"/>), or null while it runs or after a normal stop.</summary>
    public AcodeDbException? StoppedBy { get; private set; }

    /// <summary>
    /// True for an error no retry can clear: ACODE-DB-004 (a schema newer than this program, in the workspace or in PostgreSQL)
    /// and ACODE-DB-002 (the workspace database damaged: a trigger or index missing, damaged pages).
    /// </summary>
    public static bool EndsTheLoop(Exception error)
        => error is AcodeDbException { ErrorCode: AcodeErrorCode.SchemaTooNew or AcodeErrorCode.NotAnAcodeDatabase };

    public SyncLoop(ISyncService sync, OutboxSignal signal, SyncOptions options, ILogger logger, TimeProvider? time = null)
    {
        _sync = sync;
        _signal = signal;
        _options = options;
        _logger = logger;
        _time = time ?? TimeProvider.System;
    }

    /// <param name="onRun">Called after every run (for progress output).</param>
    /// <param name="cancellationToken">Stops the loop; the batch in flight is rolled back and released.</param>
    /// <param name="onError">Called with a run's error (other than an outage, which is a paused run) and the delay before the
    /// next try, besides the log line: <c>db sync --watch</c> says it on its own output, as its log is for <c>--verbose</c>.</param>
    /// <exception cref="AcodeDbException">ACODE-DB-004 or ACODE-DB-002 (<see cref="EndsTheLoop"/>): the loop ended, and
    /// <see cref="StoppedBy"/> holds the error. It is not logged here: the caller reports it once.</exception>
    public async Task RunAsync(Action<SyncRunResult>? onRun, CancellationToken cancellationToken, Action<Exception, TimeSpan>? onError = null)
    {
        TimeSpan outageDelay = TimeSpan.Zero;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                SyncRunResult result = await _sync.SyncAsync(null, cancellationToken).ConfigureAwait(false);
                onRun?.Invoke(result);
                if (result.Paused)
                {
                    outageDelay = outageDelay == TimeSpan.Zero ? FirstOutageDelay : TimeSpan.FromTicks(Math.Min(outageDelay.Ticks * 2, MaxOutageDelay.Ticks));
                    await Task.Delay(outageDelay, _time, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                outageDelay = TimeSpan.Zero;
                await _signal.WaitAsync(_options.PollInterval, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (AcodeDbException ex) when (EndsTheLoop(ex))
            {
                StoppedBy = ex;
                throw;
            }
            catch (Exception ex)
            {
                outageDelay = outageDelay == TimeSpan.Zero ? FirstOutageDelay : TimeSpan.FromTicks(Math.Min(outageDelay.Ticks * 2, MaxOutageDelay.Ticks));
                Log.WorkerError(_logger, outageDelay, ex);
                onError?.Invoke(ex, outageDelay);
                try
                {
                    await Task.Delay(outageDelay, _time, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }
}
