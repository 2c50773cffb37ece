using System.Diagnostics;
using System.Globalization;
using Acode.Application.Options;
using Acode.Application.Sync;
using Acode.Benchmarks.Harness;
using Acode.Domain.Entities;
using Acode.Domain.Ids;
using Acode.Infrastructure;
using Acode.Infrastructure.Postgres;
using Acode.Infrastructure.PostgresStore;
using Acode.Infrastructure.Sqlite;
using Acode.Infrastructure.Sync;
using Acode.Testing;
using Npgsql;

namespace Acode.Benchmarks.Workloads;

/// <summary>
/// Issue 15 part 3, second round: the same sessions edited in several workspaces (conflicts), synced all at once.
/// <list type="number">
/// <item>One workspace saves the shared sessions (sessions of 250 tool calls left running, about half of
/// <see cref="BenchSettings.TeamRecords"/> records) and syncs them into a base database.</item>
/// <item>Each of the <see cref="BenchSettings.TeamWorkspaces"/> workspaces pulls them all from there
/// (<see cref="RemoteSessionPull"/>, what <c>acode session pull --all</c> does: PostgreSQL records that each holds those
/// versions), then edits every one of them in one save per session: renames it (a conflict in every workspace), finishes
/// the running tool calls whose number modulo n is k or k + 1 (each finished in two workspaces with different results: a
/// conflict each), appends new tool calls with their events until its outbox holds about
/// <see cref="BenchSettings.TeamRecords"/> records, and completes the step (a conflict in every workspace). Workspace k
/// works through the sessions from the k-th n-th of the list on, as people on a team do not move in lockstep; every
/// session is still edited in every workspace. (The pulled rows are in each outbox too, as a pull is an import: each
/// sync delivers them first, and the applier finds them already held.)</item>
/// <item>Copies of those workspaces sync into three copies of the base database (<c>CREATE DATABASE … TEMPLATE</c>):
/// workspace 0 alone; all at once, separate processes; all one after another. The concurrent run's final state must equal
/// the sequential one's: every mirror row (same winners under the conflict rule, whichever arrived first), the set of
/// applied keys, and the number of audited conflicts in <c>sync_conflicts</c>.</item>
/// </list>
/// </summary>
public static class TeamConflictRound
{
    private const int ToolCallsPerSession = 250;

