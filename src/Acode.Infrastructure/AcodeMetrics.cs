using System.Diagnostics.Metrics;
using Acode.Infrastructure.Sqlite;
using Acode.Infrastructure.Sync;

namespace Acode.Infrastructure;

/// <summary>
/// The <c>System.Diagnostics.Metrics</c> instruments of the persistence layer (meter <see cref="MeterName"/>), ready
/// for an OpenTelemetry exporter: saves and their latency, outbox depth and dead letters, sync throughput and lag,
/// retries, conflicts and clock-skew warnings.
/// </summary>
/// <remarks>
/// The observable gauges (<c>acode.outbox.depth</c>, <c>acode.outbox.dead_letters</c>,
/// <c>acode.outbox.oldest_pending_age</c>) read the workspace database when they are observed, one index search each,
/// so they are live whether or not a sync runs or PostgreSQL is configured. They read the database given to
/// <see cref="ReadOutboxFrom"/> (the store and the sync service do this when they are built with these metrics); until
/// then, and when the database cannot be read, they report no measurement.
/// </remarks>
public sealed class AcodeMetrics : IDisposable
{
    public const string MeterName = "Acode.Persistence";

    private readonly Meter _meter;
    private readonly Counter<long> _saves;
    private readonly Histogram<double> _saveDuration;
    private readonly Counter<long> _delivered;
    private readonly Histogram<double> _syncLag;
    private readonly Counter<long> _retries;
    private readonly Counter<long> _deadLetters;
    private readonly Counter<long> _conflicts;
    private readonly Counter<long> _clockSkew;
    private OutboxBacklogReader? _backlog;

    public AcodeMetrics(IMeterFactory? meterFactory = null)
    {
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _saves = _meter.CreateCounter<long>("acode.store.saves", "{save}", "Committed saves (one transaction each).");
        _saveDuration = _meter.CreateHistogram<double>("acode.store.save.duration", "ms", "Time to commit a save, lock wait included.");
        _delivered = _meter.CreateCounter<long>("acode.sync.records", "{record}", "Outbox records delivered to PostgreSQL, by outcome.");
        _syncLag = _meter.CreateHistogram<double>("acode.sync.lag", "s", "Time from a change's commit to its delivery.");
        _retries = _meter.CreateCounter<long>("acode.sync.retries", "{record}", "Failed deliveries that will be retried.");
        _deadLetters = _meter.CreateCounter<long>("acode.sync.dead_letters", "{record}", "Records dead-lettered after the last attempt.");
        _conflicts = _meter.CreateCounter<long>("acode.sync.conflicts", "{conflict}", "Conflicting changes resolved by last-writer-wins.");
        _clockSkew = _meter.CreateCounter<long>("acode.sync.clock_skew", "{event}", "Remote timestamps flagged as implausibly far in the future.");
        _meter.CreateObservableGauge("acode.outbox.depth", () => Measure(_backlog?.Pending()), "{record}", "Outbox records waiting for delivery, read when observed.");
        _meter.CreateObservableGauge("acode.outbox.dead_letters", () => Measure(_backlog?.DeadLetters()), "{record}", "Dead-lettered outbox records, read when observed.");
        _meter.CreateObservableGauge("acode.outbox.oldest_pending_age", () => Measure(_backlog?.OldestPendingAgeSeconds()), "s", "Age of the oldest record waiting for delivery (0 when none), read when observed.");
    }

    /// <summary>Makes the outbox gauges read <paramref name="database"/> live from now on (the last database given wins).</summary>
    public void ReadOutboxFrom(SqliteWorkspaceDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        Volatile.Write(ref _backlog, new OutboxBacklogReader(database));
    }

    public void RecordSave(TimeSpan duration)
    {
        _saves.Add(1);
        _saveDuration.Record(duration.TotalMilliseconds);
    }

    public void RecordDelivered(ApplyOutcome outcome, TimeSpan lag)
    {
        _delivered.Add(1, new KeyValuePair<string, object?>("outcome", outcome.ToString()));
        if (outcome is ApplyOutcome.ConflictWon or ApplyOutcome.ConflictLost)
        {
            _conflicts.Add(1);
        }

        _syncLag.Record(Math.Max(0, lag.TotalSeconds));
    }

    public void RecordRetry() => _retries.Add(1);

    public void RecordDeadLetter() => _deadLetters.Add(1);

    public void RecordClockSkew() => _clockSkew.Add(1);

    private static IEnumerable<Measurement<T>> Measure<T>(T? value)
        where T : struct
        => value is { } v ? [new Measurement<T>(v)] : [];

    public void Dispose() => _meter.Dispose();
}
