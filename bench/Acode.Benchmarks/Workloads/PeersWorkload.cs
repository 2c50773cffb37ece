using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Acode.Benchmarks.Harness;
using Acode.Domain.Time;
using Acode.Infrastructure;
using Acode.Infrastructure.Postgres;
using Acode.Infrastructure.PostgresStore;
using Acode.Infrastructure.Sqlite;
using Acode.Testing;
using Npgsql;

namespace Acode.Benchmarks.Workloads;

/// <summary>
/// Issue 15 part 1 (<c>--peers</c>): the agent loop of <see cref="BenchSettings.PeerSteps"/> steps, each adding one AI
/// message with one tool call (about 200 bytes of arguments) and its 2 KB result and persisting the run state durably
/// before the next step, done by acode (a <see cref="SqliteRunStateStore.SaveAsync"/> per step) and by LangGraph's
/// JavaScript checkpointers (bench/peers/langgraph-loop.mjs, a child process that reports JSON): SQLite and PostgreSQL,
/// each with the standard messages reducer and with the (beta) delta channel. On PostgreSQL acode's side is a
/// <see cref="PostgresRunStateStore.SaveAsync"/> per step into a fresh database of the same cluster LangGraph's
/// PostgreSQL checkpointer uses. Per-step p50 over the steps 1–10, 91–100 and the last ten; storage after the last step.
/// </summary>
public static class PeersWorkload
{
    /// <summary>The windows of 10 steps whose p50 is reported: ending at step 10, 100 and the last step.</summary>
    public static readonly (string Suffix, int End)[] Windows = [("at_10", 10), ("at_100", 100), ("at_last", int.MaxValue)];

    private static readonly string[] DeltaFlag = ["--delta"];

    public static async Task RunAsync(BenchSettings settings, string workDir, Report report)
    {
        int steps = settings.PeerSteps;
        report.Set("agent_loop_steps", Report.Acode, steps);
        Console.WriteLine($"[peers] acode: agent loop of {steps:N0} steps, a save per step (SQLite, synchronous=FULL)");
        await AcodeLoopAsync(new Workspace(Path.Combine(workDir, "peers-acode-warmup")), Math.Min(steps, 50));
        AcodeLoop acode = await AcodeLoopAsync(new Workspace(Path.Combine(workDir, "peers-acode")), steps);
        SetWindows(report, "agent_loop_persist_p50_us", Report.Acode, acode.PersistUs, steps);
        SetWindows(report, "agent_loop_step_p50_us", Report.Acode, acode.StepUs, steps);
        report.Set("agent_loop_storage_mb", Report.Acode, acode.StorageBytes / 1048576.0);
        Console.WriteLine($"[peers] acode: save p50 at the last 10 steps {Window(acode.PersistUs, steps, steps):F0} µs, storage {acode.StorageBytes / 1048576.0:F1} MB");

        PostgresServer? server = null;
        try
        {
            Console.WriteLine("[peers] starting PostgreSQL");
            server = await PostgresServer.StartNewAsync();
        }
        catch (InvalidOperationException ex)
        {
            Console.WriteLine($"[peers] PostgreSQL rows skipped: {ex.Message}");
            report.AddNote($"Agent-loop PostgreSQL rows (acode and LangGraph) skipped: {ex.Message}");
        }

        await using (server)
        {
            if (server is not null)
            {
                await AcodePostgresAsync(server, steps, report);
            }

            string? peers = LangGraphPeers.Prepare(out string? why);
            if (peers is null)
            {
                Console.WriteLine($"[peers] LangGraph skipped: {why}");
                report.AddNote($"LangGraph peers skipped: {why}");
                return;
            }

            foreach (bool delta in new[] { false, true })
            {
                string name = delta ? Report.LangGraphSqliteDelta : Report.LangGraphSqlite;
                string db = Path.Combine(workDir, $"peers-{name}.db");
                PeerRun? run = await LangGraphPeers.RunAsync(peers, steps, ["--engine", "sqlite", "--db", db, .. delta ? DeltaFlag : []], null, report, name);
                Record(report, name, run, steps);
            }

            if (server is not null)
            {
                foreach (bool delta in new[] { false, true })
                {
                    string name = delta ? Report.LangGraphPostgresDelta : Report.LangGraphPostgres;
                    string target = await server.CreateDatabaseAsync();
                    PeerRun? run = await LangGraphPeers.RunAsync(peers, steps, ["--engine", "postgres", .. delta ? DeltaFlag : []], PostgresServer.ToUrl(target), report, name);
                    Record(report, name, run, steps);
                }
            }
        }

        report.AddNote("Agent-framework peers: on PostgreSQL acode's side is its PostgreSQL run-state store (a save per step, synchronous_commit=on) in its own fresh database "
            + "of the cluster LangGraph's PostgreSQL checkpointer uses; its storage is pg_total_relation_size over all of acode's tables (indexes and TOAST included). "
            + "LangGraph's persist is the time inside its checkpoint writes (put + putWrites, serialization included; they can overlap, so the sum can exceed the step), "
            + "its step the whole graph step; the goal takes the lower of the two, over both configurations.");
    }

