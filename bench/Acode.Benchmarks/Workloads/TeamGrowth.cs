using System.Globalization;
using Acode.Application.Options;
using Acode.Application.Sync;
using Acode.Benchmarks.Harness;
using Acode.Domain.Entities;
using Acode.Infrastructure;
using Acode.Infrastructure.Postgres;
using Acode.Infrastructure.Sqlite;
using Acode.Infrastructure.Sync;
using Acode.Testing;
using Npgsql;

namespace Acode.Benchmarks.Workloads;

/// <summary>
/// Issue 15 part 3, PostgreSQL growth: two workspaces each work one agent session a day
/// (<see cref="BenchSettings.TeamDailyRecords"/> outbox records: tool calls saved running, then saved finished, each with
/// its event; the session row changes with every save) and sync it, every day of <see cref="BenchSettings.TeamWeeks"/>
/// simulated weeks, into one database. After each week: the bytes of every acode table with its indexes and TOAST
/// (<c>pg_total_relation_size</c> over the tables of the acode schema) per record synced so far.
/// <para>The simulated clock: PostgreSQL resolves an unqualified <c>now()</c> through the <c>search_path</c>. The bench's
/// database gets a schema <c>simclock</c> whose <c>now()</c> is <c>pg_catalog.now()</c> plus the simulated day
/// (<c>simclock.day</c>), the database's <c>search_path</c> becomes <c>public, simclock, pg_catalog</c> (acode's schema
/// stays the current one), and <c>sync_applied.applied_at</c> defaults to <c>simclock.now()</c>. acode's SQL is
/// unchanged: its applier stamps the keys and <see cref="SyncAppliedPruner"/> computes its horizon and its "at most
/// hourly" check with the simulated date, so the pruner that runs at the end of each day's sync deletes what a real team's
/// would on that day. After each day a plain <c>VACUUM</c> does what autovacuum does many times over a real day.</para>
/// </summary>
public static class TeamGrowth
{
    private const int Workspaces = 2;

    /// <summary>Largest rise of the bytes per synced record from one week to the next that still counts as flat.</summary>
    public const double FlatTolerance = 1.05;

