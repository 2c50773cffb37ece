using System.Diagnostics;

namespace Acode.Cli.Tests.Support;

/// <summary>
/// Runs a command line acode printed for the user ("More: acode …") verbatim through bash, with an <c>acode</c> on
/// PATH that starts the built binary, so the test checks what a user pasting the line gets.
/// </summary>
public static class PrintedCommand
{
    private static readonly Lazy<string> BinDirectory = new(CreateLauncher);

    public static async Task<AcodeResult> RunAsync(string commandLine, string workingDirectory, IReadOnlyDictionary<string, string?>? environment = null)
    {
        Assert.StartsWith("acode ", commandLine, StringComparison.Ordinal);
        var info = new ProcessStartInfo("bash")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(commandLine);
        foreach (string key in info.Environment.Keys.Where(k => k.StartsWith("ACODE_", StringComparison.Ordinal)).ToList())
        {
            info.Environment.Remove(key);
        }

        info.Environment["DOTNET_NOLOGO"] = "1";
        info.Environment["PATH"] = BinDirectory.Value + ":" + info.Environment["PATH"];
        foreach ((string key, string? value) in environment ?? new Dictionary<string, string?>())
        {
            info.Environment[key] = value;
        }

        using Process process = Process.Start(info) ?? throw new InvalidOperationException("Could not start bash.");
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
            throw new TimeoutException($"{commandLine} did not finish within 3 minutes.");
        }

        return new AcodeResult(process.ExitCode, await stdout, await stderr);
    }

    private static string CreateLauncher()
    {
        string directory = Directory.CreateTempSubdirectory("acode-bin-").FullName;
        string launcher = Path.Combine(directory, "acode");
        File.WriteAllText(launcher, $"#!/bin/sh\nexec dotnet '{AcodeBinary.Path.Replace("'", "'\\''", StringComparison.Ordinal)}' \"$@\"\n");
        File.SetUnixFileMode(launcher, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return directory;
    }
}
