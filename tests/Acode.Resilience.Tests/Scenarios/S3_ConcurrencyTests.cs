using System.Diagnostics;
using System.Globalization;
using Acode.Infrastructure;
using Acode.Resilience.Tests.Support;
using Microsoft.Data.Sqlite;

namespace Acode.Resilience.Tests.Scenarios;

/// <summary>
/// Scenario 3, concurrency: P processes × T threads start together on one (not yet existing) workspace; every thread
/// saves probe units and reads a random acknowledged session after each save, and one more thread per process lists and
/// loads what every process wrote, the whole time. No error may reach a caller (busy handling works), no acknowledged
/// write may be lost, no reader may see a partial save.
/// </summary>
public sealed class S3_ConcurrencyTests(ITestOutputHelper output)
{
    [Fact]
    [Trait("AC", "AC-007")]
    [Trait("AC", "AC-008")]
    [Trait("Scenario", "3")]
    public async Task Processes_and_threads_writing_and_reading_one_workspace_see_no_error_no_loss_and_no_partial_save()
    {
        int processes = Knobs.Processes, threads = Knobs.Threads, units = Knobs.Units;
        using var scratch = new Scratch();
        string root = scratch.Dir("workspace");
        var clock = Stopwatch.StartNew();
        var children = Enumerable.Range(0, processes)
            .Select(_ => ChildProcess.StartDriver("concurrent", "--workspace", root, "--threads", threads.ToString(CultureInfo.InvariantCulture), "--units", units.ToString(CultureInfo.InvariantCulture)))
            .ToList();
        var ledger = new AckLedger();
        long reads = 0, errors = 0, partial = 0;
        var problems = new List<string>();
        try
        {
            foreach (ChildProcess child in children)
            {
                int exit = await child.WaitForExitAsync(TimeSpan.FromMinutes(4));
                ledger.Add(child.Lines);
                string? done = child.Lines.LastOrDefault(l => l.StartsWith("DONE ", StringComparison.Ordinal));
                if (done is null)
                {
                    problems.Add($"process {child.Pid} exited {exit} without finishing: {child.Tail()}\n{child.Stderr}");
                    continue;
                }

                Dictionary<string, long> counts = done[5..].Split(' ').Select(p => p.Split('=')).ToDictionary(p => p[0], p => long.Parse(p[1], CultureInfo.InvariantCulture));
                reads += counts["reads"];
                errors += counts["errors"];
                partial += counts["partial"];
                problems.AddRange(child.Lines.Where(l => l.StartsWith("ERROR", StringComparison.Ordinal) || l.StartsWith("PARTIAL", StringComparison.Ordinal) || l.StartsWith("CRASH", StringComparison.Ordinal) || l.StartsWith("ERR ", StringComparison.Ordinal)));
            }
        }
        finally
        {
            children.ForEach(c => c.Dispose());
        }

        TimeSpan elapsed = clock.Elapsed;
        using SqliteConnection connection = Db.Open(new Workspace(root).DatabasePath);
        List<string> lost = ledger.Lost(Db.Versions(connection));
        List<string> integrity = Db.IntegrityProblems(connection);
        (long partialUnits, long mismatch, long orphans) = Db.ProbeInvariants(connection);
        int expectedSaves = processes * threads * units;
        string figure = string.Create(CultureInfo.InvariantCulture,
            $"{processes} processes × {threads} threads × {units} saves = {ledger.Saves}/{expectedSaves} acknowledged in {elapsed.TotalSeconds:0.0} s ({ledger.Saves / elapsed.TotalSeconds:0} saves/s), {reads} reads: " +
            $"{errors} errors reached callers, {lost.Count} lost writes, {partial} partial reads, {partialUnits} partial units, {mismatch + orphans} outbox mismatches, {integrity.Count} integrity errors");
        Figures.Report(output, "S3 concurrency", figure);
        Assert.True(problems.Count == 0 && lost.Count == 0 && integrity.Count == 0 && partialUnits + mismatch + orphans == 0 && ledger.Saves == expectedSaves,
            figure + "\n" + string.Join('\n', problems.Concat(lost).Concat(integrity).Take(40)));
    }
}
