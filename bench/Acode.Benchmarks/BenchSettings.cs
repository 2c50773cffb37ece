using System.Globalization;

namespace Acode.Benchmarks;

/// <summary>Sizes of every workload. <c>--quick</c> is small enough for CI (≤ 3 minutes on 2 cores); full mode is what issue 4 asks for.</summary>
public sealed class BenchSettings
{
    public bool Quick { get; private set; }

    public string? JsonPath { get; private set; }

    /// <summary>Where the workspaces and databases go (a fresh folder under it; deleted afterwards unless <see cref="Keep"/>).</summary>
    public string WorkRoot { get; private set; } = Path.GetTempPath();

    public bool Keep { get; private set; }

    /// <summary>Which workloads run: save, read, page, status, sync (all by default).</summary>
    public HashSet<string> Only { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Tool calls already in the big session of the save workload (issue: 100 000).</summary>
    public int BigSessionToolCalls { get; private set; } = 100_000;

    /// <summary>Tool calls already in each small session of the save workload (issue: 10).</summary>
    public int SmallSessionToolCalls { get; private set; } = 10;

    /// <summary>Measured saves per implementation and session size.</summary>
    public int Saves { get; private set; } = 3_000;

    /// <summary>Sessions of the read/page/status workspace (issue: 1 000 000).</summary>
    public int Sessions { get; private set; } = 1_000_000;

    /// <summary>Sessions of that workspace that hold tasks (the read workload reads these).</summary>
    public int SessionsWithTasks { get; private set; } = 2_000;

    public int TasksPerSession { get; private set; } = 5;

    /// <summary>Measured reads and pages per implementation.</summary>
    public int Reads { get; private set; } = 20_000;

    public int Pages { get; private set; } = 5_000;

    /// <summary>Outbox records synced per implementation for the throughput figure (issue: 100 000).</summary>
    public int SyncRecords { get; private set; } = 100_000;

    /// <summary>Outbox records synced by the child process whose peak memory is measured (issue: 1 000 000).</summary>
    public int SyncMemoryRecords { get; private set; } = 1_000_000;

    /// <summary>Tool calls with large results (<see cref="SyncLargeResultBytes"/> each) synced while measuring peak memory (issue 10.4: 350).</summary>
    public int SyncLargeRecords { get; private set; } = 350;

    /// <summary>Characters of each large tool result (issue 10.4: 3.2 MB).</summary>
    public int SyncLargeResultBytes { get; private set; } = 3_200_000;

    /// <summary>Records per PostgreSQL transaction of the raw sync (acode uses its default, <c>SyncOptions.DefaultBatchSize</c>).</summary>
    public int RawSyncBatch { get; private set; } = Acode.Application.Sync.SyncOptions.DefaultBatchSize;

    /// <summary>Cold runs of <c>acode db status</c>.</summary>
    public int StatusRuns { get; private set; } = 5;

    public int BlockSize { get; private set; } = 100;

    /// <summary>Transcripts of the generated import corpus (issue 14: 1 000).</summary>
    public int ImportSessions { get; private set; } = 1_000;

    /// <summary>Size of the generated import corpus in MiB (issue 14: 200).</summary>
    public int ImportMegabytes { get; private set; } = 200;

    /// <summary>Whole-process runs of each command of the start-up workload (issue 15 part 5: 10).</summary>
    public int StartupRuns { get; private set; } = 10;

    /// <summary>Run the team-scale workload with <c>--quick</c> or <c>--only</c> too (issue 15 part 3; a full run without <c>--only</c> always runs it).</summary>
    public bool Team { get; private set; }

    /// <summary>Workspaces (processes) syncing into one PostgreSQL at once (issue 15: 8).</summary>
    public int TeamWorkspaces { get; private set; } = 8;

    /// <summary>Records each team workspace syncs (issue 15: 100 000).</summary>
    public int TeamRecords { get; private set; } = 100_000;

    /// <summary>Simulated weeks of daily syncing of the team's PostgreSQL growth (issue 15 part 3).</summary>
    public int TeamWeeks { get; private set; } = 4;

    /// <summary>Outbox records each of the two workspaces of the growth measurement makes and syncs per simulated day.</summary>
    public int TeamDailyRecords { get; private set; } = 2_000;

    /// <summary>Run the agent-framework peers (issue 15 part 1; optional, never part of <c>--quick</c>).</summary>
    public bool Peers { get; private set; }

    /// <summary>Steps of the peers' agent loop (issue 15: 1 000).</summary>
    public int PeerSteps { get; private set; } = 1_000;

    public string Mode => Quick ? "quick" : "full";

    public bool Runs(string workload) => Only.Count == 0 || Only.Contains(workload);

    /// <summary>
    /// The team workload runs in every full run without <c>--only</c> (issue 15: the full run prints every new row), with
    /// <c>--team</c> and with <c>--only team</c>; never in a plain <c>--quick</c> run (CI).
    /// </summary>
    public bool RunsTeam => Team || Only.Contains("team") || (!Quick && Only.Count == 0);

    /// <summary>The peers run with <c>--peers</c> or <c>--only peers</c>, never by default.</summary>
    public bool RunsPeers => Peers || Only.Contains("peers");

    /// <summary>Deletes the workspaces of a finished workload (unless <see cref="Keep"/>), so a full run never holds more than one workload's files.</summary>
    public void CleanUp(string workDir)
    {
        if (!Keep)
        {
            foreach (string folder in Directory.GetDirectories(workDir))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    public const string Usage = """
        Usage: dotnet run -c Release --project bench/Acode.Benchmarks -- [options]
          --quick              small sizes (CI; about a minute)
          --json FILE          also write the figures as JSON
          --only LIST          comma-separated workloads: save,writeamp,read,page,status,sync,pgstore,import,storage,startup,peers,team
                               (default: all but peers; --quick: all but peers and team)
          --work-dir DIR       where to create the throwaway workspaces (default: the temp folder)
          --keep               keep the workspaces afterwards
          --sessions N         sessions of the read/page/status workspace (full: 1000000)
          --tool-calls N       tool calls in the big session of the save workload (full: 100000)
          --saves N            measured saves per implementation and size (full: 3000)
          --reads N            measured reads per implementation (full: 20000)
          --pages N            measured pages per implementation (full: 5000)
          --sync N             outbox records synced per implementation (full: 100000)
          --sync-memory N      outbox records synced while measuring peak memory (full: 1000000)
          --sync-large N       tool calls with 3.2 MB results synced while measuring peak memory (full: 350)
          --raw-sync-batch N   records per transaction of the raw sync (default: acode's default batch)
          --status-runs N      cold runs of acode db status (full: 5)
          --import-sessions N  transcripts of the generated import corpus (full: 1000)
          --import-mb N        size of the generated import corpus in MiB (full: 200)
          --startup-runs N     whole-process runs of acode session list / db status, per build (full: 10)
          --peers              also run the agent-framework peers (LangGraph on SQLite and PostgreSQL; needs Node.js 20 + npm;
                               not part of the default or --quick run; alone: --only peers)
          --peers-steps N      steps of the peers' agent loop (default: 1000)
          --team               run team scale in a --quick run too (8 processes syncing into one PostgreSQL at once,
                               a conflict round, PostgreSQL growth over simulated weeks; part of every full run; alone: --only team)
          --team-records N     records each team workspace syncs (default: 100000)
          --team-workspaces N  workspaces syncing at once (default: 8)
          --team-weeks N       simulated weeks of daily syncing for the PostgreSQL growth (default: 4)
          --team-daily N       records each of the 2 growth workspaces syncs per simulated day (default: 2000)
        """;

    public static BenchSettings Parse(string[] args)
    {
        var settings = new BenchSettings();
        if (args.Contains("--quick"))
        {
            settings.Quick = true;
            settings.BigSessionToolCalls = 10_000;
            settings.Saves = 400;
            settings.Sessions = 50_000;
            settings.SessionsWithTasks = 500;
            settings.Reads = 3_000;
            settings.Pages = 1_000;
            settings.SyncRecords = 10_000;
            settings.SyncMemoryRecords = 30_000;
            settings.SyncLargeRecords = 40;
            settings.StatusRuns = 2;
            settings.StartupRuns = 3;
            settings.ImportSessions = 40;
            settings.ImportMegabytes = 4;
            settings.TeamRecords = 5_000;
            settings.TeamWeeks = 2;
            settings.TeamDailyRecords = 300;
        }

        for (int i = 0; i < args.Length; i++)
        {
            string arg = args[i];
            switch (arg)
            {
                case "--quick":
                    break;
                case "--keep":
                    settings.Keep = true;
                    break;
                case "--json":
                    settings.JsonPath = Path.GetFullPath(Value(args, ref i));
                    break;
                case "--work-dir":
                    settings.WorkRoot = Path.GetFullPath(Value(args, ref i));
                    break;
                case "--only":
                    foreach (string name in Value(args, ref i).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                    {
                        settings.Only.Add(name);
                    }

                    break;
                case "--startup-runs":
                    settings.StartupRuns = Number(args, ref i, 1);
                    break;
                case "--team":
                    settings.Team = true;
                    break;
                case "--team-records":
                    settings.TeamRecords = Number(args, ref i, 10);
                    break;
                case "--team-workspaces":
                    settings.TeamWorkspaces = Number(args, ref i, 1);
                    break;
                case "--team-weeks":
                    settings.TeamWeeks = Number(args, ref i, 2);
                    break;
                case "--team-daily":
                    settings.TeamDailyRecords = Number(args, ref i, 50);
                    break;
                case "--peers":
                    settings.Peers = true;
                    break;
                case "--peers-steps":
                    settings.PeerSteps = Number(args, ref i, 10);
                    break;
                case "--import-sessions":
                    settings.ImportSessions = Number(args, ref i, 1);
                    break;
                case "--import-mb":
                    settings.ImportMegabytes = Number(args, ref i, 1);
                    break;
                case "--sessions":
                    settings.Sessions = Number(args, ref i, 100);
                    settings.SessionsWithTasks = Math.Min(settings.SessionsWithTasks, settings.Sessions / 10);
                    break;
                case "--tool-calls":
                    settings.BigSessionToolCalls = Number(args, ref i, 10);
                    break;
                case "--saves":
                    settings.Saves = Number(args, ref i, 10);
                    break;
                case "--reads":
                    settings.Reads = Number(args, ref i, 10);
                    break;
                case "--pages":
                    settings.Pages = Number(args, ref i, 10);
                    break;
                case "--sync":
                    settings.SyncRecords = Number(args, ref i, 100);
                    break;
                case "--sync-memory":
                    settings.SyncMemoryRecords = Number(args, ref i, 100);
                    break;
                case "--sync-large":
                    settings.SyncLargeRecords = Number(args, ref i, 1);
                    break;
                case "--raw-sync-batch":
                    settings.RawSyncBatch = Number(args, ref i, 1);
                    break;
                case "--status-runs":
                    settings.StatusRuns = Number(args, ref i, 1);
                    break;
                default:
                    throw new ArgumentException($"Unknown option '{arg}'.");
            }
        }

        settings.BlockSize = Math.Max(10, Math.Min(100, settings.Saves / 4));
        return settings;
    }

    private static string Value(string[] args, ref int i)
        => ++i < args.Length ? args[i] : throw new ArgumentException($"{args[i - 1]} needs a value.");

    private static int Number(string[] args, ref int i, int min)
    {
        string text = Value(args, ref i);
        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) && n >= min
            ? n
            : throw new ArgumentException($"{args[i - 1]} takes a whole number ≥ {min}, not '{text}'.");
    }
}