    /// <summary>acode's PostgreSQL side: the same loop through <see cref="PostgresRunStateStore"/>, after a warm-up in another database.</summary>
    private static async Task AcodePostgresAsync(PostgresServer server, int steps, Report report)
    {
        Console.WriteLine($"[peers] acode: agent loop of {steps:N0} steps, a save per step (PostgreSQL store, synchronous_commit=on)");
        _ = await AcodePostgresLoopAsync(await server.CreateDatabaseAsync(), Math.Min(steps, 50));
        AcodeLoop pg = await AcodePostgresLoopAsync(await server.CreateDatabaseAsync(), steps);
        SetWindows(report, "agent_loop_persist_p50_us", Report.AcodePostgres, pg.PersistUs, steps);
        SetWindows(report, "agent_loop_step_p50_us", Report.AcodePostgres, pg.StepUs, steps);
        report.Set("agent_loop_storage_mb", Report.AcodePostgres, pg.StorageBytes / 1048576.0);
        string storage = string.Create(CultureInfo.InvariantCulture, $"tables and indexes {pg.StorageBytes / 1048576.0:F1} MB, of which the migrated empty schema {pg.EmptySchemaBytes / 1048576.0:F2} MB");
        report.AddExtra("agent loop, acode_postgres", $"{steps} steps, {storage}; largest tables: {pg.Tables}");
        Console.WriteLine($"[peers] acode (PostgreSQL): save p50 at the last 10 steps {Window(pg.PersistUs, steps, steps):F0} µs, {storage}");
    }

    private static async Task<AcodeLoop> AcodePostgresLoopAsync(string connectionString, int steps)
    {
        await PostgresStoreWorkload.MigrateAsync(connectionString);
        await using NpgsqlDataSource dataSource = PostgresDataSourceFactory.Create(PostgresConnectionSettings.Parse(connectionString, "bench"));
        long empty = await TablesBytesAsync(dataSource);
        var store = new PostgresRunStateStore(dataSource, "peers_bench", new HybridClock());
        AcodeLoop loop = await LoopAsync(store.SaveAsync, steps);
        return loop with { StorageBytes = await TablesBytesAsync(dataSource), EmptySchemaBytes = empty, Tables = await LargestTablesAsync(dataSource) };
    }

    /// <summary>The five largest tables after the loop, each with its indexes and TOAST: where the storage goes.</summary>
    private static async Task<string> LargestTablesAsync(NpgsqlDataSource dataSource)
    {
        await using NpgsqlConnection connection = await dataSource.OpenConnectionAsync();
        await using var command = new NpgsqlCommand(
            "SELECT c.relname, pg_total_relation_size(c.oid), pg_indexes_size(c.oid) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            + "WHERE c.relkind IN ('r', 'p', 'm') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%' "
            + "ORDER BY 2 DESC LIMIT 5", connection);
        var parts = new List<string>();
        await using NpgsqlDataReader reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{reader.GetString(0)} {reader.GetInt64(1) / 1048576.0:F2} MB (indexes {reader.GetInt64(2) / 1048576.0:F2})"));
        }

