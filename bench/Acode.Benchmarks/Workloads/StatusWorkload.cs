using System.Diagnostics;
using Acode.Application.Outbox;
using Acode.Benchmarks.Harness;
using Acode.Infrastructure;
using Acode.Infrastructure.Sqlite;
using Acode.Infrastructure.Sync;
using Microsoft.Data.Sqlite;

namespace Acode.Benchmarks.Workloads;

/// <summary>
/// Workload 5: cold start of <c>acode db status</c> on the big workspace: a new process of the real CLI, with the
/// database file evicted from the OS page cache first (<c>dd iflag=nocache</c>, that file only), timed from start to
/// exit. Also: the same with a warm page cache, the same on an empty workspace (process start + JIT, the floor),
/// the time of each query in-process, and the query plans.
/// </summary>
public static class StatusWorkload
{
    /// <summary>
    /// The queries <c>acode db status</c> runs on the workspace database (copied from src; checked by plan, not by text), and
    /// whether the query reads (nearly) every row of a growing table even though its plan is an index SEARCH.
    /// </summary>
    private static IEnumerable<(string What, string Sql, bool ReadsEveryRow)> StatusQueries()
    {
        yield return ("row counts (GetStatistics: the trigger-kept counters, schema 1.1.0)", "SELECT name, row_count FROM row_counts;", false);
        yield return ("outbox pending (SqliteOutbox.GetStatisticsAsync: the backlog, through the status index)", "SELECT count(*) FROM outbox WHERE status = 'Pending';", false);
        yield return ("outbox failed (the dead letters, through the status index)", "SELECT count(*) FROM outbox WHERE status = 'Failed';", false);
        yield return ("outbox total (the counter; processed = total - pending - failed)", "SELECT row_count FROM row_counts WHERE name = 'outbox';", false);
        yield return ("outbox oldest pending", "SELECT created_at FROM outbox WHERE status = 'Pending' ORDER BY id LIMIT 1;", false);
        yield return ("outbox last processed", "SELECT max(processed_at) FROM outbox WHERE processed_at IS NOT NULL;", false);
        yield return ("sync state", "SELECT hlc_floor, last_sync_at, last_sync_error FROM workspace WHERE id = 1;", false);
    }

    /// <summary>What <c>db status</c> ran before schema 1.1.0: an exact <c>count(*)</c> per table, timed for comparison.</summary>
    private static IEnumerable<(string Table, string Sql)> CountQueries()
    {
        foreach (string table in SqliteWorkspaceDatabase.Tables)
        {
            yield return (table, table == "outbox"
                ? "SELECT count(*) FROM outbox WHERE status IN ('Pending', 'Processed', 'Failed');"
                : $"SELECT count(*) FROM {table};");
        }
    }

    public static async Task RunAsync(BenchSettings settings, Workspace workspace, string workDir, Report report)
    {
        string acode = AcodeCli.Locate();
        var empty = new Workspace(Path.Combine(workDir, "status-empty"));
        Directory.CreateDirectory(empty.RootDirectory);
        await AcodeCli.RunAsync(acode, empty, "db", "migrate"); // an empty workspace: reading commands never create one

        // One untimed run of each, so the binary and the runtime are in the page cache like any command run twice.
        await AcodeCli.RunAsync(acode, empty, "db", "status", "--json");
        await AcodeCli.RunAsync(acode, workspace, "db", "status", "--json");

        var cold = new Samples();
        var warm = new Samples();
        var floor = new Samples();
        for (int i = 0; i < settings.StatusRuns; i++)
        {
            Evict(workspace.DatabasePath);
            cold.Add(await AcodeCli.RunAsync(acode, workspace, "db", "status", "--json"));
            warm.Add(await AcodeCli.RunAsync(acode, workspace, "db", "status", "--json"));
            floor.Add(await AcodeCli.RunAsync(acode, empty, "db", "status", "--json"));
        }

        Console.WriteLine($"[status] cold page cache {cold.P50:F0} ms, warm {warm.P50:F0} ms, empty workspace {floor.P50:F0} ms (medians of {settings.StatusRuns})");
        report.Set("status_cold_ms", Report.Acode, cold.P50);
        report.AddExtra("acode db status, warm page cache (ms)", $"{warm.P50:F0}");
        report.AddExtra("acode db status on an empty workspace: process start + JIT (ms)", $"{floor.P50:F0}");

        await BreakdownAsync(workspace, report);
        PrintPlans(workspace, report);
    }

