using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Acode.Application.Options;
using Acode.Application.Sync;
using Acode.Benchmarks.Harness;
using Acode.Benchmarks.Raw;
using Acode.Infrastructure;
using Acode.Infrastructure.Migrations;
using Acode.Infrastructure.Postgres;
using Acode.Infrastructure.Sqlite;
using Acode.Infrastructure.Sync;
using Acode.Testing;
using Npgsql;

namespace Acode.Benchmarks.Workloads;

/// <summary>
/// Workload 4: drain <see cref="BenchSettings.SyncRecords"/> outbox records into a PostgreSQL on loopback (a throwaway
/// cluster started like the tests start theirs), acode's <see cref="OutboxSyncService"/> with its defaults against a
/// minimal set-based loop (<see cref="RawSync"/>, unnest) and the wire's limit (<see cref="RawCopySync"/>, binary COPY); then the peak memory of a separate process that syncs <see cref="BenchSettings.SyncMemoryRecords"/>.
/// </summary>
public static class SyncWorkload
{
    public const string PostgresVariable = "ACODE_BENCH_POSTGRES";

    public static async Task RunAsync(BenchSettings settings, string workDir, Report report)
    {
        Console.WriteLine("[sync] starting PostgreSQL");
        await using PostgresServer server = await PostgresServer.StartNewAsync();
        var seeded = new Workspace(Path.Combine(workDir, "sync-seed"));
        long records = await SeedAsync(seeded, settings.SyncRecords);
        Console.WriteLine($"[sync] seeded {records:N0} outbox records");

        // A fresh cluster has one WAL segment: the first run would pay for creating the segments the next ones recycle,
        // and the first run of each implementation would pay for its JIT compilation (a sync worker runs for hours). So:
        // untimed warm-up runs of both, then the implementations in the order A B B A, each into its own new database.
        Workspace rawWarmup = Copy(seeded, workDir, "sync-warmup-raw", withoutCounters: true);
        _ = await RawRunAsync(server, rawWarmup, records, settings.RawSyncBatch, report);
        Drop(settings, rawWarmup);
        Workspace copyWarmup = Copy(seeded, workDir, "sync-warmup-copy", withoutCounters: true);
        _ = await RawCopyRunAsync(server, copyWarmup, records, settings.RawSyncBatch);
        Drop(settings, copyWarmup);

        // 25 000 records = 50 batches: past the 30 calls after which .NET's tiered JIT recompiles the per-batch methods.
        var warmup = new Workspace(Path.Combine(workDir, "sync-warmup-acode"));
        _ = await AcodeRunAsync(server, warmup, await SeedAsync(warmup, 25_000));
        Drop(settings, warmup);
        var seconds = new Dictionary<string, List<double>> { [Report.Acode] = [], [Report.Raw] = [], [Report.RawCopy] = [] };
        var cpu = new Dictionary<string, double> { [Report.Acode] = 0, [Report.Raw] = 0, [Report.RawCopy] = 0 };
        var databases = new Dictionary<string, string>();
        string[] order = [Report.Acode, Report.Raw, Report.RawCopy, Report.RawCopy, Report.Raw, Report.Acode];
        for (int run = 0; run < order.Length; run++)
        {
            string name = order[run];
            Workspace copy = Copy(seeded, workDir, $"sync-{name}-{run}", withoutCounters: name != Report.Acode);
            TimeSpan cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            (double took, databases[name]) = name switch
            {
                Report.Acode => await AcodeRunAsync(server, copy, records),
                Report.Raw => await RawRunAsync(server, copy, records, settings.RawSyncBatch, report),
                _ => await RawCopyRunAsync(server, copy, records, settings.RawSyncBatch),
            };
            seconds[name].Add(took);
            cpu[name] += (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds;
            Drop(settings, copy);
            Console.WriteLine($"[sync] {name,-8} {records:N0} records in {took:F2} s = {records / took:N0} records/s");
        }

        List<double> acodeSeconds = seconds[Report.Acode], rawSeconds = seconds[Report.Raw], copySeconds = seconds[Report.RawCopy];
        string acodeDb = databases[Report.Acode], rawDb = databases[Report.Raw];
        await CompareMirrorsAsync(databases[Report.RawCopy], rawDb);
        await CompareMirrorsAsync(acodeDb, rawDb);
        double acodeRate = records / acodeSeconds.Average();
        double rawRate = records / rawSeconds.Average();
        report.Set("sync_records_per_s", Report.Acode, acodeRate);
        report.Set("sync_records_per_s", Report.Raw, rawRate);
        report.Set("sync_records_per_s", Report.RawCopy, records / copySeconds.Average());
        string clientCpu = $"acode {cpu[Report.Acode] / 2 / records * 1e6:F1} µs, raw {cpu[Report.Raw] / 2 / records * 1e6:F1} µs, raw_copy {cpu[Report.RawCopy] / 2 / records * 1e6:F1} µs of CPU per record in this process "
            + $"({cpu[Report.Acode] / acodeSeconds.Sum():P0}, {cpu[Report.Raw] / rawSeconds.Sum():P0} and {cpu[Report.RawCopy] / copySeconds.Sum():P0} of one core; the rest of the wall time is PostgreSQL and waiting)";
        Console.WriteLine($"[sync] client CPU: {clientCpu}");
        report.AddExtra("sync: client CPU", clientCpu);
        report.AddExtra("sync runs (records/s, order acode raw raw_copy raw_copy raw acode)", $"acode {Rates(records, acodeSeconds)}; raw (unnest) {Rates(records, rawSeconds)}; raw_copy (binary COPY) {Rates(records, copySeconds)} (raw batches of {settings.RawSyncBatch})");

        // Where the time goes: the SQLite side alone (take a batch, mark it done), on untouched copies, without PostgreSQL.
        Workspace acodeLocal = Copy(seeded, workDir, "sync-acode-local"), rawLocal = Copy(seeded, workDir, "sync-raw-local", withoutCounters: true);
        TimeSpan cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        double acodeLocalSeconds = await AcodeSqliteSideAsync(acodeLocal);
        TimeSpan cpu1 = Process.GetCurrentProcess().TotalProcessorTime;
        long lt = Stopwatch.GetTimestamp();
        _ = RawSync.Run(rawLocal.DatabasePath, null, settings.RawSyncBatch);
        double rawLocalSeconds = Stopwatch.GetElapsedTime(lt).TotalSeconds;
        TimeSpan cpu2 = Process.GetCurrentProcess().TotalProcessorTime;
        string split = $"acode {acodeLocalSeconds:F2} s of {acodeSeconds.Average():F2} s, {(cpu1 - cpu0).TotalSeconds / records * 1e6:F1} µs CPU per record (claim with lease + acknowledge, batches of {SyncOptions.DefaultBatchSize}); "
            + $"raw {rawLocalSeconds:F2} s of {rawSeconds.Average():F2} s, {(cpu2 - cpu1).TotalSeconds / records * 1e6:F1} µs CPU per record (select + mark)";
        Console.WriteLine($"[sync] SQLite side alone: {split}");
        report.AddExtra("sync: time on the SQLite side alone", split);
        Drop(settings, acodeLocal);
        Drop(settings, rawLocal);
        Drop(settings, seeded);

        await JsonResultsAsync(settings, server, workDir, report);
        await MemoryAsync(settings, server, workDir, report);
    }

    /// <summary>
    /// What indexing JSON results costs the sync: the same tool calls, their results once JSON whose text holds escapes
    /// (<c>{"stdout":"…\n…"}</c>, which PostgreSQL's search indexes decode with <c>acode_json_text</c>, schema 1.13.0
    /// and 1.14.0) and once the same text as plain lines (indexed as it is), each synced by acode into a new database, in
    /// the order json plain plain json. Reported as records/s of each and their ratio; no goal.
    /// </summary>
    private static async Task JsonResultsAsync(BenchSettings settings, PostgresServer server, string workDir, Report report)
    {
        int toolCalls = Math.Max(100, settings.SyncRecords / 5);
        var json = new Workspace(Path.Combine(workDir, "sync-json-seed"));
        var plain = new Workspace(Path.Combine(workDir, "sync-plain-seed"));
        long records = await SeedResultsAsync(json, toolCalls, asJson: true);
        if (await SeedResultsAsync(plain, toolCalls, asJson: false) != records)
        {
            throw new InvalidOperationException("The JSON and plain seeds differ in their number of records.");
        }

        var seconds = new Dictionary<bool, List<double>> { [true] = [], [false] = [] };
        foreach (bool asJson in new[] { true, false, false, true })
        {
            Workspace copy = Copy(asJson ? json : plain, workDir, $"sync-{(asJson ? "json" : "plain")}-{seconds[asJson].Count}");
            seconds[asJson].Add((await AcodeRunAsync(server, copy, records)).Seconds);
            Drop(settings, copy);
        }

        double jsonRate = records / seconds[true].Average(), plainRate = records / seconds[false].Average();
        report.Set("sync_json_results_records_per_s", Report.Acode, jsonRate);
        report.Set("sync_plain_results_records_per_s", Report.Acode, plainRate);
        string said = $"{toolCalls:N0} tool calls ({records:N0} records), results of {JsonResult(0).Length:N0} characters: JSON with escapes {Rates(records, seconds[true])} records/s, "
            + $"the same text plain {Rates(records, seconds[false])} records/s; JSON / plain {jsonRate / plainRate:F2}";
        Console.WriteLine($"[sync] JSON results: {said}");
        report.AddExtra("sync: results that are JSON with escapes against plain text", said);
        Drop(settings, json);
        Drop(settings, plain);
    }

    /// <summary>Sessions of 10 tool calls whose results are <see cref="JsonResult"/> (or its text as plain lines).</summary>
    private static async Task<long> SeedResultsAsync(Workspace workspace, int toolCalls, bool asJson)
    {
        using SqliteWorkspaceDatabase database = SqliteWorkspaceDatabase.Open(workspace, new SqliteOptions { Synchronous = SqliteSynchronous.Normal });
        var store = new SqliteRunStateStore(database);
        for (int done = 0; done < toolCalls;)
        {
            SaveWorkload.SeededSession s = SaveWorkload.NewSession($"Results {done}");
            for (int c = 0; c < 10 && done < toolCalls; c++, done++)
            {
                s.Step.AddToolCall(Text.Tool(done), Text.Arguments(done)).Succeed(asJson ? JsonResult(done) : ResultLines(done));
            }

            await store.SaveAsync(s.Session);
        }

        return (await new SqliteOutbox(database).GetStatisticsAsync()).Pending;
    }

    /// <summary>About 1.5 KB of a shell tool's output as many agents store it: one JSON object, its lines joined by <c>\n</c> escapes.</summary>
    private static string JsonResult(int i) => JsonSerializer.Serialize(new Dictionary<string, object> { ["exitCode"] = i % 3, ["stdout"] = ResultLines(i) });

    private static string ResultLines(int i) => string.Join('\n', Enumerable.Range(0, 24).Select(l => $"{l + 1,3}: {Text.Sentence(i * 31 + l, 52)}"));

    private static string Rates(long records, List<double> seconds) => string.Join(", ", seconds.Select(s => (records / s).ToString("N0", CultureInfo.InvariantCulture)));

    private static void Drop(BenchSettings settings, Workspace workspace)
    {
        if (!settings.Keep)
        {
            Directory.Delete(workspace.RootDirectory, recursive: true);
        }
    }

    /// <summary>A copy of the seeded workspace; for raw, without acode's row counters (it does the minimum).</summary>
    private static Workspace Copy(Workspace seeded, string workDir, string name, bool withoutCounters = false)
    {
        var copy = new Workspace(Path.Combine(workDir, name));
        SaveWorkload.CopyWorkspace(seeded.RootDirectory, copy.RootDirectory);
        if (withoutCounters)
        {
            SaveWorkload.DropRowCounters(copy.DatabasePath);
        }

        return copy;
    }

    /// <summary>acode with its real defaults: batches of 500, leases, idempotency keys, conflict checks, per-record acknowledgement.</summary>
    private static async Task<(double Seconds, string Database)> AcodeRunAsync(PostgresServer server, Workspace workspace, long records)
    {
        string target = await server.CreateDatabaseAsync();
        await MigrateAsync(target);
        using SqliteWorkspaceDatabase database = SqliteWorkspaceDatabase.Open(workspace);
        using var sync = new OutboxSyncService(database, PostgresConnectionSettings.Parse(target, "bench"), new SyncOptions());
        await sync.EnsureSchemaAsync(CancellationToken.None);
        await ExecuteAsync(target, "CHECKPOINT;");
        long t = Stopwatch.GetTimestamp();
        SyncRunResult result = await sync.SyncAsync();
        double seconds = Stopwatch.GetElapsedTime(t).TotalSeconds;
        if (result.Delivered != records || result.Remaining != 0 || result.Paused)
        {
            throw new InvalidOperationException($"acode delivered {result.Delivered} of {records} records ({result.Applied} applied, {result.Duplicates} duplicates), {result.Remaining} still pending, paused: {result.PauseReason}");
        }

        return (seconds, target);
    }

    private static async Task<(double Seconds, string Database)> RawRunAsync(PostgresServer server, Workspace workspace, long records, int batch, Report report)
    {
        string target = await server.CreateDatabaseAsync();
        await MigrateAsync(target);
        if (report.Get("sync_records_per_s", Report.Raw) is null && !report.HasExtra("PostgreSQL"))
        {
            report.AddExtra("PostgreSQL", await ScalarAsync<string>(target, "SELECT version();"));
        }

        await ExecuteAsync(target, "CHECKPOINT;");
        long t = Stopwatch.GetTimestamp();
        long count = RawSync.Run(workspace.DatabasePath, target, batch);
        double seconds = Stopwatch.GetElapsedTime(t).TotalSeconds;
        return count == records ? (seconds, target) : throw new InvalidOperationException($"raw synced {count} of {records} records");
    }

    private static async Task<(double Seconds, string Database)> RawCopyRunAsync(PostgresServer server, Workspace workspace, long records, int batch)
    {
        string target = await server.CreateDatabaseAsync();
        await MigrateAsync(target);
        await ExecuteAsync(target, "CHECKPOINT;");
        long t = Stopwatch.GetTimestamp();
        long count = RawCopySync.Run(workspace.DatabasePath, target, batch);
        double seconds = Stopwatch.GetElapsedTime(t).TotalSeconds;
        return count == records ? (seconds, target) : throw new InvalidOperationException($"raw_copy synced {count} of {records} records");
    }

    /// <summary>acode's outbox work of a sync without PostgreSQL: claim a batch (with its lease), acknowledge it; until empty.</summary>
    private static async Task<double> AcodeSqliteSideAsync(Workspace workspace)
    {
        using SqliteWorkspaceDatabase database = SqliteWorkspaceDatabase.Open(workspace);
        var outbox = new SqliteOutbox(database);
        var options = new SyncOptions();
        long t = Stopwatch.GetTimestamp();
        while (true)
        {
            IReadOnlyList<Acode.Application.Outbox.OutboxRecord> batch = await outbox.ClaimAsync("bench", options.BatchSize, options.Lease);
            if (batch.Count == 0)
            {
                break;
            }

            await outbox.AcknowledgeAsync("bench", [.. batch.Select(r => r.Id)]);
        }

        return Stopwatch.GetElapsedTime(t).TotalSeconds;
    }

    /// <summary>Peak RSS (VmHWM) of a process that does nothing but open the workspace and sync it all.</summary>
    private static async Task MemoryAsync(BenchSettings settings, PostgresServer server, string workDir, Report report)
    {
        var workspace = new Workspace(Path.Combine(workDir, "sync-memory"));
        long records = await SeedAsync(workspace, settings.SyncMemoryRecords);
        Console.WriteLine($"[sync] memory: seeded {records:N0} records; syncing them in a child process");
        ChildResult r = await SyncInChildAsync(server, workspace, records);
        Console.WriteLine($"[sync] memory: {r.Records:N0} records in {r.Seconds:F1} s ({r.Records / r.Seconds:N0}/s), peak RSS {r.PeakRssMb:F0} MB (before the sync: {r.RssBeforeMb:F0} MB), GC heap after the sync {r.GcHeapMb:F0} MB");
        report.Set("sync_peak_rss_mb", Report.Acode, r.PeakRssMb);
        report.AddExtra($"sync of {r.Records:N0} records in one process", $"{r.Records / r.Seconds:N0} records/s; RSS {r.RssBeforeMb:F0} MB before the sync, peak {r.PeakRssMb:F0} MB");
        Drop(settings, workspace);

        // Issue 10.4: large payloads. Batches are bounded by bytes (persistence:sync:maxBatchBytes), so the peak must not
        // grow with the total size of the backlog.
        var large = new Workspace(Path.Combine(workDir, "sync-memory-large"));
        long largeRecords = await SeedLargeAsync(large, settings.SyncLargeRecords, settings.SyncLargeResultBytes);
        double totalMb = settings.SyncLargeRecords * (double)settings.SyncLargeResultBytes / 1048576;
        Console.WriteLine($"[sync] memory, large: seeded {settings.SyncLargeRecords:N0} tool calls of {settings.SyncLargeResultBytes / 1e6:F1} MB ({totalMb:F0} MB of results); syncing them in a child process");
        ChildResult l = await SyncInChildAsync(server, large, largeRecords);
        Console.WriteLine($"[sync] memory, large: {l.Records:N0} records in {l.Seconds:F1} s ({totalMb / l.Seconds:F0} MB/s), peak RSS {l.PeakRssMb:F0} MB (before the sync: {l.RssBeforeMb:F0} MB)");
        report.Set("sync_large_peak_rss_mb", Report.Acode, l.PeakRssMb);
        report.AddExtra($"sync of {settings.SyncLargeRecords:N0} tool calls with {settings.SyncLargeResultBytes / 1e6:F1} MB results ({totalMb:F0} MB) in one process",
            $"{totalMb / l.Seconds:F0} MB/s; RSS {l.RssBeforeMb:F0} MB before the sync, peak {l.PeakRssMb:F0} MB (batches of at most {SyncOptions.DefaultMaxBatchBytes / 1048576} MiB)");
        Drop(settings, large);
    }

    /// <summary>Syncs the workspace in a child process that does nothing else; its one-line JSON report.</summary>
    private static async Task<ChildResult> SyncInChildAsync(PostgresServer server, Workspace workspace, long records)
    {
        string database = await server.CreateDatabaseAsync();
        await MigrateAsync(database);
        (string fileName, string[] prefix) = SelfCommand();
        var start = new ProcessStartInfo(fileName, [.. prefix, SyncMemoryChild.Command, workspace.RootDirectory])
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        start.Environment[PostgresVariable] = database;
        using Process child = Process.Start(start)!;
        string output = await child.StandardOutput.ReadToEndAsync();
        await child.WaitForExitAsync();
        if (child.ExitCode != 0)
        {
            throw new InvalidOperationException($"The sync memory child failed with exit code {child.ExitCode}: {output}");
        }

        using JsonDocument result = JsonDocument.Parse(output.Trim().Split('\n')[^1]);
        JsonElement r = result.RootElement;
        var measured = new ChildResult(r.GetProperty("records").GetInt64(), r.GetProperty("seconds").GetDouble(), r.GetProperty("peakRssMb").GetDouble(),
            r.GetProperty("rssBeforeMb").GetDouble(), r.GetProperty("gcHeapMb").GetDouble());
        return measured.Records == records
            ? measured
            : throw new InvalidOperationException($"The sync memory child synced {measured.Records} of {records} records ({r.GetProperty("pending").GetInt64()} pending).");
    }

    /// <summary>Sessions of up to 10 tool calls whose results are <paramref name="resultBytes"/> characters of log text.</summary>
    private static async Task<long> SeedLargeAsync(Workspace workspace, int toolCalls, int resultBytes)
    {
        using SqliteWorkspaceDatabase database = SqliteWorkspaceDatabase.Open(workspace, new SqliteOptions { Synchronous = SqliteSynchronous.Normal });
        var store = new SqliteRunStateStore(database);
        string line = "build line: compiling src/Module.cs with warnings as errors\n";
        string result = string.Concat(Enumerable.Repeat(line, (resultBytes / line.Length) + 1))[..resultBytes];
        for (int done = 0; done < toolCalls;)
        {
            SaveWorkload.SeededSession s = SaveWorkload.NewSession($"Large results {done}");
            for (int c = 0; c < 10 && done < toolCalls; c++, done++)
            {
                s.Step.AddToolCall("cat", "{}").Succeed(result);
            }

            await store.SaveAsync(s.Session);
        }

        return (await new SqliteOutbox(database).GetStatisticsAsync()).Pending;
    }

    private sealed record ChildResult(long Records, double Seconds, double PeakRssMb, double RssBeforeMb, double GcHeapMb);

    /// <summary>How to start this program again (the apphost, or <c>dotnet</c> with this assembly).</summary>
    private static (string FileName, string[] Prefix) SelfCommand()
    {
        string process = Environment.ProcessPath!;
        return string.Equals(Path.GetFileNameWithoutExtension(process), "dotnet", StringComparison.OrdinalIgnoreCase)
            ? (process, [typeof(SyncWorkload).Assembly.Location])
            : (process, []);
    }

    /// <summary>
    /// Fills a workspace's outbox with exactly <paramref name="records"/> records (at least 5) through acode's API: sessions
    /// of up to 250 tool calls, each with its event (5 + 2 × 250 records per session; the last one pads with events).
    /// </summary>
    public static async Task<long> SeedAsync(Workspace workspace, int records)
    {
        using SqliteWorkspaceDatabase database = SqliteWorkspaceDatabase.Open(workspace, new SqliteOptions { Synchronous = SqliteSynchronous.Normal });
        var store = new SqliteRunStateStore(database);
        long remaining = records;
        int i = 0;
        while (remaining > 0)
        {
            SaveWorkload.SeededSession s = SaveWorkload.NewSession($"Sync session {i}");
            long toolCalls = Math.Min(250, (remaining - s.Session.PendingChanges.Count) / 2);
            for (int c = 0; c < toolCalls; c++)
            {
                SaveWorkload.AddToolCall(s.Session, s.Step, i++);
            }

            long left = remaining - s.Session.PendingChanges.Count;
            for (long e = 0; left is > 0 and < 5 && e < left; e++)
            {
                s.Session.AppendEvent("note", """{"text":"padding"}""");
            }

            remaining -= s.Session.PendingChanges.Count;
            await store.SaveAsync(s.Session);
        }

        return (await new SqliteOutbox(database).GetStatisticsAsync()).Pending;
    }

    private static async Task MigrateAsync(string connectionString)
    {
        await using NpgsqlDataSource source = NpgsqlDataSource.Create(connectionString);
        await new PostgresMigrator().MigrateAsync(source);
    }

    private static async Task CompareMirrorsAsync(string acodeDb, string rawDb)
    {
        foreach (string table in new[] { "sessions", "session_tasks", "steps", "tool_calls", "session_events", "sync_applied" })
        {
            long a = await ScalarAsync<long>(acodeDb, $"SELECT count(*) FROM {table};");
            long b = await ScalarAsync<long>(rawDb, $"SELECT count(*) FROM {table};");
            if (a != b)
            {
                throw new InvalidOperationException($"PostgreSQL {table}: acode wrote {a} rows, raw {b}.");
            }
        }
    }

    private static async Task<T> ScalarAsync<T>(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}

/// <summary>The child process of the memory measurement: open the workspace, sync everything, print one JSON line.</summary>
public static class SyncMemoryChild
{
    public const string Command = "--sync-memory-child";

    public static async Task<int> RunAsync(string[] args)
    {
        string connectionString = Environment.GetEnvironmentVariable(SyncWorkload.PostgresVariable)
            ?? throw new InvalidOperationException($"{SyncWorkload.PostgresVariable} is not set.");
        using SqliteWorkspaceDatabase database = SqliteWorkspaceDatabase.Open(new Workspace(args[0]));
        using var sync = new OutboxSyncService(database, PostgresConnectionSettings.Parse(connectionString, SyncWorkload.PostgresVariable), new SyncOptions());
        await sync.EnsureSchemaAsync(CancellationToken.None);
        double before = Machine.PeakRssMb();
        long t = Stopwatch.GetTimestamp();
        SyncRunResult result = await sync.SyncAsync();
        double seconds = Stopwatch.GetElapsedTime(t).TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $$"""{"records":{{result.Delivered}},"pending":{{result.Remaining}},"seconds":{{seconds}},"peakRssMb":{{Machine.PeakRssMb()}},"rssBeforeMb":{{before}},"gcHeapMb":{{GC.GetGCMemoryInfo().HeapSizeBytes / 1048576.0}}}"""));
        return 0;
    }
}