    public static async Task RunAsync(BenchSettings settings, PostgresServer server, string workDir, Report report)
    {
        int n = settings.TeamWorkspaces;
        int baseToolCalls = Math.Max(n, settings.TeamRecords / 4);
        var origin = new Workspace(Path.Combine(workDir, "team-conflict-origin"));
        List<SessionId> ids = await SeedRunningAsync(origin, baseToolCalls);
        string baseDb = await TeamWorkload.NewDatabaseAsync(server);
        await SyncInProcessAsync(origin, baseDb);
        Console.WriteLine($"[team] conflicts: {ids.Count} shared sessions of up to {ToolCallsPerSession} running tool calls ({baseToolCalls:N0}) in PostgreSQL; {n} workspaces pull and edit them");

        var workspaces = new List<Workspace>();
        long records = 0;
        for (int k = 0; k < n; k++)
        {
            var workspace = new Workspace(Path.Combine(workDir, $"team-conflict-{k}"));
            await PullAllAsync(workspace, baseDb);
            records += await EditAsync(workspace, ids, k, n, baseToolCalls, settings.TeamRecords);
            workspaces.Add(workspace);
        }

        NpgsqlConnection.ClearAllPools();
        string aloneDb = await CloneAsync(server, baseDb);
        TeamWorkload.ChildResult alone = (await TeamWorkload.RunChildrenAsync([TeamWorkload.Copy(workspaces[0], workDir, "team-conflict-alone")], aloneDb, concurrently: true)).Single();
        double aloneRate = alone.Delivered / alone.Seconds;
        Console.WriteLine($"[team] conflicts, one syncer alone: {alone.Delivered:N0} records in {alone.Seconds:F1} s = {aloneRate:N0} records/s, batch p99 {alone.BatchP99Ms:F0} ms");

        string teamDb = await CloneAsync(server, baseDb);
        ServerErrors.Log serverLog = ServerErrors.Mark(server);
        long t = Stopwatch.GetTimestamp();
        List<TeamWorkload.ChildResult> team = await TeamWorkload.RunChildrenAsync([.. workspaces.Select((w, k) => TeamWorkload.Copy(w, workDir, $"team-conflict-together-{k}"))], teamDb, concurrently: true);
        double teamSeconds = Stopwatch.GetElapsedTime(t).TotalSeconds;
        ServerErrors errors = serverLog.Read();
        double teamRate = team.Sum(r => r.Delivered) / teamSeconds;
        long failed = team.Sum(r => r.Failed), released = team.Sum(r => r.Released);
        Console.WriteLine($"[team] conflicts, {n} at once: {team.Sum(r => r.Delivered):N0} records in {teamSeconds:F1} s = {teamRate:N0} records/s ({teamRate / aloneRate:F2}× one alone), "
            + $"batch p99 {team.Max(r => r.BatchP99Ms):F0} ms (worst process), conflicts {team.Sum(r => r.Conflicts):N0}, batches retried {released}, failed batches {failed}; PostgreSQL: {errors}");

        string sequentialDb = await CloneAsync(server, baseDb);
        List<TeamWorkload.ChildResult> sequential = await TeamWorkload.RunChildrenAsync([.. workspaces.Select((w, k) => TeamWorkload.Copy(w, workDir, $"team-conflict-sequential-{k}"))], sequentialDb, concurrently: false);
        failed += sequential.Sum(r => r.Failed);
        string together = await TeamWorkload.FingerprintAsync(teamDb, withOutcomes: false), oneByOne = await TeamWorkload.FingerprintAsync(sequentialDb, withOutcomes: false);
        bool identical = together == oneByOne;
        long conflicts = await ScalarAsync(teamDb, "SELECT count(*) FROM sync_conflicts;");
        Console.WriteLine($"[team] conflicts, final state at once vs one after another: {(identical ? "identical" : "DIFFERENT")} ({together}{(identical ? string.Empty : $" / {oneByOne}")})");

        report.Set("team_conflict_records_per_s_alone", Report.Acode, aloneRate);
        report.Set("team_conflict_records_per_s_together", Report.Acode, teamRate);
        report.Set("team_conflict_batch_p99_ms_together", Report.Acode, team.Max(r => r.BatchP99Ms));
        report.Set("team_conflict_failed_batches", Report.Acode, failed);
        report.Set("team_conflict_retried_batches", Report.Acode, released);
        report.Set("team_conflict_conflicts", Report.Acode, conflicts);
        report.Set("team_conflict_state_identical", Report.Acode, identical ? 1 : 0);
        report.AddExtra($"team, conflicts: {n} workspaces editing the same {ids.Count} sessions, {records / n:N0} records of edits each (+ {(team.Sum(r => r.Delivered) - records) / n:N0} pulled copies their outboxes also deliver)",
            string.Create(CultureInfo.InvariantCulture, $"alone {aloneRate:N0} records/s (batch p99 {alone.BatchP99Ms:F0} ms); together {teamRate:N0} records/s in {teamSeconds:F1} s, batch p99 {team.Max(r => r.BatchP99Ms):F0} ms; {conflicts:N0} conflicts audited; batches retried after a deadlock or serialization failure {released}; PostgreSQL's log: {errors}; final state (mirror rows, applied keys, conflict count) {(identical ? "identical to" : "DIFFERENT from")} the sequential run's"));
    }

    /// <summary>Sessions of up to 250 tool calls, each started (running) with a <c>tool_call.started</c> event, one save per session.</summary>
    private static async Task<List<SessionId>> SeedRunningAsync(Workspace workspace, int toolCalls)
    {
        using SqliteWorkspaceDatabase database = SqliteWorkspaceDatabase.Open(workspace, new SqliteOptions { Synchronous = SqliteSynchronous.Normal });
        var store = new SqliteRunStateStore(database);
        var ids = new List<SessionId>();
        for (int i = 0; i < toolCalls;)
        {
            SaveWorkload.SeededSession s = SaveWorkload.NewSession($"Shared session {ids.Count}");
            for (int c = 0; c < ToolCallsPerSession && i < toolCalls; c++, i++)
            {
                ToolCall call = s.Step.AddToolCall(Text.Tool(i), Text.Arguments(i));
                call.Start();
                s.Session.AppendEvent("tool_call.started", $$"""{"toolCallId":"{{call.Id.Value}}","tool":"{{call.ToolName}}"}""");
            }

            await store.SaveAsync(s.Session);
            ids.Add(s.Session.Id);
        }

        return ids;
    }