    /// <summary>The status calls in-process, first cold (file evicted) then warm, in milliseconds.</summary>
    private static async Task BreakdownAsync(Workspace workspace, Report report)
    {
        Evict(workspace.DatabasePath);
        foreach (string pass in new[] { "cold", "warm" })
        {
            var parts = new List<string>();
            long t = Stopwatch.GetTimestamp();
            using (SqliteWorkspaceDatabase database = SqliteWorkspaceDatabase.Open(workspace))
            {
                parts.Add($"open {Ms(ref t):F0}");
                _ = database.GetMigrationStatus();
                parts.Add($"schema {Ms(ref t):F0}");
                _ = database.GetStatistics();
                parts.Add($"row counts {Ms(ref t):F0}");
                _ = await new SqliteOutbox(database).GetStatisticsAsync();
                parts.Add($"outbox stats {Ms(ref t):F0}");
                using var sync = new OutboxSyncService(database, null);
                _ = await sync.GetStatusAsync();
                parts.Add($"sync status (outbox stats again) {Ms(ref t):F0}");
            }

            Console.WriteLine($"[status] in-process, {pass} (ms): {string.Join(", ", parts)}");
            report.AddExtra($"db status in-process, {pass} page cache (ms)", string.Join(", ", parts));
        }

        // What the counters replace: each table's exact count(*) as db status ran it before schema 1.1.0 (and the outbox's
        // plain count(*)), first with the file evicted from the page cache, then again warm.
        (string Label, string Sql)[] countQueries =
        [
            .. CountQueries(),
            ("outbox by a plain count(*)", "SELECT count(*) FROM outbox;"),
        ];
        foreach (string pass in new[] { "cold", "warm" })
        {
            var counts = new List<string>();
            foreach ((string table, string sql) in countQueries)
            {
                if (pass == "cold")
                {
                    Evict(workspace.DatabasePath);
                }

                using var connection = new SqliteConnection($"Data Source={workspace.DatabasePath};Mode=ReadOnly;Pooling=False");
                connection.Open();
                using SqliteCommand command = connection.CreateCommand();
                command.CommandText = sql;
                if (pass == "warm")
                {
                    _ = command.ExecuteScalar();
                }

                long t = Stopwatch.GetTimestamp();
                long n = (long)command.ExecuteScalar()!;
                counts.Add($"{table} {n:N0} rows {Ms(ref t):F0} ms");
            }

            Console.WriteLine($"[status] count(*) per table, {pass}: {string.Join("; ", counts)}");
            report.AddExtra($"count(*) per table, {pass}", string.Join("; ", counts));
        }
    }

    private static void PrintPlans(Workspace workspace, Report report)
    {
        using var connection = new SqliteConnection($"Data Source={workspace.DatabasePath};Mode=ReadOnly;Pooling=False");
        connection.Open();
        var scans = new List<string>();
        var everyRow = new List<string>();
        int total = 0;
        foreach ((string what, string sql, bool readsEveryRow) in StatusQueries())
        {
            using SqliteCommand command = connection.CreateCommand();
            command.CommandText = "EXPLAIN QUERY PLAN " + sql;
            var plan = new List<string>();
            using (SqliteDataReader r = command.ExecuteReader())
            {
                while (r.Read())
                {
                    plan.Add(r.GetString(3));
                }
            }

            total++;

            // A SCAN walks a whole table or index; the one-row workspace table, the seven row counters and a FROM-less SELECT do not count.
            bool fullScan = plan.Any(p => p.StartsWith("SCAN ", StringComparison.Ordinal)
                && p is not ("SCAN workspace" or "SCAN row_counts" or "SCAN CONSTANT ROW"));
            if (fullScan)
            {
                scans.Add(what);
            }
            else if (readsEveryRow)
            {
                everyRow.Add(what);
            }

            string verdict = fullScan ? "FULL SCAN" : readsEveryRow ? "ALL ROWS " : "ok       ";
            Console.WriteLine($"[status] plan {verdict} {what}: {string.Join(" / ", plan)}");
        }

        report.AddExtra("db status queries whose plan scans a whole table or index", scans.Count == 0 ? $"none of {total}" : $"{scans.Count} of {total}: {string.Join(", ", scans)}");
        report.AddExtra("db status queries that search an index but still read (nearly) every row", everyRow.Count == 0 ? "none" : string.Join(", ", everyRow));
        report.AddNote(scans.Count == 0
            ? $"Goal `acode db status` cold on the big workspace, no full-table scan in its query plans: met{(everyRow.Count > 0 ? $" by the plans, but {everyRow.Count} queries still read (nearly) every row" : string.Empty)}."
            : $"Goal `acode db status` cold on the big workspace, no full-table scan in its query plans: MISSED ({scans.Count} of {total} queries scan; {everyRow.Count} more read nearly every row through an index).");
    }

    /// <summary>Drops one file's pages from the OS page cache (posix_fadvise DONTNEED through dd); harmless to everything else.</summary>
    private static void Evict(string path)
    {
        using Process? dd = Process.Start(new ProcessStartInfo("dd", ["if=" + path, "iflag=nocache", "count=0", "status=none"]) { UseShellExecute = false });
        dd?.WaitForExit();
    }

    private static double Ms(ref long since)
    {
        double ms = Stopwatch.GetElapsedTime(since).TotalMilliseconds;
        since = Stopwatch.GetTimestamp();
        return ms;
    }
}

/// <summary>The real <c>acode</c> binary, built next to the benchmark (it references src/Acode.Cli).</summary>
public static class AcodeCli
{
    public static string Locate()
    {
        string apphost = Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? "acode.exe" : "acode");
        return File.Exists(apphost) ? apphost : throw new FileNotFoundException($"The acode binary was not found next to the benchmark ({apphost}).");
    }

    /// <summary>Runs acode and returns its wall time in milliseconds; a non-zero exit is an error.</summary>
    public static async Task<double> RunAsync(string acode, Workspace workspace, params string[] args)
    {
        var start = new ProcessStartInfo(acode, [.. args, "--workspace", workspace.RootDirectory])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment.Remove("ACODE_POSTGRES_URL");
        start.Environment.Remove("ACODE_WORKSPACE");
        long t = Stopwatch.GetTimestamp();
        using Process process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        double ms = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"acode {string.Join(' ', args)} exited with {process.ExitCode}: {await stderr}{await stdout}");
        }

        return ms;
    }
}
