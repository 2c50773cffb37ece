using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Acode.Benchmarks.Harness;
using Acode.Infrastructure;

namespace Acode.Benchmarks.Workloads;

/// <summary>
/// Issue 15 part 5: the start-up of <c>acode session list</c> and <c>acode db status</c>, each a whole new process on a
/// small workspace (one demo session; binary and database in the page cache), median of <see cref="BenchSettings.StartupRuns"/>.
/// Two builds side by side, interleaved: the <c>acode</c> that <c>dotnet build</c> puts next to the benchmark (JIT
/// only, what <c>dotnet run</c> and a RID-less tool install give) and the one shipped by
/// <c>dotnet publish -r &lt;rid&gt;</c>, exactly as the CLI project defines it: self-contained, with one composite
/// ReadyToRun image of acode, its packages and the frameworks. The publish takes a few minutes, so <c>--quick</c>
/// measures the built binary only.
/// </summary>
public static class StartupWorkload
{
    private static readonly (string Key, string[] Args)[] Commands =
    [
        ("startup_session_list_ms", ["session", "list"]),
        ("startup_db_status_ms", ["db", "status"]),
    ];

    public static async Task RunAsync(BenchSettings settings, string workDir, Report report)
    {
        string built = AcodeCli.Locate();
        string? published = null;
        if (!settings.Quick)
        {
            published = Publish(workDir, out string? why);
            if (published is null)
            {
                Console.WriteLine($"[startup] ReadyToRun build skipped: {why}");
                report.AddNote($"Start-up: the ReadyToRun build was skipped: {why}");
            }
        }

        var workspace = new Workspace(Path.Combine(workDir, "startup"));
        Directory.CreateDirectory(workspace.RootDirectory);
        await AcodeCli.RunAsync(built, workspace, "demo");

        var binaries = new List<(string Name, string Path)> { (Report.Acode, built) };
        if (published is not null)
        {
            binaries.Add((Report.AcodeReadyToRun, published));
        }

        // One untimed run of each, so both binaries and the runtime are in the page cache like any command run twice.
        foreach ((_, string path) in binaries)
        {
            foreach ((_, string[] args) in Commands)
            {
                await AcodeCli.RunAsync(path, workspace, args);
            }
        }

        var samples = new Dictionary<(string Key, string Name), Samples>();
        for (int i = 0; i < settings.StartupRuns; i++)
        {
            for (int k = 0; k < binaries.Count; k++)
            {
                (string name, string path) = binaries[(i + k) % binaries.Count]; // A B, B A, …: drift lands on both
                foreach ((string key, string[] args) in Commands)
                {
                    double ms = await AcodeCli.RunAsync(path, workspace, args);
                    (samples.TryGetValue((key, name), out Samples? s) ? s : samples[(key, name)] = new Samples()).Add(ms);
                }
            }
        }

        foreach (((string key, string name), Samples s) in samples)
        {
            report.Set(key, name, s.P50);
        }

        string Line(string name) => string.Join(", ", Commands.Select(c => $"{string.Join(' ', c.Args)} {samples[(c.Key, name)].P50:F0} ms"));
        Console.WriteLine($"[startup] as built (JIT): {Line(Report.Acode)} (medians of {settings.StartupRuns})");
        if (published is not null)
        {
            Console.WriteLine($"[startup] shipped (dotnet publish -r {RuntimeInformation.RuntimeIdentifier}: self-contained, composite ReadyToRun): {Line(Report.AcodeReadyToRun)}");
            foreach ((string key, string[] args) in Commands)
            {
                double r2r = samples[(key, Report.AcodeReadyToRun)].P50, jit = samples[(key, Report.Acode)].P50;
                report.AddExtra($"acode {string.Join(' ', args)} start-up, shipped (ReadyToRun) vs as built (JIT)", string.Create(CultureInfo.InvariantCulture, $"{r2r:F0} ms vs {jit:F0} ms = {r2r / jit:F2}×"));
            }
        }
    }

    /// <summary>Publishes the CLI for this machine's RID (self-contained composite ReadyToRun, as the project ships it) into the work folder; null with the reason on failure.</summary>
    private static string? Publish(string workDir, out string? why)
    {
        string? project = null;
        for (DirectoryInfo? d = new(AppContext.BaseDirectory); d is not null && project is null; d = d.Parent)
        {
            string candidate = Path.Combine(d.FullName, "src", "Acode.Cli", "Acode.Cli.csproj");
            project = File.Exists(candidate) ? candidate : null;
        }

        if (project is null)
        {
            why = $"src/Acode.Cli/Acode.Cli.csproj was not found above {AppContext.BaseDirectory}";
            return null;
        }

        // Its own artifacts folder, so the publish neither reads nor rewrites the source tree's bin/ and obj/.
        string output = Path.Combine(workDir, "acode-r2r");
        string rid = RuntimeInformation.RuntimeIdentifier;
        // No build switches of its own: what the project's RID-specific publish makes is what is measured.
        Console.WriteLine($"[startup] dotnet publish src/Acode.Cli -c Release -r {rid} (self-contained, composite ReadyToRun)");
        var start = new ProcessStartInfo("dotnet", ["publish", project, "-c", "Release", "-r", rid,
            "--artifacts-path", Path.Combine(workDir, "acode-r2r-build"), "-o", output, "-nologo"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        long t = Stopwatch.GetTimestamp();
        using Process process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        string binary = Path.Combine(output, OperatingSystem.IsWindows() ? "acode.exe" : "acode");
        if (process.ExitCode != 0 || !File.Exists(binary))
        {
            string text = stdout.Result + stderr.Result;
            why = $"dotnet publish failed (exit {process.ExitCode}): {(text.Length > 800 ? "…" + text[^800..] : text).Trim()}";
            return null;
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[startup] published in {Stopwatch.GetElapsedTime(t).TotalSeconds:F0} s"));
        why = null;
        return binary;
    }
}