    private static async Task SyncInProcessAsync(Workspace workspace, string database)
    {
        using SqliteWorkspaceDatabase local = SqliteWorkspaceDatabase.Open(workspace);
        using var sync = new OutboxSyncService(local, PostgresConnectionSettings.Parse(database, "bench"), new SyncOptions());
        SyncRunResult result = await sync.SyncAsync();
        if (result.Remaining != 0 || result.Paused || result.DeadLettered != 0)
        {
            throw new InvalidOperationException($"Syncing the shared sessions left {result.Remaining} records pending ({result.PauseReason}).");
        }
    }

    /// <summary><c>acode session pull --all</c> into a new workspace: every live session of the database, held by this workspace.</summary>
    private static async Task PullAllAsync(Workspace workspace, string database)
    {
        using SqliteWorkspaceDatabase local = SqliteWorkspaceDatabase.Open(workspace, new SqliteOptions { Synchronous = SqliteSynchronous.Normal });
        await using NpgsqlDataSource source = NpgsqlDataSource.Create(database);
        var remote = new PostgresRunStateStore(source, PostgresStoreOrigin.Default);
        var pull = new RemoteSessionPull(remote, new SqliteRunStateStore(local), local.WorkspaceId!);
        foreach (SessionId id in await RemoteSessionPull.ChangedSinceAsync(remote, DateTimeOffset.UnixEpoch))
        {
            _ = await pull.PullAsync(id) ?? throw new InvalidOperationException($"PostgreSQL lost session {id}.");
        }
    }

    /// <summary>Workspace <paramref name="k"/>'s edits of the shared sessions (see the class); the outbox records they made.</summary>
    private static async Task<long> EditAsync(Workspace workspace, List<SessionId> ids, int k, int n, int baseToolCalls, int records)
    {
        using SqliteWorkspaceDatabase database = SqliteWorkspaceDatabase.Open(workspace, new SqliteOptions { Synchronous = SqliteSynchronous.Normal });
        var store = new SqliteRunStateStore(database);
        long before = (await new SqliteOutbox(database).GetStatisticsAsync()).Pending;
        int finishedHere = n == 1 ? baseToolCalls : (int)((long)baseToolCalls * 2 / n);
        int appendPerSession = Math.Max(0, (int)Math.Ceiling((records - (2.0 * finishedHere) - (2.0 * ids.Count)) / (2.0 * ids.Count)));
        int counter = 1_000_000 * (k + 1);
        for (int j = 0; j < ids.Count; j++)
        {
            int index = (j + (k * ids.Count / n)) % ids.Count;
            Session session = await store.GetSessionAsync(ids[index]) ?? throw new InvalidOperationException($"Session {ids[index]} was not pulled.");
            session.Rename($"Shared session {index}, continued in workspace {k}");
            Step step = session.Tasks[0].Steps[0];
            for (int c = 0; c < step.ToolCalls.Count; c++)
            {
                int number = (index * ToolCallsPerSession) + c;
                if (number % n == k || number % n == (k + 1) % n)
                {
                    ToolCall call = step.ToolCalls[c];
                    call.Succeed($"workspace {k}: " + Text.Output(number + k), TimeSpan.FromMilliseconds(5 + (number % 300)));
                    session.AppendEvent("tool_call.completed", $$"""{"toolCallId":"{{call.Id.Value}}","tool":"{{call.ToolName}}","status":"Succeeded"}""");
                }
            }

            for (int a = 0; a < appendPerSession; a++)
            {
                SaveWorkload.AddToolCall(session, step, counter++);
            }

            step.Complete();
            await store.SaveAsync(session);
        }

        return (await new SqliteOutbox(database).GetStatisticsAsync()).Pending - before;
    }

    /// <summary>A new database with the same contents as <paramref name="template"/> (nobody may be connected to it).</summary>
    private static async Task<string> CloneAsync(PostgresServer server, string template)
    {
        string from = new NpgsqlConnectionStringBuilder(template).Database!;
        string name = "acode_team_" + Guid.NewGuid().ToString("N")[..12];
        await using (var connection = new NpgsqlConnection(server.AdminConnectionString))
        {
            await connection.OpenAsync();
            // Both names are generated (the template's by PostgresServer), never input.
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\" TEMPLATE \"{from}\";", connection);
            await command.ExecuteNonQueryAsync();
        }

        return server.ConnectionStringFor(name);
    }

    private static async Task<long> ScalarAsync(string database, string sql)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
