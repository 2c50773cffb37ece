using System.Globalization;
using System.Text.Json;

namespace Acode.Benchmarks.Harness;

/// <summary>
/// The figures of one run: every metric of issue 4 per implementation, printed as a table and written as the
/// JSON other tools read: <c>{"mode":"quick|full","metrics":{"save_p50_us":{"acode":…,"raw":…,"efcore":…},…},
/// "goals":[{"goal":…,"measured":…,"verdict":"met|MISSED|n/a"},…]}</c>.
/// </summary>
public sealed class Report
{
    public const string Acode = "acode";
    public const string Raw = "raw";
    public const string EfCore = "efcore";
    /// <summary>The sync's wire limit (issue 15 part 2): binary COPY into a staging table, merged set-based; <see cref="Raw"/> is the <c>unnest</c> baseline.</summary>
    public const string RawCopy = "raw_copy";
    /// <summary>The CLI as <c>dotnet publish -r &lt;rid&gt;</c> ships it (self-contained, composite ReadyToRun); <see cref="Acode"/> is the one <c>dotnet build</c> makes.</summary>
    public const string AcodeReadyToRun = "acode_r2r";
    /// <summary>acode's PostgreSQL run-state store in the agent loop of issue 15 part 1 (<see cref="Acode"/> is its SQLite store there).</summary>
    public const string AcodePostgres = "acode_postgres";
    public const string LangGraphSqlite = "langgraph_sqlite";
    public const string LangGraphSqliteDelta = "langgraph_sqlite_delta";
    public const string LangGraphPostgres = "langgraph_postgres";
    public const string LangGraphPostgresDelta = "langgraph_postgres_delta";

    /// <summary>The agent-framework peers of issue 15 part 1, in table order: (implementation, column title).</summary>
    public static readonly (string Name, string Title)[] Peers =
    [
        (Acode, "acode (SQLite)"),
        (LangGraphSqlite, "LangGraph SQLite"),
        (LangGraphSqliteDelta, "LangGraph SQLite, delta channel"),
        (AcodePostgres, "acode (PostgreSQL)"),
        (LangGraphPostgres, "LangGraph PostgreSQL"),
        (LangGraphPostgresDelta, "LangGraph PostgreSQL, delta channel"),
    ];

    /// <summary>The metric keys of the JSON, in order, with the implementations each one carries.</summary>
    public static readonly (string Key, string[] Implementations, string Unit, bool HigherIsBetter)[] Keys =
    [
        ("save_p50_us", [Acode, Raw, EfCore], "µs", false),
        ("save_p99_us", [Acode, Raw, EfCore], "µs", false),
        ("save_p50_us_100k", [Acode, Raw, EfCore], "µs", false),
        ("read_p50_us", [Acode, Raw, EfCore], "µs", false),
        ("read_p99_us", [Acode, Raw, EfCore], "µs", false),
        ("page_p50_us", [Acode, Raw, EfCore], "µs", false),
        ("page_p99_us", [Acode, Raw, EfCore], "µs", false),
        ("sync_records_per_s", [Acode, Raw, RawCopy], "records/s", true),
        ("sync_peak_rss_mb", [Acode], "MB", false),
        ("sync_large_peak_rss_mb", [Acode], "MB", false),
        ("status_cold_ms", [Acode], "ms", false),
        ("startup_session_list_ms", [Acode, AcodeReadyToRun], "ms", false),
        ("startup_db_status_ms", [Acode, AcodeReadyToRun], "ms", false),
        ("save_wal_kb_per_save", [Acode], "KiB", false),
        ("save_pages_per_save", [Acode], "pages", false),
        ("save_tail_p50_us", [Acode], "µs", false),
        ("save_tail_p99_us", [Acode], "µs", false),
        ("local_bytes_per_payload_byte", [Acode], "bytes", false),
        ("team_records_per_s_alone", [Acode], "records/s", true),
        ("team_records_per_s_together", [Acode], "records/s", true),
        ("team_batch_p99_ms_together", [Acode], "ms", false),
        ("team_failed_batches", [Acode], "batches", false),
        ("team_state_identical", [Acode], "1 = yes", true),
        ("team_retried_batches", [Acode], "batches", false),
        ("team_conflict_records_per_s_alone", [Acode], "records/s", true),
        ("team_conflict_records_per_s_together", [Acode], "records/s", true),
        ("team_conflict_batch_p99_ms_together", [Acode], "ms", false),
        ("team_conflict_failed_batches", [Acode], "batches", false),
        ("team_conflict_retried_batches", [Acode], "batches", false),
        ("team_conflict_conflicts", [Acode], "conflicts", false),
        ("team_conflict_state_identical", [Acode], "1 = yes", true),
        ("team_growth_bytes_per_record_first_week", [Acode], "bytes", false),
        ("team_growth_bytes_per_record_last_week", [Acode], "bytes", false),
        ("team_growth_flat", [Acode], "1 = yes", true),
        ("pg_save_p50_us", [Acode, Raw], "µs", false),
        ("pg_save_p99_us", [Acode, Raw], "µs", false),
        ("pg_save_p50_us_100k", [Acode, Raw], "µs", false),
        ("pg_get_p50_us", [Acode, Raw], "µs", false),
        ("pg_get_p99_us", [Acode, Raw], "µs", false),
        ("pg_page_p50_us", [Acode, Raw], "µs", false),
        ("pg_page_p99_us", [Acode, Raw], "µs", false),
        ("storage_local_bytes_per_content_byte", [Acode], "bytes/byte", false),
        ("storage_pg_bytes_per_content_byte", [Acode], "bytes/byte", false),
    ];

