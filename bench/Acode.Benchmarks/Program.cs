using System.Diagnostics;
using Acode.Benchmarks;
using Acode.Benchmarks.Harness;
using Acode.Benchmarks.Workloads;

if (args.Length > 0 && args[0] == SyncMemoryChild.Command)
{
    return await SyncMemoryChild.RunAsync(args[1..]);
}

if (args.Length > 0 && args[0] == TeamSyncChild.Command)
{
    return await TeamSyncChild.RunAsync(args[1..]);
}

BenchSettings settings;
try
{
    if (args.Contains("--help") || args.Contains("-h"))
    {
        Console.WriteLine(BenchSettings.Usage);
        return 0;
    }

    settings = BenchSettings.Parse(args);
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine($"Error: {ex.Message}");
    Console.Error.WriteLine(BenchSettings.Usage);
    return 2;
}

#if DEBUG
Console.Error.WriteLine("Warning: this is a Debug build; figures are meaningless. Run with -c Release.");
#endif

long started = Stopwatch.GetTimestamp();
Directory.CreateDirectory(settings.WorkRoot);
string workDir = Path.Combine(settings.WorkRoot, "acode-bench-" + Guid.NewGuid().ToString("N")[..8]);
Directory.CreateDirectory(workDir);

var report = new Report(settings.Mode);
Console.WriteLine($"acode benchmarks, {settings.Mode} mode, on {Machine.Describe()}");
Console.WriteLine($"work folder: {workDir}");
report.AddExtra("machine", Machine.Describe());
double loadBefore = Machine.LoadAverage();
if (loadBefore > 1.0)
{
    Console.WriteLine($"Warning: the 1-minute load average is {loadBefore:F1} on {Environment.ProcessorCount} cores: something else is running, figures will be noisy.");
}

try
{
    if (settings.Runs("save"))
    {
        await SaveWorkload.RunAsync(settings, workDir, report);
        settings.CleanUp(workDir);
    }

    if (settings.Runs(WriteAmplificationWorkload.Name))
    {
        await WriteAmplificationWorkload.RunAsync(settings, workDir, report);
        settings.CleanUp(workDir);
    }

    if (settings.Runs("read") || settings.Runs("page") || settings.Runs("status"))
    {
        await SessionsWorkload.RunAsync(settings, workDir, report);
        settings.CleanUp(workDir);
    }

    if (settings.Runs("sync"))
    {
        await SyncWorkload.RunAsync(settings, workDir, report);
        settings.CleanUp(workDir);
    }

    if (settings.Runs(PostgresStoreWorkload.Name))
    {
        await PostgresStoreWorkload.RunAsync(settings, workDir, report);
    }

    if (settings.Runs("import"))
    {
        await ImportWorkload.RunAsync(settings, workDir, report);
        settings.CleanUp(workDir);
    }

    if (settings.Runs(StorageWorkload.Name))
    {
        await StorageWorkload.RunAsync(settings, workDir, report);
        settings.CleanUp(workDir);
    }

    if (settings.Runs("startup"))
    {
        await StartupWorkload.RunAsync(settings, workDir, report);
        settings.CleanUp(workDir);
    }

    if (settings.RunsTeam)
    {
        await TeamWorkload.RunAsync(settings, workDir, report);
        settings.CleanUp(workDir);
    }

    if (settings.RunsPeers)
    {
        await PeersWorkload.RunAsync(settings, workDir, report);
    }
}
finally
{
    if (!settings.Keep)
    {
        Directory.Delete(workDir, recursive: true);
    }
}

report.AddExtra("sizes", $"save: sessions of {settings.SmallSessionToolCalls} and {settings.BigSessionToolCalls:N0} tool calls, {settings.Saves:N0} saves each; "
    + $"read/page/status: {settings.Sessions:N0} sessions, {settings.Reads:N0} reads, {settings.Pages:N0} pages; sync: {settings.SyncRecords:N0} records, memory over {settings.SyncMemoryRecords:N0}");
report.AddExtra("load average (1 min) at start / at end", $"{loadBefore:F2} / {Machine.LoadAverage():F2}");
report.AddExtra("wall time of this run", $"{Stopwatch.GetElapsedTime(started).TotalSeconds:F0} s");
report.Print(Console.Out);
if (settings.JsonPath is { } json)
{
    report.WriteJson(json);
    Console.WriteLine();
    Console.WriteLine($"JSON written to {json}");
}

return 0;