    public static async Task RunAsync(BenchSettings settings, PostgresServer server, string workDir, Report report)
    {
        string database = await TeamWorkload.NewDatabaseAsync(server);
        await InstallSimulatedClockAsync(database);
        var workspaces = Enumerable.Range(0, Workspaces).Select(k => new Workspace(Path.Combine(workDir, $"team-growth-{k}"))).ToList();
        int days = settings.TeamWeeks * 7;
        Console.WriteLine($"[team] growth: {Workspaces} workspaces × {settings.TeamDailyRecords:N0} records a day, {days} simulated days");
        long synced = 0;
        var weeks = new List<(long Records, long Bytes, long Keys, long AppliedBytes)>();
        int counter = 0;
        for (int day = 1; day <= days; day++)
        {
            await ExecuteAsync(database, $"UPDATE simclock.day SET day = {day.ToString(CultureInfo.InvariantCulture)};");
            foreach (Workspace workspace in workspaces)
            {
                counter = await WorkADayAsync(workspace, day, settings.TeamDailyRecords, counter);
                synced += await SyncAsync(workspace, database);
            }

            await ExecuteAsync(database, "VACUUM (ANALYZE);");
            if (day % 7 == 0)
            {
                (long bytes, long keys, long appliedBytes) = await SizesAsync(database);
                weeks.Add((synced, bytes, keys, appliedBytes));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"[team] growth, week {day / 7}: {synced:N0} records synced, acode tables {bytes / 1048576.0:F1} MiB = {(double)bytes / synced:F0} bytes per record; sync_applied {keys:N0} keys ({appliedBytes / 1048576.0:F1} MiB)"));
            }
        }

        long stale = await StaleKeysAsync(database);
        double[] perRecord = [.. weeks.Select(w => (double)w.Bytes / w.Records)];
        double worstRise = perRecord.Skip(1).Select((v, i) => v / perRecord[i]).DefaultIfEmpty(1).Max();
        bool flat = weeks.Count >= 2 && worstRise <= FlatTolerance && stale == 0;
        Console.WriteLine($"[team] growth: {(flat ? "flat" : "NOT flat")} (worst week-on-week ratio {worstRise:F2}, keys past the retention horizon left: {stale})");

        report.Set("team_growth_bytes_per_record_first_week", Report.Acode, perRecord[0]);
        report.Set("team_growth_bytes_per_record_last_week", Report.Acode, perRecord[^1]);
        report.Set("team_growth_flat", Report.Acode, flat ? 1 : 0);
        report.AddExtra($"team, PostgreSQL growth: {Workspaces} workspaces × {settings.TeamDailyRecords:N0} records a day, {settings.TeamWeeks} simulated weeks",
            string.Join("; ", weeks.Select((w, i) => string.Create(CultureInfo.InvariantCulture,
                $"week {i + 1}: {(double)w.Bytes / w.Records:F0} bytes/record ({w.Bytes / 1048576.0:F1} MiB for {w.Records:N0} records; sync_applied {w.Keys:N0} keys, {w.AppliedBytes / 1048576.0:F1} MiB)")))
            + $"; keys past the horizon not pruned: {stale}; verdict {(flat ? "flat" : "NOT flat")}");
    }

    /// <summary>See the class: <c>simclock.now()</c> and the database's search_path (a bench-only change of this throwaway database).</summary>
    private static async Task InstallSimulatedClockAsync(string database)
    {
        string name = new NpgsqlConnectionStringBuilder(database).Database!;
        await ExecuteAsync(database, $"""
            CREATE SCHEMA simclock;
            CREATE TABLE simclock.day (day integer NOT NULL);
            INSERT INTO simclock.day VALUES (0);
            CREATE FUNCTION simclock.now() RETURNS timestamptz LANGUAGE sql STABLE
                AS $$ SELECT pg_catalog.now() + pg_catalog.make_interval(days => (SELECT day FROM simclock.day)) $$;
            ALTER TABLE sync_applied ALTER COLUMN applied_at SET DEFAULT simclock.now();
            ALTER DATABASE "{name}" SET search_path = public, simclock, pg_catalog;
            """);
        NpgsqlConnection.ClearAllPools();
    }

    /// <summary>One day of an agent: a new session, tool calls in saves of 10 (started, then finished), each with its event.</summary>
    private static async Task<int> WorkADayAsync(Workspace workspace, int day, int records, int counter)
    {
        using SqliteWorkspaceDatabase database = SqliteWorkspaceDatabase.Open(workspace, new SqliteOptions { Synchronous = SqliteSynchronous.Normal });
        var store = new SqliteRunStateStore(database);
        SaveWorkload.SeededSession s = SaveWorkload.NewSession($"Day {day}");
        int made = 0;
        while (made < records)
        {
            var calls = new List<ToolCall>();
            for (int c = 0; c < 10; c++)
            {
                ToolCall call = s.Step.AddToolCall(Text.Tool(counter), Text.Arguments(counter));
                call.Start();
                s.Session.AppendEvent("tool_call.started", $$"""{"toolCallId":"{{call.Id.Value}}"}""");
                calls.Add(call);
                counter++;
            }

            made += s.Session.PendingChanges.Count;
            await store.SaveAsync(s.Session);
            foreach (ToolCall call in calls)
            {
                call.Succeed(Text.Output(counter + call.ArgumentsJson.Length), TimeSpan.FromMilliseconds(40));
                s.Session.AppendEvent("tool_call.completed", $$"""{"toolCallId":"{{call.Id.Value}}","status":"Succeeded"}""");
            }

            made += s.Session.PendingChanges.Count;
            await store.SaveAsync(s.Session);
        }

        return counter;
    }

    private static async Task<long> SyncAsync(Workspace workspace, string database)
    {
        using SqliteWorkspaceDatabase local = SqliteWorkspaceDatabase.Open(workspace);
        using var sync = new OutboxSyncService(local, PostgresConnectionSettings.Parse(database, "bench"), new SyncOptions());
        SyncRunResult result = await sync.SyncAsync();
        return result.Remaining == 0 && !result.Paused && result.DeadLettered == 0
            ? result.Delivered
            : throw new InvalidOperationException($"A daily sync left {result.Remaining} records pending ({result.PauseReason}).");
    }

    /// <summary>Bytes of every table of the acode schema (<c>public</c>) with its indexes and TOAST; sync_applied's keys and bytes.</summary>
    private static async Task<(long Bytes, long Keys, long AppliedBytes)> SizesAsync(string database)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            SELECT (SELECT sum(pg_total_relation_size(c.oid))::bigint FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                    WHERE n.nspname = 'public' AND c.relkind IN ('r', 'm', 'p')),
                   (SELECT count(*) FROM sync_applied),
                   pg_total_relation_size('sync_applied');
            """, connection);
        await using NpgsqlDataReader reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
    }

    /// <summary>Keys the pruner should have deleted: applied before its horizon (the simulated date) and not a stored version.</summary>
    private static async Task<long> StaleKeysAsync(string database)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            SELECT count(*) FROM sync_applied a
            WHERE a.applied_at < now() - make_interval(days => COALESCE((SELECT max(COALESCE(outbox_retention_days, 3650)) FROM workspaces), 3650) + 1)
              AND NOT EXISTS (SELECT 1 FROM stored_versions v
                              WHERE v.entity_type = a.entity_type AND v.entity_id = a.entity_id AND v.idempotency_key = a.idempotency_key);
            """, connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task ExecuteAsync(string database, string sql)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