/// <summary>
/// The limit of the sync: one SQLite connection, one PostgreSQL connection, prepared statements; per batch: read the
/// oldest pending records, insert their keys and upsert the latest change of each entity with <c>unnest</c> (last
/// writer wins on hlc) in one PostgreSQL transaction, then mark them processed in one SQLite transaction. No leases,
/// no conflict audit, no duplicate detection beyond the key insert, no poison isolation.
/// </summary>
public static class RawSync
{
    /// <summary>
    /// The raw baselines' read of a batch: the payload, or for a record that refers to its entity's row (schema 1.7.0,
    /// the empty text) the document SQLite rebuilds from the row, as acode's claim reads it.
    /// </summary>
    internal const string RawSelectSql = """
        SELECT o.id, o.hlc, o.entity_type, o.entity_id, o.origin,
               CASE WHEN o.payload <> '' THEN o.payload
                    ELSE (SELECT d.document FROM entity_documents d WHERE d.entity_type = o.entity_type AND d.id = o.entity_id AND d.version = o.version) END
        FROM outbox o WHERE o.status = 'Pending' ORDER BY o.id LIMIT $n;
        """;

    internal static readonly Dictionary<string, (string Table, (string Column, string Expression)[] Columns)> Mirrors = new(StringComparer.Ordinal)
    {
        ["Session"] = ("sessions", [("id", "d->>'id'"), ("title", "d->>'title'"), ("goal", "d->>'goal'"), ("state", "d->>'state'")]),
        ["SessionTask"] = ("session_tasks", [("id", "d->>'id'"), ("session_id", "d->>'sessionId'"), ("ordinal", "(d->>'ordinal')::bigint"), ("title", "d->>'title'"),
            ("description", "d->>'description'"), ("state", "d->>'state'"), ("started_at", "(d->>'startedAt')::timestamptz"), ("completed_at", "(d->>'completedAt')::timestamptz")]),
        ["Step"] = ("steps", [("id", "d->>'id'"), ("session_id", "d->>'sessionId'"), ("task_id", "d->>'taskId'"), ("ordinal", "(d->>'ordinal')::bigint"), ("title", "d->>'title'"),
            ("description", "d->>'description'"), ("state", "d->>'state'"), ("started_at", "(d->>'startedAt')::timestamptz"), ("completed_at", "(d->>'completedAt')::timestamptz")]),
        ["ToolCall"] = ("tool_calls", [("id", "d->>'id'"), ("session_id", "d->>'sessionId'"), ("step_id", "d->>'stepId'"), ("tool_name", "d->>'toolName'"), ("arguments", "(d->>'arguments')::jsonb"),
            ("status", "d->>'status'"), ("result", "d->>'result'"), ("error", "d->>'error'"), ("started_at", "(d->>'startedAt')::timestamptz"),
            ("completed_at", "(d->>'completedAt')::timestamptz"), ("duration_ticks", "(d->>'durationTicks')::bigint")]),
        ["SessionEvent"] = ("session_events", [("id", "d->>'id'"), ("session_id", "d->>'sessionId'"), ("sequence", "(d->>'sequence')::bigint"), ("type", "d->>'type'"), ("payload", "(d->>'payload')::jsonb")]),
    };

