using System.Diagnostics;
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
/// PostgreSQL of <see cref="SyncWorkload.PostgresVariable"/> with acode's defaults, print one JSON line with the outcome
/// and the batch latencies (the time between two progress reports, one per batch).
/// </summary>
public static class TeamSyncChild
{
    public const string Command = "--team-child";

    public static async Task<int> RunAsync(string[] args)
    {
        string connectionString = Environment.GetEnvironmentVariable(SyncWorkload.PostgresVariable)
            ?? throw new InvalidOperationException($"{SyncWorkload.PostgresVariable} is not set.");
        using SqliteWorkspaceDatabase database = SqliteWorkspaceDatabase.Open(new Workspace(args[0]));
        using var sync = new OutboxSyncService(database, PostgresConnectionSettings.Parse(connectionString, SyncWorkload.PostgresVariable), new SyncOptions());
        var batches = new BatchClock();
        long t = Stopwatch.GetTimestamp();
        batches.Start();
        SyncRunResult result = await sync.SyncAsync(batches);
        double seconds = Stopwatch.GetElapsedTime(t).TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $$"""{"delivered":{{result.Delivered}},"remaining":{{result.Remaining}},"paused":{{(result.Paused ? "true" : "false")}},"deadLettered":{{result.DeadLettered}},"retried":{{result.Retried}},"conflicts":{{result.Conflicts}},"seconds":{{seconds}},"batches":{{batches.Samples.Count}},"batchP99Ms":{{batches.Samples.P99 / 1000}},"batchMaxMs":{{batches.Samples.Max / 1000}}}"""));
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
}
