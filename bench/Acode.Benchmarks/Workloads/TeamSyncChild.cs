using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using Acode.Application.Sync;
using Acode.Benchmarks.Harness;
using Acode.Infrastructure;
using Acode.Infrastructure.Postgres;
using Acode.Infrastructure.Sqlite;
using Acode.Infrastructure.Sync;

namespace Acode.Benchmarks.Workloads;

/// <summary>
/// One workspace of the team workload (<see cref="TeamWorkload"/>) in its own process: open it, sync everything into the
/// PostgreSQL of <see cref="SyncWorkload.PostgresVariable"/> with acode's defaults, print one JSON line with the outcome,
/// the batch latencies and the batches by outcome, read from acode's own <c>acode.sync.batch.duration</c> histogram
/// (docs/observability.md): <c>delivered</c>, <c>partial</c> (records retried or dead-lettered), <c>released</c> (none
/// done, the leases given back: a deadlock or serialization failure retried by the next claim), <c>failed</c>.
/// Without that instrument (a sync that no longer records it), the latencies are the time between two progress reports.
/// </summary>
public static class TeamSyncChild
{
    public const string Command = "--team-child";

    public static async Task<int> RunAsync(string[] args)
    {
        string connectionString = Environment.GetEnvironmentVariable(SyncWorkload.PostgresVariable)
            ?? throw new InvalidOperationException($"{SyncWorkload.PostgresVariable} is not set.");
        using SqliteWorkspaceDatabase database = SqliteWorkspaceDatabase.Open(new Workspace(args[0]));
        using var batchMeter = new BatchListener();
        using var sync = new OutboxSyncService(database, PostgresConnectionSettings.Parse(connectionString, SyncWorkload.PostgresVariable), new SyncOptions());
        var batches = new BatchClock();
        long t = Stopwatch.GetTimestamp();
        batches.Start();
        SyncRunResult result = await sync.SyncAsync(batches);
        double seconds = Stopwatch.GetElapsedTime(t).TotalSeconds;
        Samples latency = batchMeter.Samples.Count > 0 ? batchMeter.Samples : batches.Samples;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $$"""{"delivered":{{result.Delivered}},"remaining":{{result.Remaining}},"paused":{{(result.Paused ? "true" : "false")}},"deadLettered":{{result.DeadLettered}},"retried":{{result.Retried}},"conflicts":{{result.Conflicts}},"seconds":{{seconds}},"batches":{{latency.Count}},"batchP99Ms":{{latency.P99 / 1000}},"batchMaxMs":{{latency.Max / 1000}},"released":{{batchMeter.Count("released")}},"partial":{{batchMeter.Count("partial")}},"failed":{{batchMeter.Count("failed")}}}"""));
        return 0;
    }

    /// <summary>Records the time between progress reports synchronously (unlike <see cref="Progress{T}"/>, which posts them).</summary>
    private sealed class BatchClock : IProgress<SyncProgress>
    {
        private long _last;

        public Samples Samples { get; } = new();

        public void Start() => _last = Stopwatch.GetTimestamp();

        public void Report(SyncProgress value)
        {
            long now = Stopwatch.GetTimestamp();
            Samples.Add(Stopwatch.GetElapsedTime(_last, now).TotalMicroseconds);
            _last = now;
        }
    }

    /// <summary>Listens to acode's batch-duration histogram: every batch's duration (µs) and the count per outcome tag.</summary>
    private sealed class BatchListener : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly Dictionary<string, long> _outcomes = new(StringComparer.Ordinal);

        public BatchListener()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == AcodeMetrics.MeterName && instrument.Name == "acode.sync.batch.duration")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<double>((_, seconds, tags, _) =>
            {
                string outcome = "unknown";
                foreach (KeyValuePair<string, object?> tag in tags)
                {
                    if (tag.Key.EndsWith("outcome", StringComparison.Ordinal))
                    {
                        outcome = tag.Value?.ToString() ?? outcome;
                    }
                }

                lock (_outcomes)
                {
                    Samples.Add(seconds * 1e6);
                    _outcomes[outcome] = _outcomes.GetValueOrDefault(outcome) + 1;
                }
            });
            _listener.Start();
        }

        public Samples Samples { get; } = new();

        public long Count(string outcome)
        {
            lock (_outcomes)
            {
                return _outcomes.GetValueOrDefault(outcome);
            }
        }

        public void Dispose() => _listener.Dispose();
    }
}
