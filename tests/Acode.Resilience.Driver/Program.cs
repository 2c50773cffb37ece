using System.Collections.Concurrent;
using System.Globalization;
using Acode.Application.Errors;
using Acode.Application.Options;
using Acode.Application.Queries;
using Acode.Application.Sync;
using Acode.Infrastructure;
using Acode.Infrastructure.Postgres;
using Acode.Infrastructure.Sqlite;
using Acode.Infrastructure.Sync;
using Acode.Resilience.Driver.Shared;

// The resilience tests' child process. One line per event on standard output, written (and flushed: Console.Out
// flushes every write) only after the fact it reports is durable:
//   READY                      the database is open and migrated
//   ACK id:version id:version  one save committed; the entities it wrote, at their new versions
//   ERR ACODE-DB-00N message   a coded error ended the run (exit code 10 + N)
//   CRASH type message         anything else ended the run (exit code 3): a bug
// Commands:
//   save-loop  --workspace DIR [--max N] [--artifact-bytes B] [--units-per-session U] [--synchronous Full|Normal|Extra]
//   migrate    --workspace DIR [--probe]       open (create, migrate) with the shipped migrations, plus the heavy probe
//   concurrent --workspace DIR --threads T --units U [--artifact-bytes B]
//   sync       --workspace DIR --url URL [--batch N] [--lease S] [--pace MS]
try
{
    var a = new DriverArgs(args);
    return a.Command switch
    {
        "save-loop" => await SaveLoopAsync(a),
        "migrate" => Migrate(a),
        "concurrent" => await ConcurrentAsync(a),
        "sync" => await SyncAsync(a),
        _ => Usage(),
    };
}
catch (AcodeDbException ex)
{
    Out($"ERR {ex.Code} {ex.Message}");
    return 10 + (int)ex.ErrorCode;
}
#pragma warning disable CA1031 // the driver reports every other failure as a crash line for the test to count
catch (Exception ex)
#pragma warning restore CA1031
{
    Out($"CRASH {ex.GetType().Name} {ex.Message.ReplaceLineEndings(" ")}");
    return 3;
}

static int Usage()
{
    Console.Error.WriteLine("usage: driver save-loop|migrate|concurrent|sync --workspace DIR [options]");
    return 2;
}

static void Out(string line) => Console.Out.WriteLine(line);

static string Ack(IEnumerable<Entity> written)
    => "ACK " + string.Join(' ', written.Select(e => string.Create(CultureInfo.InvariantCulture, $"{e.EntityId}:{e.Version}")));

static async Task<int> SaveLoopAsync(DriverArgs a)
{
    var options = new SqliteOptions { Synchronous = Enum.Parse<SqliteSynchronous>(a.Get("synchronous", "Full")) };
    using SqliteWorkspaceDatabase database = SqliteWorkspaceDatabase.Open(a.Workspace, options);
    var store = new SqliteRunStateStore(database);
    Out("READY");
    int max = a.Int("max", int.MaxValue);
    int artifactBytes = a.Int("artifact-bytes", 64);
    int perSession = a.Int("units-per-session", 20);
    Session? session = null;
    int k = 0;
    for (int n = 0; n < max; n++)
    {
        if (session is null || k >= perSession)
        {
            session = ProbeUnits.NewSession();
            k = 0;
        }
        else
        {
            ProbeUnits.Apply(session, ++k, artifactBytes);
        }

        List<Entity> pending = [.. session.PendingChanges];
        await store.SaveAsync(session);
        Out(Ack(pending));
    }

    Out("DONE");
    return 0;
}

static int Migrate(DriverArgs a)
{
    Out("OPENING");
    using SqliteWorkspaceDatabase database = SqliteWorkspaceDatabase.Open(a.Workspace, migrations: a.Flag("probe") ? ProbeMigration.WithShipped() : null);
    Out("MIGRATED");
    return 0;
}

