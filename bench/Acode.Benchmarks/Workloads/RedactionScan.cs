using System.Diagnostics;
using System.Globalization;
using System.Text;
using Acode.Application.Redaction;
using Acode.Benchmarks.Harness;
using Acode.Testing.Secrets;

namespace Acode.Benchmarks.Workloads;

/// <summary>
/// What secret redaction costs (docs/secrets.md): one ordinary tool call's text, and one large result of 1 and 10 MB (ordinary
/// output, output with a secret every 4 KB, and an adversarial run of near-matches). Time per MB staying flat from 1 to 10 MB
/// is the linear-time check.
/// </summary>
public static class RedactionScan
{
    private const int Megabyte = 1024 * 1024;

    public static void Run(Report report)
    {
        SecretRedactor redactor = SecretRedactor.Default;

        // One ordinary tool call: its ~500-character output and its JSON arguments, as a save scans them.
        var small = new Samples();
        for (int i = 0; i < 20_000; i++)
        {
            string output = Text.Output(i), arguments = Text.Arguments(i);
            long started = Stopwatch.GetTimestamp();
            _ = redactor.Redact(output, new RedactionCounts());
            _ = redactor.RedactJson(arguments, new RedactionCounts());
            if (i >= 1000)
            {
                small.Add(Stopwatch.GetElapsedTime(started).TotalMicroseconds);
            }
        }

        Console.WriteLine($"[redact] ordinary tool call {small}");
        report.AddExtra("redaction scan of one ordinary tool call (output + arguments), p50 / p99", string.Create(CultureInfo.InvariantCulture, $"{small.P50:F1} / {small.P99:F1} µs"));

        string ordinary1 = Text.Sentence(1, Megabyte), ordinary10 = Text.Sentence(1, 10 * Megabyte);
        string withSecrets = WithSecrets(10 * Megabyte);
        string adversarial = Repeat("password=Ab1", 10 * Megabyte);
        var parts = new List<string>();
        foreach ((string label, string text) in new[] { ("1 MB ordinary", ordinary1), ("10 MB ordinary", ordinary10), ("10 MB, a secret every 4 KB", withSecrets), ("10 MB adversarial", adversarial) })
        {
            (double ms, long found) = Time(redactor, text);
            double mbPerSecond = text.Length / (double)Megabyte / (ms / 1000);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[redact] {label}: {ms:F0} ms ({mbPerSecond:F0} MB/s), {found} redacted"));
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{label} {ms:F0} ms ({mbPerSecond:F0} MB/s)"));
        }

        report.AddExtra("redaction scan of a large result (median of 3)", string.Join("; ", parts));
    }

    private static (double Milliseconds, long Found) Time(SecretRedactor redactor, string text)
    {
        var runs = new List<double>();
        long found = 0;
        for (int run = 0; run < 3; run++)
        {
            var counts = new RedactionCounts();
            long started = Stopwatch.GetTimestamp();
            _ = redactor.Redact(text, counts);
            runs.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            found = counts.Total;
        }

        runs.Sort();
        return (runs[1], found);
    }

    private static string WithSecrets(int size)
    {
        IReadOnlyList<SecretSample> samples = SecretCorpus.Secrets(SecretCorpus.DocumentedSeed);
        var builder = new StringBuilder(size + 8192);
        int i = 0;
        while (builder.Length < size)
        {
            builder.Append(Text.Sentence(i, 4096)).Append('\n').Append(samples[i % samples.Count].Text).Append('\n');
            i++;
        }

        return builder.ToString();
    }

    private static string Repeat(string unit, int size)
    {
        var builder = new StringBuilder(size + unit.Length);
        while (builder.Length < size)
        {
            builder.Append(unit).Append(' ');
        }

        return builder.ToString();
    }
}
