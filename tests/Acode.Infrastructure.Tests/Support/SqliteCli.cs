using System.Diagnostics;

namespace Acode.Infrastructure.Tests.Support;

/// <summary>Runs the <c>sqlite3</c> command-line shell: a separate process looking at the same file.</summary>
internal static class SqliteCli
{
    public const string Executable = "/usr/bin/sqlite3";

    /// <summary>Runs <paramref name="sql"/> against <paramref name="databasePath"/> and returns standard output, trimmed.</summary>
    /// <exception cref="InvalidOperationException">sqlite3 exited with a non-zero code.</exception>
    /// <param name="databasePath">The database file.</param>
    /// <param name="sql">SQL statements (no dot-commands).</param>
    /// <param name="busyTimeoutMilliseconds">How long sqlite3 waits for a lock (<c>.timeout</c>); 0 fails at once.</param>
    public static string Run(string databasePath, string sql, int busyTimeoutMilliseconds = 0)
    {
        var start = new ProcessStartInfo(Executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-batch");
        if (busyTimeoutMilliseconds > 0)
        {
            start.ArgumentList.Add("-cmd");
            start.ArgumentList.Add($".timeout {busyTimeoutMilliseconds}");
        }

        start.ArgumentList.Add(databasePath);
        start.ArgumentList.Add(sql);
        using Process process = Process.Start(start) ?? throw new InvalidOperationException($"Cannot start {Executable}.");
        Task<string> error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            process.Kill();
            throw new InvalidOperationException($"{Executable} did not finish within 60 s.");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Executable} exited with {process.ExitCode}: {error.GetAwaiter().GetResult()}");
        }

        return output.Trim();
    }
}