    /// <param name="sqlitePath">The workspace database whose outbox is drained.</param>
    /// <param name="postgres">The target; null to do the SQLite side only (read a batch, mark it processed).</param>
    /// <param name="batchSize">Records per transaction.</param>
    public static long Run(string sqlitePath, string? postgres, int batchSize)
    {
        using var sqlite = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={sqlitePath};Pooling=False");
        sqlite.Open();
        using (Microsoft.Data.Sqlite.SqliteCommand pragmas = sqlite.CreateCommand())
        {
            pragmas.CommandText = "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;";
            pragmas.ExecuteNonQuery();
        }

        using Microsoft.Data.Sqlite.SqliteCommand select = sqlite.CreateCommand();
        select.CommandText = RawSelectSql;
        select.Parameters.AddWithValue("$n", batchSize);
        select.Prepare();
        using Microsoft.Data.Sqlite.SqliteCommand mark = sqlite.CreateCommand();
        mark.CommandText = "UPDATE outbox SET status = 'Processed', processed_at = $now, updated_at = $now WHERE id = $id;";
        Microsoft.Data.Sqlite.SqliteParameter now = mark.Parameters.Add("$now", Microsoft.Data.Sqlite.SqliteType.Text);
        Microsoft.Data.Sqlite.SqliteParameter markId = mark.Parameters.Add("$id", Microsoft.Data.Sqlite.SqliteType.Integer);
        mark.Prepare();

        using var pg = new NpgsqlConnection(postgres ?? "Host=unused");
        if (postgres is not null)
        {
            pg.Open();
        }

        using var keys = new NpgsqlCommand("""
            INSERT INTO sync_applied (idempotency_key, entity_type, entity_id, origin, outcome)
            SELECT k, t, i, o, 'Applied' FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS u(k, t, i, o)
            ON CONFLICT DO NOTHING;
            """, pg);
        for (int p = 0; p < 4; p++)
        {
            keys.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text });
        }

        if (postgres is not null)
        {
            keys.Prepare();
        }

        var upserts = Mirrors.ToDictionary(m => m.Key, m =>
        {
            var command = new NpgsqlCommand(UpsertSql(m.Value.Table, m.Value.Columns), pg);
            command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Jsonb });
            command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Bigint });
            command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text });
            if (postgres is not null)
            {
                command.Prepare();
            }

            return command;
        }, StringComparer.Ordinal);

        long done = 0;
        var batch = new List<(long Id, string Key, string Type, string EntityId, string Origin, string Payload)>(batchSize);
        while (true)
        {
            batch.Clear();
            using (Microsoft.Data.Sqlite.SqliteDataReader r = select.ExecuteReader())
            {
                while (r.Read())
                {
                    batch.Add((r.GetInt64(0), KeyOf(r), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5)));
                }
            }

            if (batch.Count == 0)
            {
                break;
            }

            if (postgres is not null)
            {
                using NpgsqlTransaction transaction = pg.BeginTransaction();
                keys.Transaction = transaction;
                keys.Parameters[0].Value = batch.Select(b => b.Key).ToArray();
                keys.Parameters[1].Value = batch.Select(b => b.Type).ToArray();
                keys.Parameters[2].Value = batch.Select(b => b.EntityId).ToArray();
                keys.Parameters[3].Value = batch.Select(b => b.Origin).ToArray();
                keys.ExecuteNonQuery();

                // Sessions last, like acode; within a type the latest change of each entity wins (records are in id order).
                foreach (IGrouping<string, (long Id, string Key, string Type, string EntityId, string Origin, string Payload)> type in batch.GroupBy(b => b.Type).OrderBy(g => g.Key == "Session" ? 1 : 0))
                {
                    var latest = new Dictionary<string, (long Id, string Key, string Type, string EntityId, string Origin, string Payload)>(StringComparer.Ordinal);
                    foreach (var record in type)
                    {
                        latest[record.EntityId] = record;
                    }

                    NpgsqlCommand upsert = upserts[type.Key];
                    upsert.Transaction = transaction;
                    upsert.Parameters[0].Value = latest.Values.Select(v => v.Payload).ToArray();
                    upsert.Parameters[1].Value = latest.Values.Select(v => HlcOf(v.Key)).ToArray();
                    upsert.Parameters[2].Value = latest.Values.Select(v => v.Origin).ToArray();
                    upsert.ExecuteNonQuery();
                }

                transaction.Commit();
            }

            using (Microsoft.Data.Sqlite.SqliteTransaction transaction = sqlite.BeginTransaction())
            {
                mark.Transaction = transaction;
                now.Value = RawIds.Format(DateTime.UtcNow);
                foreach (var record in batch)
                {
                    markId.Value = record.Id;
                    mark.ExecuteNonQuery();
                }

                transaction.Commit();
            }

            done += batch.Count;
        }

        foreach (NpgsqlCommand command in upserts.Values)
        {
            command.Dispose();
        }

        return done;
    }

    /// <summary>The idempotency key of the record <see cref="RawSelectSql"/> read: built from its stamp (column 1, UTC ticks), type and id, as acode's claim builds it.</summary>
    internal static string KeyOf(Microsoft.Data.Sqlite.SqliteDataReader r)
        => $"{r.GetString(2)}:{r.GetString(3)}:{RawIds.Format(new DateTime(r.GetInt64(1), DateTimeKind.Utc))}";

    internal static long HlcOf(string key)
    {
        int second = key.IndexOf(':', key.IndexOf(':', StringComparison.Ordinal) + 1);
        return RawIds.Parse(key[(second + 1)..]).UtcTicks;
    }

    /// <param name="table">The mirror table.</param>
    /// <param name="columns">Its columns and how each is read out of the document <c>d</c>.</param>
    /// <param name="source">Where <c>u(d, hlc, origin)</c> come from: by default the three <c>unnest</c> arrays.</param>
    internal static string UpsertSql(string table, (string Column, string Expression)[] columns, string source = "unnest($1::jsonb[], $2::bigint[], $3::text[]) AS u(d, hlc, origin)")
    {
        (string Column, string Expression)[] all =
        [
            .. columns,
            ("version", "(d->>'version')::bigint"), ("created_at", "(d->>'createdAt')::timestamptz"), ("updated_at", "(d->>'updatedAt')::timestamptz"),
            ("hlc", "u.hlc"), ("origin", "u.origin"), ("document", "d"),
        ];
        return $"""
            INSERT INTO {table} ({string.Join(", ", all.Select(c => c.Column))})
            SELECT {string.Join(", ", all.Select(c => c.Expression))} FROM {source}
            ON CONFLICT (id) DO UPDATE SET {string.Join(", ", all.Where(c => c.Column != "id").Select(c => $"{c.Column} = excluded.{c.Column}"))}
            WHERE (excluded.hlc, excluded.origin) > ({table}.hlc, {table}.origin);
            """;
    }
}
