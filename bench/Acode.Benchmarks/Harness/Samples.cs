using System.Diagnostics;

namespace Acode.Benchmarks.Harness;

/// <summary>Latencies of one operation, in microseconds, with nearest-rank percentiles.</summary>
public sealed class Samples
{
    private readonly List<double> _values = [];
    private double[]? _sorted;

    public int Count => _values.Count;

    public void Add(double microseconds)
    {
        _values.Add(microseconds);
        _sorted = null;
    }

    /// <summary>Nearest-rank percentile (p in 0..100).</summary>
    public double Percentile(double p)
    {
        if (_values.Count == 0)
        {
            return double.NaN;
        }

        _sorted ??= [.. _values.Order()];
        int rank = (int)Math.Ceiling(p / 100.0 * _sorted.Length);
        return _sorted[Math.Clamp(rank - 1, 0, _sorted.Length - 1)];
    }

    public double P50 => Percentile(50);

    public double P99 => Percentile(99);

    public double Max => Percentile(100);

    public override string ToString() => $"n={Count} p50={P50:F1}µs p99={P99:F1}µs max={Max:F1}µs";
}

/// <summary>
/// A Stopwatch latency harness. Implementations run in the same process, interleaved in blocks (A B C, B C A, C A B …)
/// so that drift over the run (page cache, WAL checkpoints, tiered JIT, the other engineer's build on the same
/// 2 cores) spreads over all of them instead of landing on one.
/// </summary>
public static class Latency
{
    /// <summary>One implementation under test: <c>Op(round, i)</c> runs operation <c>i</c> of block <c>round</c>; round −1 is the warm-up.</summary>
    public sealed record Contender(string Name, Func<int, int, Task> Op);

    public static async Task<Dictionary<string, Samples>> InterleavedAsync(IReadOnlyList<Contender> contenders, int warmup, int rounds, int blockSize, TimeSpan minWarmup)
    {
        var results = contenders.ToDictionary(c => c.Name, _ => new Samples(), StringComparer.Ordinal);
        foreach (Contender contender in contenders)
        {
            // Warm-up: at least `warmup` operations and at least `minWarmup` of wall time, so tiered JIT has promoted the hot path.
            long started = Stopwatch.GetTimestamp();
            int i = 0;
            while (i < warmup || (Stopwatch.GetElapsedTime(started) < minWarmup && i < warmup * 20))
            {
                await contender.Op(-1, i++);
            }
        }

        for (int round = 0; round < rounds; round++)
        {
            for (int k = 0; k < contenders.Count; k++)
            {
                Contender contender = contenders[(round + k) % contenders.Count];
                Samples samples = results[contender.Name];
                for (int i = 0; i < blockSize; i++)
                {
                    long t = Stopwatch.GetTimestamp();
                    await contender.Op(round, i);
                    samples.Add(Stopwatch.GetElapsedTime(t).TotalMicroseconds);
                }
            }
        }

        return results;
    }
}
