using System.Diagnostics;
using Acode.Testing;

namespace Acode.Cli.Tests.Support;

/// <summary>Runs the real, built <c>acode</c> (src/Acode.Cli's output, built before the tests) as a child process.</summary>
public static class AcodeBinary
{
    private static readonly Lazy<string> DllPath = new(Locate);

    public static string Path => DllPath.Value;

    public static Process Start(string workingDirectory, IReadOnlyDictionary<string, string?>? environment, params string[] args)
        => Start(null, workingDirectory, environment, args);

    /// <param name="runAs">Runs it as that runner's user (when this process is root), or null for this process's user.</param>
    /// <param name="workingDirectory">Where it runs.</param>
    /// <param name="environment">Variables set for it (every inherited ACODE_* variable is removed).</param>
    /// <param name="args">acode's arguments.</param>
    public static Process Start(CommandRunner? runAs, string workingDirectory, IReadOnlyDictionary<string, string?>? environment, params string[] args)
    {
        (string file, IReadOnlyList<string> prefix) = runAs?.Command("dotnet", []) ?? ("dotnet", []);
        var info = new ProcessStartInfo(file)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (string arg in prefix)
        {
            info.ArgumentList.Add(arg);
        }

        info.ArgumentList.Add(Path);
        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        // Tests must never pick up the developer's or CI's own settings.
        foreach (string key in info.Environment.Keys.Where(k => k.StartsWith("ACODE_", StringComparison.Ordinal)).ToList())
        {
            info.Environment.Remove(key);
        }

        info.Environment["DOTNET_NOLOGO"] = "1";
        foreach ((string key, string? value) in environment ?? new Dictionary<string, string?>())
        {
            info.Environment[key] = value;
        }

        return Process.Start(info) ?? throw new InvalidOperationException("Could not start dotnet.");
    }

    public static Task<AcodeResult> RunAsync(string workingDirectory, IReadOnlyDictionary<string, string?>? environment, params string[] args)
        => RunAsync(null, workingDirectory, environment, args);

    /// <summary>Runs acode to its end, as <paramref name="runAs"/>'s user when given (see <see cref="Start(CommandRunner?, string, IReadOnlyDictionary{string, string?}?, string[])"/>).</summary>
    public static async Task<AcodeResult> RunAsync(CommandRunner? runAs, string workingDirectory, IReadOnlyDictionary<string, string?>? environment, params string[] args)
    {
        using Process process = Start(runAs, workingDirectory, environment, args);
        process.StandardInput.Close();
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"acode {string.Join(' ', args)} did not finish within 3 minutes.");
        }

        return new AcodeResult(process.ExitCode, await stdout, await stderr);
    }

    private static string Locate()
    {
        string testDir = AppContext.BaseDirectory;
        string configuration = testDir.Contains($"{System.IO.Path.DirectorySeparatorChar}Release{System.IO.Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
        for (var dir = new DirectoryInfo(testDir); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Acode.sln")))
            {
                string dll = System.IO.Path.Combine(dir.FullName, "src", "Acode.Cli", "bin", configuration, "net10.0", "acode.dll");
                return File.Exists(dll) ? dll : throw new FileNotFoundException($"acode.dll not found at {dll}: build the solution first (dotnet build Acode.sln).");
            }
        }

        throw new DirectoryNotFoundException($"Acode.sln not found above {testDir}.");
    }
}