static async Task<int> ConcurrentAsync(DriverArgs a)
{
    int threads = a.Int("threads", 4);
    int units = a.Int("units", 50);
    int artifactBytes = a.Int("artifact-bytes", 256);
    using SqliteWorkspaceDatabase database = SqliteWorkspaceDatabase.Open(a.Workspace);
    var store = new SqliteRunStateStore(database);
    Out("READY");
    var acked = new ConcurrentBag<SessionId>();
    long saves = 0, reads = 0, errors = 0, partial = 0;
    using var writersDone = new CancellationTokenSource();

    void Error(Exception ex)
    {
        Interlocked.Increment(ref errors);
        Out($"ERROR {ex.GetType().Name} {(ex as AcodeDbException)?.Code} {ex.Message.ReplaceLineEndings(" ")}");
    }

    async Task ReadAsync(SessionId id)
    {
        Session? loaded = await store.GetSessionAsync(id);
        Interlocked.Increment(ref reads);
        if (loaded is null)
        {
            Interlocked.Increment(ref partial);
            Out($"PARTIAL {id} acknowledged but not found");
        }
        else if (ProbeUnits.Check(loaded) is { } problem)
        {
            Interlocked.Increment(ref partial);
            Out($"PARTIAL {problem}");
        }
    }

    async Task WriterAsync(int thread)
    {
        var random = new Random(Environment.ProcessId * 100 + thread);
        Session session = ProbeUnits.NewSession();
        int k = 0;
        for (int u = 0; u < units; u++)
        {
            try
            {
                if (u > 0 && u % 25 == 0)
                {
                    session = ProbeUnits.NewSession();
                    k = 0;
                }
                else if (u > 0)
                {
                    ProbeUnits.Apply(session, ++k, artifactBytes);
                }

                List<Entity> pending = [.. session.PendingChanges];
                await store.SaveAsync(session);
                Interlocked.Increment(ref saves);
                acked.Add(session.Id);
                Out(Ack(pending));
                SessionId[] known = [.. acked];
                await ReadAsync(known[random.Next(known.Length)]);
            }
#pragma warning disable CA1031 // counted and reported: "zero errors reach callers" is the figure under test
            catch (Exception ex)
#pragma warning restore CA1031
            {
                Error(ex);
                return;
            }
        }
    }

    // Reads what every process wrote (listing + loading), while the writers run: a partial save must never be seen.
    async Task ReaderAsync()
    {
        while (!writersDone.IsCancellationRequested)
        {
            try
            {
                Page<SessionSummary> page = await store.QuerySessionsAsync(SessionFilter.All, SessionSort.UpdatedDescending, new PaginationOptions { Limit = 20 });
                foreach (SessionSummary summary in page.Items)
                {
                    await ReadAsync(summary.Id);
                }
            }
#pragma warning disable CA1031
            catch (Exception ex)
#pragma warning restore CA1031
            {
                Error(ex);
                return;
            }
        }
    }

    Task reader = Task.Run(ReaderAsync);
    await Task.WhenAll(Enumerable.Range(0, threads).Select(t => Task.Run(() => WriterAsync(t))));
    await writersDone.CancelAsync();
    await reader;
    Out(string.Create(CultureInfo.InvariantCulture, $"DONE saves={saves} reads={reads} errors={errors} partial={partial}"));
    return errors == 0 && partial == 0 ? 0 : 1;
}

static async Task<int> SyncAsync(DriverArgs a)
{
    using SqliteWorkspaceDatabase database = SqliteWorkspaceDatabase.Open(a.Workspace);
    var options = new SyncOptions { BatchSize = a.Int("batch", 20), LeaseSeconds = a.Int("lease", 5) };
    using var sync = new OutboxSyncService(database, PostgresConnectionSettings.Parse(a.Get("url", ""), "--url"), options);
    Out("READY");
    while (true)
    {
        SyncRunResult result = await sync.SyncAsync(new ProgressPrinter(TimeSpan.FromMilliseconds(a.Int("pace", 0))));
        Out(string.Create(CultureInfo.InvariantCulture, $"RUN applied={result.Applied} duplicates={result.Duplicates} retried={result.Retried} dead={result.DeadLettered} remaining={result.Remaining} paused={result.Paused}"));
        if (!result.Paused && result.Remaining == 0)
        {
            Out("DONE");
            return 0;
        }

        await Task.Delay(200);
    }
}

/// <summary>
/// Prints <c>PROGRESS done/total</c> after every delivered batch, synchronously (so a kill can follow it closely), then
/// holds the run for <paramref name="pace"/>: the sync reports a batch while PostgreSQL has committed the batch after it
/// and the workspace has not acknowledged that one yet, so a kill during the pause always leaves records to redeliver.
/// </summary>
internal sealed class ProgressPrinter(TimeSpan pace) : IProgress<SyncProgress>
{
    public void Report(SyncProgress value)
    {
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"PROGRESS {value.Done}/{value.Total}"));
        if (pace > TimeSpan.Zero)
        {
            Thread.Sleep(pace);
        }
    }
}

/// <summary>The driver's arguments: a command, then --key value pairs and --flags.</summary>
internal sealed class DriverArgs
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

    public DriverArgs(string[] args)
    {
        Command = args.Length > 0 ? args[0] : "";
        for (int i = 1; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
            {
                throw new ArgumentException($"Unexpected argument '{args[i]}'.");
            }

            string key = args[i][2..];
            _values[key] = i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal) ? args[++i] : "true";
        }
    }

    public string Command { get; }

    public Workspace Workspace => new(Get("workspace", Directory.GetCurrentDirectory()));

    public string Get(string key, string fallback) => _values.GetValueOrDefault(key, fallback);

    public int Int(string key, int fallback) => _values.TryGetValue(key, out string? v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

    public bool Flag(string key) => _values.ContainsKey(key);
}
