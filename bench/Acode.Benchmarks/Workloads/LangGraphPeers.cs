using System.Diagnostics;
using System.Text.Json;
using Acode.Benchmarks.Harness;

namespace Acode.Benchmarks.Workloads;

/// <summary>
/// The Node.js side of <see cref="PeersWorkload"/>: finds bench/peers, installs its locked packages with <c>npm ci</c>
/// when node_modules is missing, and runs langgraph-loop.mjs once per configuration, reading its JSON from stdout.
/// </summary>
public static class LangGraphPeers
{
    private const string Script = "langgraph-loop.mjs";

    /// <summary>The bench/peers folder, ready to run; null (with the reason) when Node.js or npm is missing or the install fails.</summary>
    public static string? Prepare(out string? why)
    {
        string? folder = Locate();
        if (folder is null)
        {
            why = $"bench/peers/{Script} was not found above {AppContext.BaseDirectory}";
            return null;
        }

        if (Run("node", ["--version"], folder, null, TimeSpan.FromSeconds(30)) is not (0, string nodeVersion, _))
        {
            why = "Node.js was not found (install Node.js 20 and npm to compare with LangGraph)";
            return null;
        }

        if (!Directory.Exists(Path.Combine(folder, "node_modules")))
        {
            Console.WriteLine($"[peers] npm ci in {folder} (node {nodeVersion.Trim()}; better-sqlite3 builds from source, a few minutes)");
            (int code, string stdout, string stderr) = Run("npm", ["ci", "--no-audit", "--no-fund"], folder, null, TimeSpan.FromMinutes(20));
            if (code != 0)
            {
                why = code == -1 ? "npm was not found (install npm to compare with LangGraph)" : $"npm ci in {folder} failed (exit {code}): {Tail(stderr + stdout)}";
                return null;
            }
        }

        why = null;
        return folder;
    }

    /// <summary>Runs one configuration; null (and a note) when the script fails.</summary>
    public static async Task<PeersWorkload.PeerRun?> RunAsync(string folder, int steps, string[] args, string? postgresUrl, Report report, string name)
    {
        Console.WriteLine($"[peers] {name}: {steps:N0} steps");
        (int code, string stdout, string stderr) = await Task.Run(() => Run(
            "node", [Script, .. args, "--steps", steps.ToString(System.Globalization.CultureInfo.InvariantCulture), "--result-bytes", PeersWorkload.ResultBytes.ToString(System.Globalization.CultureInfo.InvariantCulture)],
            folder, postgresUrl, TimeSpan.FromHours(2)));
        if (code != 0)
        {
            string message = $"LangGraph {name} failed (exit {code}): {Tail(stderr)}";
            Console.WriteLine($"[peers] {message}");
            report.AddNote(message);
            return null;
        }

        using JsonDocument json = JsonDocument.Parse(stdout);
        JsonElement root = json.RootElement;
        List<double> Micro(string property) => [.. root.GetProperty(property).EnumerateArray().Select(e => e.GetDouble() * 1000)];
        return new PeersWorkload.PeerRun(Micro("stepMs"), Micro("writesMs"), root.GetProperty("storageBytes").GetInt64(), PeersWorkload.Describe(root));
    }

    private static string? Locate()
    {
        for (DirectoryInfo? d = new(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            string candidate = Path.Combine(d.FullName, "bench", "peers");
            if (File.Exists(Path.Combine(candidate, Script)))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>Runs a program to its end; exit code −1 when it cannot be started.</summary>
    private static (int Code, string Stdout, string Stderr) Run(string program, string[] args, string folder, string? postgresUrl, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(program, args)
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (postgresUrl is not null)
        {
            start.Environment["PEERS_PG_URL"] = postgresUrl; // in the environment, never on the command line
        }

        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return (-1, string.Empty, string.Empty);
        }

        using (process)
        {
            Task<string> stdout = process.StandardOutput.ReadToEndAsync();
            Task<string> stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(timeout))
            {
                process.Kill(entireProcessTree: true);
                return (-2, stdout.Result, $"timed out after {timeout}");
            }

            return (process.ExitCode, stdout.Result, stderr.Result);
        }
    }

    private static string Tail(string text) => text.Length <= 600 ? text.Trim() : "…" + text[^600..].Trim();
}
