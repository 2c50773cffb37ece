using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Acode.Benchmarks.Harness;
using Acode.Infrastructure;
using Acode.Infrastructure.Migrations;
using Acode.Testing;
using Npgsql;

namespace Acode.Benchmarks.Workloads;

/// <summary>
/// Issue 15 part 3 (full runs, <c>--team</c>, <c>--only team</c>): <see cref="BenchSettings.TeamWorkspaces"/> workspaces,
/// each a separate process (<see cref="TeamSyncChild"/>), syncing <see cref="BenchSettings.TeamRecords"/> records each into
/// one PostgreSQL at once, against one of them syncing alone into its own database; then the same workspaces synced one
/// after another into a third database, whose final state must equal the concurrent run's (row counts and a digest of
/// every mirror row's id, hlc and document, and of the applied keys). Then the conflict round
/// (<see cref="TeamConflictRound"/>) and the PostgreSQL growth over simulated weeks (<see cref="TeamGrowth"/>).
/// </summary>
public static class TeamWorkload
{
    private static readonly string[] Tables = ["sessions", "session_tasks", "steps", "tool_calls", "artifacts", "session_events"];

    public static async Task RunAsync(BenchSettings settings, string workDir, Report report)
    {
        int n = settings.TeamWorkspaces;
        Console.WriteLine($"[team] seeding {n} workspaces of {settings.TeamRecords:N0} records");
        var seeded = new List<Workspace>();
        for (int k = 0; k < n; k++)
        {
            var workspace = new Workspace(Path.Combine(workDir, $"team-seed-{k}"));
            _ = await SyncWorkload.SeedAsync(workspace, settings.TeamRecords);
            seeded.Add(workspace);
        }

        Console.WriteLine("[team] starting PostgreSQL");
        await using PostgresServer server = await PostgresServer.StartNewAsync();

        // One syncer alone (workspace 0), then all at once, then all one after another: each into a new database.
        string aloneDb = await NewDatabaseAsync(server);
        ChildResult alone = (await RunChildrenAsync([Copy(seeded[0], workDir, "team-alone")], aloneDb, concurrently: true)).Single();
        double aloneRate = alone.Delivered / alone.Seconds;
        Console.WriteLine($"[team] one syncer alone: {alone.Delivered:N0} records in {alone.Seconds:F1} s = {aloneRate:N0} records/s, batch p99 {alone.BatchP99Ms:F0} ms");

        string teamDb = await NewDatabaseAsync(server);
        var serverLog = ServerErrors.Mark(server);
        long t = Stopwatch.GetTimestamp();
        List<ChildResult> team = await RunChildrenAsync([.. seeded.Select((w, k) => Copy(w, workDir, $"team-together-{k}"))], teamDb, concurrently: true);
        double teamSeconds = Stopwatch.GetElapsedTime(t).TotalSeconds;
        ServerErrors errors = serverLog.Read();
        double teamRate = team.Sum(r => r.Delivered) / teamSeconds;
        long failed = team.Sum(r => r.Failed);
        Console.WriteLine($"[team] {n} at once: {team.Sum(r => r.Delivered):N0} records in {teamSeconds:F1} s = {teamRate:N0} records/s ({teamRate / aloneRate:F2}× one alone), "
            + $"batch p99 {team.Max(r => r.BatchP99Ms):F0} ms (worst process), batches retried {team.Sum(r => r.Released)}, failed batches {failed}; PostgreSQL: {errors}");

        string sequentialDb = await NewDatabaseAsync(server);
        List<ChildResult> sequential = await RunChildrenAsync([.. seeded.Select((w, k) => Copy(w, workDir, $"team-sequential-{k}"))], sequentialDb, concurrently: false);
        failed += sequential.Sum(r => r.Failed);
        string together = await FingerprintAsync(teamDb, withOutcomes: true), oneByOne = await FingerprintAsync(sequentialDb, withOutcomes: true);
        bool identical = together == oneByOne;
        Console.WriteLine($"[team] final state, at once vs one after another: {(identical ? "identical" : "DIFFERENT")} ({together}{(identical ? string.Empty : $" / {oneByOne}")})");

        report.Set("team_records_per_s_alone", Report.Acode, aloneRate);
        report.Set("team_records_per_s_together", Report.Acode, teamRate);
        report.Set("team_batch_p99_ms_together", Report.Acode, team.Max(r => r.BatchP99Ms));
        report.Set("team_failed_batches", Report.Acode, failed);
        report.Set("team_state_identical", Report.Acode, identical ? 1 : 0);
        report.Set("team_retried_batches", Report.Acode, team.Sum(r => r.Released));
        report.AddExtra($"team: {n} workspaces × {settings.TeamRecords:N0} records",
            string.Create(CultureInfo.InvariantCulture, $"alone {aloneRate:N0} records/s (batch p99 {alone.BatchP99Ms:F0} ms); together {teamRate:N0} records/s in {teamSeconds:F1} s (per process {string.Join(", ", team.Select(r => (r.Delivered / r.Seconds).ToString("N0", CultureInfo.InvariantCulture)))}); batches retried after a deadlock or serialization failure {team.Sum(r => r.Released)}; PostgreSQL's log: {errors}; final state {(identical ? "identical to" : "DIFFERENT from")} the sequential run's"));
        settings.CleanUp(workDir);

        await TeamConflictRound.RunAsync(settings, server, workDir, report);
        settings.CleanUp(workDir);
        await TeamGrowth.RunAsync(settings, server, workDir, report);
    }