        return string.Join(", ", parts);
    }

    /// <summary>pg_total_relation_size over every table of the database: in this fresh database all of them are acode's (their indexes and TOAST, the migration journal).</summary>
    private static async Task<long> TablesBytesAsync(NpgsqlDataSource dataSource)
    {
        await using NpgsqlConnection connection = await dataSource.OpenConnectionAsync();
        await using var command = new NpgsqlCommand(
            "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0)::bigint FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            + "WHERE c.relkind IN ('r', 'p', 'm') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static void Record(Report report, string name, PeerRun? run, int steps)
    {
        if (run is null)
        {
            return;
        }

        SetWindows(report, "agent_loop_persist_p50_us", name, run.WritesUs, steps);
        SetWindows(report, "agent_loop_step_p50_us", name, run.StepUs, steps);
        report.Set("agent_loop_storage_mb", name, run.StorageBytes / 1048576.0);
        report.AddExtra($"agent loop, {name}", run.Describe);
        Console.WriteLine($"[peers] {name}: at the last 10 steps checkpoint writes p50 {Window(run.WritesUs, steps, steps) / 1000:F1} ms, graph step {Window(run.StepUs, steps, steps) / 1000:F1} ms; storage {run.StorageBytes / 1048576.0:F1} MB");
    }

    private static void SetWindows(Report report, string key, string implementation, IReadOnlyList<double> values, int steps)
    {
        foreach ((string suffix, int end) in Windows)
        {
            if (end == int.MaxValue || end < steps)
            {
                report.Set($"{key}_{suffix}", implementation, Window(values, Math.Min(end, steps), steps));
            }
        }
    }

    /// <summary>The p50 of the 10 steps ending at step <paramref name="end"/> (1-based).</summary>
    private static double Window(IReadOnlyList<double> values, int end, int steps)
    {
        var samples = new Samples();
        for (int i = Math.Max(0, Math.Min(end, steps) - 10); i < Math.Min(end, values.Count); i++)
        {
            samples.Add(values[i]);
        }

        return samples.P50;
    }

    private sealed record AcodeLoop(List<double> PersistUs, List<double> StepUs, long StorageBytes, long EmptySchemaBytes = 0, string Tables = "");

    /// <summary>acode's SQLite side: a new workspace, the loop, then the database file and its WAL.</summary>
    private static async Task<AcodeLoop> AcodeLoopAsync(Workspace workspace, int steps)
    {
        using SqliteWorkspaceDatabase database = SqliteWorkspaceDatabase.Open(workspace);
        var store = new SqliteRunStateStore(database);
        AcodeLoop loop = await LoopAsync(store.SaveAsync, steps);

        // Measured while the database is open, as the WAL stands after the last save.
        return loop with { StorageBytes = FileBytes(workspace.DatabasePath) + FileBytes(workspace.DatabasePath + "-wal") };
    }

    /// <summary>acode's loop, either engine: a new session, then per step one tool call (its arguments, its result, its completion event) and a save.</summary>
    private static async Task<AcodeLoop> LoopAsync(Func<Session, CancellationToken, Task> save, int steps)
    {
        SaveWorkload.SeededSession s = SaveWorkload.NewSession("Agent loop");
        await save(s.Session, CancellationToken.None);
        var persist = new List<double>(steps);
        var step = new List<double>(steps);
        for (int i = 0; i < steps; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            ToolCall call = s.Step.AddToolCall("read_file", ToolArguments(i));
            call.Succeed(Text.Sentence(i, ResultBytes), TimeSpan.FromMilliseconds(5 + (i % 300)));
            s.Session.AppendEvent("tool_call.completed", $$"""{"toolCallId":"{{call.Id.Value}}","tool":"read_file","status":"Succeeded"}""");
            long t1 = Stopwatch.GetTimestamp();
            await save(s.Session, CancellationToken.None);
            persist.Add(Stopwatch.GetElapsedTime(t1).TotalMicroseconds);
            step.Add(Stopwatch.GetElapsedTime(t0).TotalMicroseconds);
        }

        return new AcodeLoop(persist, step, 0);
    }

    /// <summary>The tool result of every step, both sides.</summary>
    public const int ResultBytes = 2048;

    /// <summary>About 200 bytes of tool arguments: the same fields langgraph-loop.mjs writes.</summary>
    public static string ToolArguments(int i)
        => JsonSerializer.Serialize(new { path = $"src/Module{i % 97}/File{i % 13}.cs", startLine = i % 400, endLine = (i % 400) + 60, reason = "inspect the parser before the edit", query = Text.Sentence(i, 60) });

    private static long FileBytes(string path) => File.Exists(path) ? new FileInfo(path).Length : 0;

    /// <summary>One LangGraph run as langgraph-loop.mjs reports it (times converted to µs).</summary>
    public sealed record PeerRun(List<double> StepUs, List<double> WritesUs, long StorageBytes, string Describe);

    public static string Describe(JsonElement root)
    {
        JsonElement v = root.GetProperty("versions");
        string storage = root.TryGetProperty("walBytes", out JsonElement wal)
            ? string.Create(CultureInfo.InvariantCulture, $"file {root.GetProperty("fileBytes").GetInt64() / 1048576.0:F1} MB + WAL {wal.GetInt64() / 1048576.0:F1} MB")
            : string.Create(CultureInfo.InvariantCulture, $"tables and indexes {root.GetProperty("storageBytes").GetInt64() / 1048576.0:F1} MB");
        return $"{root.GetProperty("steps").GetInt32()} steps, {storage}, synchronous={root.GetProperty("synchronous")}; "
            + $"node {v.GetProperty("node").GetString()}, @langchain/langgraph {v.GetProperty("langgraph").GetString()}, checkpoint-sqlite {v.GetProperty("checkpointSqlite").GetString()} "
            + $"(better-sqlite3 {v.GetProperty("betterSqlite3").GetString()}), checkpoint-postgres {v.GetProperty("checkpointPostgres").GetString()} (pg {v.GetProperty("pg").GetString()})";
    }
}
