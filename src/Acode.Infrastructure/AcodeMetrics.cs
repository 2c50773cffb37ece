using System.Diagnostics.Metrics;
using Acode.Infrastructure.Sqlite;
using Acode.Infrastructure.Sync;

namespace Acode.Infrastructure;

/// <summary>
/// The <c>System.Diagnostics.Metrics</c> instruments of the persistence layer (meter <see cref="MeterName"/>, versioned
/// with <see cref="AcodeTelemetry.Version"/>), ready for an OpenTelemetry exporter: saves and their latency, outbox depth
/// and dead letters, sync throughput, batch duration and lag, retries, conflicts and clock-skew warnings.
/// </summary>
/// <remarks>
/// <para>Every duration is in seconds (unit <c>s</c>, as the OpenTelemetry semantic conventions ask), with bucket
/// boundaries advised for the range it lives in. <c>acode.store.save.duration</c> was in milliseconds before issue 11 (unit <c>ms</c>).</para>
/// <para>
/// The observable gauges (<c>acode.outbox.depth</c>, <c>acode.outbox.dead_letters</c>,
/// <c>acode.outbox.oldest_pending_age</c>) read the workspace database when they are observed, one index search each,
/// so they are live whether or not a sync runs or PostgreSQL is configured. They read the database given to
/// <see cref="ReadOutboxFrom"/> (the store and the sync service do this when they are built with these metrics); until
/// then, and when the database cannot be read, they report no measurement.</para>
/// </remarks>
public sealed class AcodeMetrics : IDisposable
{
    /// <summary>The meter's name, <see cref="AcodeTelemetry.Name"/>.</summary>
    public const string MeterName = AcodeTelemetry.Name;

    // Saves take a few milliseconds and up to the busy timeout; a sync batch up to its lease; lag up to hours offline.
    private static readonly InstrumentAdvice<double> SaveBuckets = new() { HistogramBucketBoundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] };
    private static readonly InstrumentAdvice<double> BatchBuckets = new() { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60] };
    private static readonly InstrumentAdvice<double> LagBuckets = new() { HistogramBucketBoundaries = [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 900, 3600, 21600, 86400] };

    private readonly Meter _meter;
    private readonly Counter<long> _saves;
    private readonly Histogram<double> _saveDuration;
    private readonly Counter<long> _delivered;
    private readonly Histogram<double> _syncLag;
    private readonly Histogram<double> _batchDuration;
    private readonly Counter<long> _retries;
    private readonly Counter<long> _deadLetters;
    private readonly Counter<long> _conflicts;
    private readonly Counter<long> _clockSkew;
    private OutboxBacklogReader? _backlog;

    /// <summary>Creates the meter <see cref="MeterName"/> and its instruments (counters, histograms in seconds, outbox gauges).</summary>
    /// <param name="meterFactory">The host's factory (the meter is then disposed with it); null for a meter of this instance's own.</param>
    public AcodeMetrics(IMeterFactory? meterFactory = null)
    {
        var options = new MeterOptions(MeterName) { Version = AcodeTelemetry.Version };
        _meter = meterFactory?.Create(options) ?? new Meter(options);
        _saves = _meter.CreateCounter<long>("acode.store.saves", "{save}", "Committed saves (one transaction each).");
        _saveDuration = _meter.CreateHistogram("acode.store.save.duration", "s", "Time to commit a save, lock wait included.", advice: SaveBuckets);
        _delivered = _meter.CreateCounter<long>("acode.sync.records", "{record}", "Outbox records delivered to PostgreSQL, by outcome.");
        _syncLag = _meter.CreateHistogram("acode.sync.lag", "s", "Time from a change's commit to its delivery.", advice: LagBuckets);
        _batchDuration = _meter.CreateHistogram("acode.sync.batch.duration", "s", "Time to deliver one claimed batch to PostgreSQL, by outcome.", advice: BatchBuckets);
        _retries = _meter.CreateCounter<long>("acode.sync.retries", "{record}", "Failed deliveries that will be retried.");
        _deadLetters = _meter.CreateCounter<long>("acode.sync.dead_letters", "{record}", "Records dead-lettered after the last attempt.");
        _conflicts = _meter.CreateCounter<long>("acode.sync.conflicts", "{conflict}", "Conflicting changes resolved by last-writer-wins.");
        _clockSkew = _meter.CreateCounter<long>("acode.sync.clock_skew", "{event}", "Remote timestamps flagged as implausibly far in the future.");
        _meter.CreateObservableGauge("acode.outbox.depth", () => Measure(_backlog?.Pending()), "{record}", "Outbox records waiting for delivery, read when observed.");
        _meter.CreateObservableGauge("acode.outbox.dead_letters", () => Measure(_backlog?.DeadLetters()), "{record}", "Dead-lettered outbox records, read when observed.");
        _meter.CreateObservableGauge("acode.outbox.oldest_pending_age", () => Measure(_backlog?.OldestPendingAgeSeconds()), "s", "Age of the oldest record waiting for delivery (0 when none), read when observed.");
    }

    /// <summary>Makes the outbox gauges read <paramref name="database"/> live from now on (the last database given wins).</summary>
    internal void ReadOutboxFrom(SqliteWorkspaceDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        Volatile.Write(ref _backlog, new OutboxBacklogReader(database));
    }

    /// <summary>Counts one committed save and records its <paramref name="duration"/> in seconds.</summary>
    internal void RecordSave(TimeSpan duration)
    {
        _saves.Add(1);
        _saveDuration.Record(Math.Max(0, duration.TotalSeconds));
    }

    /// <summary>Records the <paramref name="duration"/> (seconds) of one sync batch, tagged with its <c>outcome</c> (see <see cref="Sync.OutboxSyncService"/>).</summary>
    internal void RecordBatch(TimeSpan duration, string outcome)
        => _batchDuration.Record(Math.Max(0, duration.TotalSeconds), new KeyValuePair<string, object?>("outcome", outcome));

    internal void RecordDelivered(ApplyOutcome outcome, TimeSpan lag)
    {
        _delivered.Add(1, new KeyValuePair<string, object?>("outcome", outcome.ToString()));
        if (outcome is ApplyOutcome.ConflictWon or ApplyOutcome.ConflictLost)
        {
            _conflicts.Add(1);
        }

        _syncLag.Record(Math.Max(0, lag.TotalSeconds));
    }

    internal void RecordRetry() => _retries.Add(1);

    internal void RecordDeadLetter() => _deadLetters.Add(1);

    internal void RecordClockSkew() => _clockSkew.Add(1);

    private static IEnumerable<Measurement<T>> Measure<T>(T? value)
        where T : struct
        => value is { } v ? [new Measurement<T>(v)] : [];

    /// <summary>Disposes the meter; its instruments stop reporting.</summary>
    public void Dispose() => _meter.Dispose();
}