    internal static Workspace Copy(Workspace seeded, string workDir, string name)
    {
        var copy = new Workspace(Path.Combine(workDir, name));
        SaveWorkload.CopyWorkspace(seeded.RootDirectory, copy.RootDirectory);
        return copy;
    }

    internal static async Task<string> NewDatabaseAsync(PostgresServer server)
    {
        string target = await server.CreateDatabaseAsync();
        await using NpgsqlDataSource source = NpgsqlDataSource.Create(target);
        await new PostgresMigrator().MigrateAsync(source);
        return target;
    }

    /// <summary>What one team sync process reported.</summary>
    /// <param name="Released">Batches given back untouched to be claimed again: a deadlock or serialization failure, retried invisibly.</param>
    /// <param name="Partial">Batches in which records failed (retried later with a backoff, or dead-lettered).</param>
    /// <param name="Errored">Batches that ended the run with an error.</param>
    internal sealed record ChildResult(long Delivered, long Remaining, bool Paused, long DeadLettered, long Retried, long Conflicts, double Seconds, double BatchP99Ms, long Released, long Partial, long Errored)
    {
        /// <summary>What did not get through: batches with failed records or an error, a pause, dead letters, records left pending (each counts once).</summary>
        public long Failed => Partial + Errored + (Paused ? 1 : 0) + DeadLettered + (Remaining > 0 ? 1 : 0);
    }

    internal static async Task<List<ChildResult>> RunChildrenAsync(IReadOnlyList<Workspace> workspaces, string database, bool concurrently)
    {
        var results = new List<ChildResult>();
        if (concurrently)
        {
            Task<ChildResult>[] running = [.. workspaces.Select(w => RunChildAsync(w, database))];
            results.AddRange(await Task.WhenAll(running));
        }
        else
        {
            foreach (Workspace workspace in workspaces)
            {
                results.Add(await RunChildAsync(workspace, database));
            }
        }

        return results;
    }

    private static async Task<ChildResult> RunChildAsync(Workspace workspace, string database)
    {
        string process = Environment.ProcessPath!;
        string[] prefix = string.Equals(Path.GetFileNameWithoutExtension(process), "dotnet", StringComparison.OrdinalIgnoreCase) ? [typeof(TeamWorkload).Assembly.Location] : [];
        var start = new ProcessStartInfo(process, [.. prefix, TeamSyncChild.Command, workspace.RootDirectory])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment[SyncWorkload.PostgresVariable] = database;
        using Process child = Process.Start(start)!;
        Task<string> stderr = child.StandardError.ReadToEndAsync();
        string output = await child.StandardOutput.ReadToEndAsync();
        await child.WaitForExitAsync();
        if (child.ExitCode != 0)
        {
            throw new InvalidOperationException($"A team sync process failed with exit code {child.ExitCode}: {output}{await stderr}");
        }

        using JsonDocument json = JsonDocument.Parse(output.Trim().Split('\n')[^1]);
        JsonElement r = json.RootElement;
        return new ChildResult(r.GetProperty("delivered").GetInt64(), r.GetProperty("remaining").GetInt64(), r.GetProperty("paused").GetBoolean(),
            r.GetProperty("deadLettered").GetInt64(), r.GetProperty("retried").GetInt64(), r.GetProperty("conflicts").GetInt64(), r.GetProperty("seconds").GetDouble(),
            r.GetProperty("batchP99Ms").GetDouble(), r.GetProperty("released").GetInt64(), r.GetProperty("partial").GetInt64(), r.GetProperty("failed").GetInt64());
    }

    /// <summary>
    /// Row counts and an md5 over every mirror row's (id, hlc, document) in id order, and over the applied keys in key order:
    /// with their outcomes when <paramref name="withOutcomes"/> (which change a key's outcome is depends on the order of
    /// arrival when changes conflict: the first is applied, the later ones are judged; the rows and the count of
    /// conflicts do not), and the number of audited conflicts.
    /// </summary>
    internal static async Task<string> FingerprintAsync(string database, bool withOutcomes)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        var parts = new List<string>();
        foreach (string table in Tables)
        {
            // Table names come from the constant list above, never from input.
            await using var command = new NpgsqlCommand($"SELECT count(*) || ':' || coalesce(md5(string_agg(id || '|' || hlc || '|' || md5(document::text), ',' ORDER BY id)), '-') FROM {table};", connection);
            parts.Add($"{table} {await command.ExecuteScalarAsync()}");
        }

        string key = withOutcomes ? "idempotency_key || '|' || outcome" : "idempotency_key";
        await using (var keys = new NpgsqlCommand($"SELECT count(*) || ':' || coalesce(md5(string_agg({key}, ',' ORDER BY idempotency_key)), '-') FROM sync_applied;", connection))
        {
            parts.Add($"sync_applied {await keys.ExecuteScalarAsync()}");
        }

        await using (var conflicts = new NpgsqlCommand("SELECT count(*) FROM sync_conflicts;", connection))
        {
            parts.Add($"sync_conflicts {await conflicts.ExecuteScalarAsync()}");
        }

        return string.Join("; ", parts);
    }
}