    /// <summary>The metric keys of the agent-framework peers (<c>--peers</c>; issue 15 part 1): same JSON shape, own table.</summary>
    public static readonly (string Key, string Unit)[] PeerKeys =
    [
        ("agent_loop_steps", "steps"),
        ("agent_loop_persist_p50_us_at_10", "µs"),
        ("agent_loop_persist_p50_us_at_100", "µs"),
        ("agent_loop_persist_p50_us_at_last", "µs"),
        ("agent_loop_step_p50_us_at_10", "µs"),
        ("agent_loop_step_p50_us_at_100", "µs"),
        ("agent_loop_step_p50_us_at_last", "µs"),
        ("agent_loop_storage_mb", "MB"),
    ];

    private readonly Dictionary<string, Dictionary<string, double>> _metrics = new(StringComparer.Ordinal);
    private readonly List<(string Label, string Value)> _extra = [];
    private readonly List<string> _notes = [];

    public Report(string mode) => Mode = mode;

    public string Mode { get; }

    public void Set(string key, string implementation, double value)
    {
        if (!_metrics.TryGetValue(key, out Dictionary<string, double>? values))
        {
            _metrics[key] = values = new Dictionary<string, double>(StringComparer.Ordinal);
        }

        values[implementation] = value;
    }

    public double? Get(string key, string implementation)
        => _metrics.TryGetValue(key, out Dictionary<string, double>? values) && values.TryGetValue(implementation, out double v) ? v : null;

    /// <summary>A figure shown under the table only (not part of the JSON shape).</summary>
    public void AddExtra(string label, string value) => _extra.Add((label, value));

    public bool HasExtra(string label) => _extra.Exists(e => e.Label == label);

    public void AddNote(string note) => _notes.Add(note);

