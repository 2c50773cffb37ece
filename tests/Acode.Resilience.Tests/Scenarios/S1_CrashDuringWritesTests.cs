using System.Diagnostics;
using System.Globalization;
using Acode.Infrastructure;
using Acode.Infrastructure.Sqlite;
using Acode.Resilience.Tests.Support;
using Microsoft.Data.Sqlite;

namespace Acode.Resilience.Tests.Scenarios;

/// <summary>
/// Scenario 1, crash during writes: a child process saves probe units in a loop and prints each acknowledged save; the
/// test SIGKILLs it at random moments (during start-up, open, or mid-save), reopens the workspace through the store
/// and checks: every acknowledged save is present, integrity_check is ok, no unit is partial, and the outbox holds
/// exactly one record per committed change.
/// </summary>
public sealed class S1_CrashDuringWritesTests(ITestOutputHelper output)
{
    [Fact]
    [Trait("AC", "AC-005")]
    [Trait("Scenario", "1")]
    public async Task Sigkill_at_random_moments_loses_no_acknowledged_save_and_leaves_one_outbox_record_per_change()
    {
        int kills = Knobs.Kills;
        var random = new Random(Knobs.Seed);
        using var scratch = new Scratch();
        string root = scratch.Dir("workspace");
        var workspace = new Workspace(root);
        var ledger = new AckLedger();
        var problems = new List<string>();
        int killedBeforeFirstAck = 0, walLeftBehind = 0, integrityErrors = 0, partialUnits = 0, outboxMismatches = 0;
        var reopenMs = new List<double>();
        var clock = Stopwatch.StartNew();

        for (int i = 1; i <= kills; i++)
        {
            using (ChildProcess child = ChildProcess.StartDriver("save-loop", "--workspace", root, "--artifact-bytes", "512", "--units-per-session", "15"))
            {
                // Half the kills after a random delay from the start (some land in start-up, open or migration), half just
                // after a random number of acknowledged saves (mid-loop: the next save is in flight).
                if (random.Next(2) == 0)
                {
                    await child.KillAfterAsync(TimeSpan.FromMilliseconds(random.Next(0, 700)));
                }
                else
                {
                    int after = random.Next(1, 60);
                    await child.KillAfterLineAsync(l => l.StartsWith("ACK ", StringComparison.Ordinal) && --after == 0, TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(random.NextDouble() * 2));
                }

                Assert.True(child.Lines.Count == 0 || child.Lines[^1] != "DONE", $"the driver finished by itself before kill {i}: {child.Tail()}\n{child.Stderr}");
                Assert.DoesNotContain(child.Lines, l => l.StartsWith("ERR", StringComparison.Ordinal) || l.StartsWith("CRASH", StringComparison.Ordinal));
                if (ledger.Add(child.Lines) == 0)
                {
                    killedBeforeFirstAck++;
                }
            }

            var wal = new FileInfo(workspace.DatabasePath + "-wal");
            if (wal.Exists && wal.Length > 0)
            {
                walLeftBehind++;
            }

            // Reopen the way the product does (recovery of the WAL the killed process left), then look from outside.
            var reopen = Stopwatch.StartNew();
            if (File.Exists(workspace.DatabasePath))
            {
                using SqliteWorkspaceDatabase database = SqliteWorkspaceDatabase.Open(workspace);
                reopenMs.Add(reopen.Elapsed.TotalMilliseconds);
            }
            else
            {
                Assert.Equal(0, ledger.Saves); // killed before the very first open created the file
                continue;
            }

            using SqliteConnection connection = Db.Open(workspace.DatabasePath);
            List<string> integrity = Db.IntegrityProblems(connection);
            (long partial, long mismatch, long orphans) = Db.ProbeInvariants(connection);
            List<string> lost = ledger.Lost(Db.Versions(connection));
            integrityErrors += integrity.Count;
            partialUnits += (int)partial;
            outboxMismatches += (int)(mismatch + orphans);
            problems.AddRange(integrity.Select(p => $"kill {i}: integrity: {p}"));
            problems.AddRange(lost.Select(l => $"kill {i}: lost: {l}"));
            if (partial + mismatch + orphans > 0)
            {
                problems.Add($"kill {i}: {partial} partial unit(s), {mismatch} entities without exactly one outbox record per change, {orphans} orphan record(s)");
            }
        }

        using SqliteConnection final = Db.Open(workspace.DatabasePath);
        List<string> lostAtEnd = ledger.Lost(Db.Versions(final));
        long rows = Db.Count(final, "SELECT count(*) FROM outbox");
        reopenMs.Sort();
        string figure = string.Create(CultureInfo.InvariantCulture,
            $"{kills} kills ({killedBeforeFirstAck} before the first ack, {walLeftBehind} left a WAL behind), {ledger.Saves} acknowledged saves ({ledger.Entities} entities): " +
            $"{lostAtEnd.Count} acknowledged saves lost, {integrityErrors} integrity errors, {partialUnits} partial units, {outboxMismatches} outbox mismatches " +
            $"({rows} outbox records); reopen p50 {Percentile(reopenMs, 0.5):0} ms, p99 {Percentile(reopenMs, 0.99):0} ms; {clock.Elapsed.TotalSeconds:0} s");
        Figures.Report(output, "S1 crash during writes", figure);

        Assert.True(problems.Count == 0 && lostAtEnd.Count == 0, figure + "\n" + string.Join('\n', problems.Concat(lostAtEnd).Take(50)));
        Assert.True(ledger.Saves > kills, $"too few acknowledged saves to mean anything: {figure}");
    }

    private static double Percentile(List<double> sorted, double p)
        => sorted.Count == 0 ? 0 : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
}