    public void WriteJson(string path)
    {
        using FileStream stream = File.Create(path);
        using var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        writer.WriteStartObject();
        writer.WriteString("mode", Mode);
        writer.WriteStartObject("metrics");
        foreach ((string key, string[] implementations) in Keys.Select(k => (k.Key, k.Implementations)).Concat(PeerKeys.Select(k => (k.Key, Peers.Select(p => p.Name).ToArray()))))
        {
            if (!_metrics.TryGetValue(key, out Dictionary<string, double>? values))
            {
                continue;
            }

            writer.WriteStartObject(key);
            foreach (string implementation in implementations)
            {
                if (values.TryGetValue(implementation, out double value))
                {
                    writer.WriteNumber(implementation, Math.Round(value, 1));
                }
            }

            writer.WriteEndObject();
        }

        writer.WriteEndObject();

        // The goal table as printed (bench/verdicts.py reads it to give one verdict per goal over several runs).
        writer.WriteStartArray("goals");
        foreach ((string goal, string measured, bool? met) in Goals())
        {
            writer.WriteStartObject();
            writer.WriteString("goal", goal);
            writer.WriteString("measured", measured);
            writer.WriteString("verdict", met is null ? "n/a" : met.Value ? "met" : "MISSED");
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    public void Print(TextWriter output)
    {
        output.WriteLine();
        output.WriteLine($"## Results ({Mode} mode)");
        output.WriteLine();
        output.WriteLine("| metric | acode | raw | efcore | acode/raw | efcore/acode |");
        output.WriteLine("|---|---:|---:|---:|---:|---:|");
        foreach ((string key, _, string unit, _) in Keys)
        {
            double? acode = Get(key, Acode), raw = Get(key, Raw), ef = Get(key, EfCore);
            if (acode is null && raw is null && ef is null)
            {
                continue;
            }

            output.WriteLine($"| {key} ({unit}) | {Num(acode)} | {Num(raw)} | {Num(ef)} | {Ratio(acode, raw)} | {Ratio(ef, acode)} |");
            if (Get(key, RawCopy) is { } copy)
            {
                // The second baseline of the sync, in the raw column: binary COPY + set-based merge (issue 15 part 2).
                output.WriteLine($"| {key}, raw = {RawCopy} ({unit}) | {Num(acode)} | {Num(copy)} | – | {Ratio(acode, copy)} | – |");
            }
        }

        if (PeerKeys.Any(k => _metrics.ContainsKey(k.Key)))
        {
            output.WriteLine();
            output.WriteLine("## Agent-framework peers (issue 15 part 1): an agent loop, one durable save per step");
            output.WriteLine();
            output.WriteLine($"| metric | {string.Join(" | ", Peers.Select(p => p.Title))} | acode / best SQLite peer | acode / best PostgreSQL peer |");
            output.WriteLine($"|---|{string.Concat(Peers.Select(_ => "---:|"))}---:|---:|");
            foreach ((string key, string unit) in PeerKeys)
            {
                if (!_metrics.ContainsKey(key))
                {
                    continue;
                }

                string ratio = key == "agent_loop_steps" ? "–" : Ratio(Get(key, Acode), BestPeer(key, LangGraphSqlite, LangGraphSqliteDelta));
                string pgRatio = key == "agent_loop_steps" ? "–" : Ratio(Get(key, AcodePostgres), BestPeer(key, LangGraphPostgres, LangGraphPostgresDelta));
                output.WriteLine($"| {key} ({unit}) | {string.Join(" | ", Peers.Select(p => Num(Get(key, p.Name))))} | {ratio} | {pgRatio} |");
            }
        }

        if (_extra.Count > 0)
        {
            output.WriteLine();
            output.WriteLine("| more figures | value |");
            output.WriteLine("|---|---|");
            foreach ((string label, string value) in _extra)
            {
                output.WriteLine($"| {label} | {value} |");
            }
        }

        output.WriteLine();
        output.WriteLine("## Goals (issues 4, 12 and 15)");
        output.WriteLine();
        output.WriteLine("| goal | measured | verdict |");
        output.WriteLine("|---|---:|---|");
        foreach ((string goal, string measured, bool? met) in Goals())
        {
            output.WriteLine($"| {goal} | {measured} | {(met is null ? "n/a" : met.Value ? "met" : "MISSED")} |");
        }

        foreach (string note in _notes)
        {
            output.WriteLine();
            output.WriteLine(note);
        }
    }

    /// <summary>The goals of issue 4 with this run's ratios. (The issue asks for medians of ≥ 3 full runs; one run is one sample.)</summary>
    public IEnumerable<(string Goal, string Measured, bool? Met)> Goals()
    {
        yield return RatioGoal("save p50 acode/raw ≤ 1.5", Get("save_p50_us", Acode), Get("save_p50_us", Raw), r => r <= 1.5);
        yield return RatioGoal("save p99 acode/raw ≤ 2.0", Get("save_p99_us", Acode), Get("save_p99_us", Raw), r => r <= 2.0);
        yield return RatioGoal("save p50 acode at 100k / at 10 ≤ 1.3", Get("save_p50_us_100k", Acode), Get("save_p50_us", Acode), r => r <= 1.3);
        yield return RatioGoal("read p50 acode/raw ≤ 1.5", Get("read_p50_us", Acode), Get("read_p50_us", Raw), r => r <= 1.5);
        yield return RatioGoal("page p50 acode/raw ≤ 1.5", Get("page_p50_us", Acode), Get("page_p50_us", Raw), r => r <= 1.5);
        yield return RatioGoal("page p99 acode/raw ≤ 1.5", Get("page_p99_us", Acode), Get("page_p99_us", Raw), r => r <= 1.5);
        // Issue 15 part 6: no EF Core goal on saves: a durable save is bounded by the one fsync every implementation pays.
        foreach ((string key, _, string unit, _) in Keys)
        {
            if (unit == "µs" && !key.StartsWith("save_", StringComparison.Ordinal) && !key.StartsWith("pg_", StringComparison.Ordinal))
            {
                yield return RatioGoal($"{key} efcore/acode ≥ 2", Get(key, EfCore), Get(key, Acode), r => r >= 2);
            }
        }

        // Issue 15 part 2: against the COPY limit, and ahead of the unnest baseline (the goal was acode/raw ≥ 0.6 before).
        yield return RatioGoal("sync records/s acode/raw_copy (COPY limit) ≥ 0.7", Get("sync_records_per_s", Acode), Get("sync_records_per_s", RawCopy), r => r >= 0.7);
        yield return RatioGoal("sync records/s acode/raw (unnest baseline) ≥ 1.2", Get("sync_records_per_s", Acode), Get("sync_records_per_s", Raw), r => r >= 1.2);
        // Issue 12: the PostgreSQL store (workload pgstore) against raw Npgsql writing and reading the same rows.
        yield return RatioGoal("PostgreSQL store: save p50 acode/raw ≤ 1.5", Get("pg_save_p50_us", Acode), Get("pg_save_p50_us", Raw), r => r <= 1.5);
        yield return RatioGoal("PostgreSQL store: save p50 at the big session acode/raw ≤ 1.5", Get("pg_save_p50_us_100k", Acode), Get("pg_save_p50_us_100k", Raw), r => r <= 1.5);
        yield return RatioGoal("PostgreSQL store: save p50 acode at 100k / at 10 ≤ 1.3", Get("pg_save_p50_us_100k", Acode), Get("pg_save_p50_us", Acode), r => r <= 1.3);
        yield return RatioGoal("PostgreSQL store: get p50 acode/raw ≤ 1.5", Get("pg_get_p50_us", Acode), Get("pg_get_p50_us", Raw), r => r <= 1.5);
        yield return RatioGoal("PostgreSQL store: page p50 acode/raw ≤ 1.5", Get("pg_page_p50_us", Acode), Get("pg_page_p50_us", Raw), r => r <= 1.5);
        double? rss = Get("sync_peak_rss_mb", Acode);
        yield return ("sync peak RSS ≤ 150 MB", rss is { } m ? $"{m:F0} MB" : "–", rss is { } v ? v <= 150 : null);
        double? large = Get("sync_large_peak_rss_mb", Acode);
        yield return ("sync peak RSS, 3.2 MB records ≤ 400 MB", large is { } l ? $"{l:F0} MB" : "–", large is { } w ? w <= 400 : null);
        yield return RatioGoal("startup session list, shipped (ReadyToRun) / as built ≤ 0.6", Get("startup_session_list_ms", AcodeReadyToRun), Get("startup_session_list_ms", Acode), r => r <= 0.6);
        yield return RatioGoal("startup db status, shipped (ReadyToRun) / as built ≤ 0.6", Get("startup_db_status_ms", AcodeReadyToRun), Get("startup_db_status_ms", Acode), r => r <= 0.6);
        double? wal = Get("save_wal_kb_per_save", Acode);
        yield return ("WAL per save of one tool call with a 2 KB result ≤ 16 KiB", wal is { } k ? $"{k:F1} KiB" : "–", wal is { } kb ? kb <= 16 : null);
        double? local = Get("local_bytes_per_payload_byte", Acode);
        yield return ("local bytes per payload byte after a sync ≤ 1.5", local is { } b ? b.ToString("F2", CultureInfo.InvariantCulture) : "–", local is { } x ? x <= 1.5 : null);
        yield return RatioGoal("save p99 / p50 over the save-tail saves ≤ 2 (checkpoints off the save path)", Get("save_tail_p99_us", Acode), Get("save_tail_p50_us", Acode), r => r <= 2);
        yield return RatioGoal("team: records/s of all syncers at once / one alone ≥ 1", Get("team_records_per_s_together", Acode), Get("team_records_per_s_alone", Acode), r => r >= 1);
        if (Get("team_failed_batches", Acode) is { } failed)
        {
            yield return ("team: failed batches = 0 (deadlocks, serialization failures retried invisibly)", $"{failed:F0} (retried {Get("team_retried_batches", Acode) ?? 0:F0})", failed == 0);
            yield return ("team: final state identical to a sequential run", Get("team_state_identical", Acode) == 1 ? "identical" : "different", Get("team_state_identical", Acode) == 1);
        }

        foreach ((string goal, string measured, bool? met) in TeamConflictGoals())
        {
            yield return (goal, measured, met);
        }

        double? storageLocal = Get("storage_local_bytes_per_content_byte", Acode);
        yield return ("storage: local database ≤ 0.5 × the content (issue 13)", storageLocal is { } lb ? lb.ToString("F2", CultureInfo.InvariantCulture) : "–", storageLocal is { } lv ? lv <= 0.5 : null);
        double? storagePg = Get("storage_pg_bytes_per_content_byte", Acode);
        yield return ("storage: PostgreSQL ≤ 1 × the content (issue 13)", storagePg is { } pb ? pb.ToString("F2", CultureInfo.InvariantCulture) : "–", storagePg is { } pv ? pv <= 1.0 : null);
        if (_metrics.ContainsKey("agent_loop_steps"))
        {
            string at = $"step {Get("agent_loop_steps", Acode):F0}";
            // The peer's best: the lower of its checkpoint writes and its whole step (its writes can overlap the step), over both configurations.
            double? peerSqlite = new[] { BestPeer("agent_loop_persist_p50_us_at_last", LangGraphSqlite, LangGraphSqliteDelta), BestPeer("agent_loop_step_p50_us_at_last", LangGraphSqlite, LangGraphSqliteDelta) }.Min();
            yield return RatioGoal($"agent loop persist p50 at {at}, acode / best LangGraph SQLite ≤ 0.1", Get("agent_loop_persist_p50_us_at_last", Acode), peerSqlite, r => r <= 0.1);
            yield return RatioGoal($"agent loop storage at {at}, acode / best LangGraph SQLite ≤ 0.1", Get("agent_loop_storage_mb", Acode),
                BestPeer("agent_loop_storage_mb", LangGraphSqlite, LangGraphSqliteDelta), r => r <= 0.1);
            double? peerPostgres = new[] { BestPeer("agent_loop_persist_p50_us_at_last", LangGraphPostgres, LangGraphPostgresDelta), BestPeer("agent_loop_step_p50_us_at_last", LangGraphPostgres, LangGraphPostgresDelta) }.Min();
            yield return RatioGoal($"agent loop persist p50 at {at}, acode PostgreSQL store / best LangGraph PostgreSQL ≤ 0.1", Get("agent_loop_persist_p50_us_at_last", AcodePostgres), peerPostgres, r => r <= 0.1);
            yield return RatioGoal($"agent loop storage at {at}, acode PostgreSQL store / best LangGraph PostgreSQL ≤ 0.1", Get("agent_loop_storage_mb", AcodePostgres),
                BestPeer("agent_loop_storage_mb", LangGraphPostgres, LangGraphPostgresDelta), r => r <= 0.1);
        }
    }

    /// <summary>Issue 15 part 3, the conflict round and the PostgreSQL growth (<see cref="Workloads.TeamConflictRound"/>, <see cref="Workloads.TeamGrowth"/>).</summary>
    private IEnumerable<(string Goal, string Measured, bool? Met)> TeamConflictGoals()
    {
        yield return RatioGoal("team, conflicts: records/s of all syncers at once / one alone ≥ 1", Get("team_conflict_records_per_s_together", Acode), Get("team_conflict_records_per_s_alone", Acode), r => r >= 1);
        if (Get("team_conflict_failed_batches", Acode) is { } failed)
        {
            yield return ("team, conflicts: failed batches = 0 (deadlocks, serialization failures retried invisibly)",
                $"{failed:F0} (retried {Get("team_conflict_retried_batches", Acode) ?? 0:F0})", failed == 0);
            bool identical = Get("team_conflict_state_identical", Acode) == 1;
            yield return ("team, conflicts: final state identical to a sequential run (winners, sync_conflicts count)",
                $"{(identical ? "identical" : "different")}, {Get("team_conflict_conflicts", Acode):F0} conflicts", identical);
        }

        if (Get("team_growth_flat", Acode) is { } flat)
        {
            yield return ("team: PostgreSQL bytes per synced record flat over simulated weeks (sync_applied retention)",
                $"{Get("team_growth_bytes_per_record_first_week", Acode):F0} → {Get("team_growth_bytes_per_record_last_week", Acode):F0} bytes", flat == 1);
        }
    }

    /// <summary>The lowest figure of the given peers (their best configuration); null when none ran.</summary>
    private double? BestPeer(string key, params string[] implementations)
    {
        double?[] values = [.. implementations.Select(i => Get(key, i)).Where(v => v is not null)];
        return values.Length == 0 ? null : values.Min();
    }

    private static (string, string, bool?) RatioGoal(string goal, double? numerator, double? denominator, Func<double, bool> test)
        => numerator is { } n && denominator is { } d && d > 0
            ? (goal, (n / d).ToString("F2", CultureInfo.InvariantCulture), test(n / d))
            : (goal, "–", null);

    private static string Num(double? value) => value switch
    {
        null => "–",
        >= 100 => value.Value.ToString("N0", CultureInfo.InvariantCulture),
        _ => value.Value.ToString("F1", CultureInfo.InvariantCulture),
    };

    private static string Ratio(double? numerator, double? denominator)
        => numerator is { } n && denominator is { } d && d > 0 ? (n / d).ToString("F2", CultureInfo.InvariantCulture) : "–";
}
