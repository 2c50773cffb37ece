using System.Diagnostics;

namespace Acode.Testing;

/// <summary>
/// Runs programs as an unprivileged OS user when this process is root: the PostgreSQL server programs as <c>postgres</c>
/// (the server refuses root), and acode where a test needs file permissions to hold (root ignores them).
/// </summary>
public sealed class CommandRunner
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private readonly string? _switchUser;

    private CommandRunner(string? switchUser) => _switchUser = switchUser;

    /// <summary>True when commands run as the OS user <c>postgres</c> through runuser or setpriv.</summary>
    public bool SwitchesUser => _switchUser is not null;

    public static bool IsRoot => string.Equals(Environment.UserName, "root", StringComparison.Ordinal);

    /// <summary>Runs commands directly, or as <paramref name="osUser"/> when this process is root.</summary>
    /// <exception cref="InvalidOperationException">Root, but neither runuser nor setpriv exists.</exception>
    public static CommandRunner For(string osUser)
    {
        if (!IsRoot)
        {
            return new CommandRunner(null);
        }

        if (File.Exists("/usr/sbin/runuser") || File.Exists("/sbin/runuser"))
        {
            return new CommandRunner($"runuser -u {osUser} --");
        }

        if (File.Exists("/usr/bin/setpriv"))
        {
            return new CommandRunner($"setpriv --reuid={osUser} --regid={osUser} --init-groups --");
        }

        throw PostgresServer.CannotStart(
            "this process runs as root, the PostgreSQL server refuses to run as root, and neither runuser nor setpriv is installed to switch to the OS user 'postgres'",
            "apt-get install -y util-linux   (or run the tests as a non-root user)");
    }

    /// <summary>Runs a program as the server's user; returns its exit code and combined output.</summary>
    public Task<(int ExitCode, string Output)> RunAsync(string program, IEnumerable<string> arguments, string workingDirectory, CancellationToken cancellationToken)
    {
        (string file, IReadOnlyList<string> all) = Command(program, arguments);
        return RunDirectAsync(file, all, workingDirectory, cancellationToken);
    }

    /// <summary>The program to start and its arguments that run <paramref name="program"/> as this runner's user (runuser or setpriv first when it switches).</summary>
    public (string File, IReadOnlyList<string> Arguments) Command(string program, IEnumerable<string> arguments)
    {
        var all = new List<string>();
        string file = program;
        if (_switchUser is not null)
        {
            string[] prefix = _switchUser.Split(' ');
            file = prefix[0];
            all.AddRange(prefix[1..]);
            all.Add(program);
        }

        all.AddRange(arguments);
        return (file, all);
    }

    /// <summary>
    /// Runs a program as this process's user, from the system's temporary folder, without a cancellation token (within the
    /// same time limit): for commands whose paths are all absolute, e.g. <c>mount</c>, <c>umount</c> and <c>dd</c>.
    /// </summary>
    public static Task<(int ExitCode, string Output)> RunDirectAsync(string file, params string[] arguments)
        => RunDirectAsync(file, arguments, Path.GetTempPath(), CancellationToken.None);

    /// <summary>Runs a program as this process's user.</summary>
    public static async Task<(int ExitCode, string Output)> RunDirectAsync(string file, IEnumerable<string> arguments, string workingDirectory, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // The cluster is configured explicitly; inherited PG* variables must not redirect the programs elsewhere.
        foreach (string variable in new[] { "PGDATA", "PGHOST", "PGPORT", "PGUSER", "PGPASSWORD", "PGDATABASE", "PGOPTIONS" })
        {
            start.Environment.Remove(variable);
        }

        using Process process = Process.Start(start) ?? throw new InvalidOperationException($"Cannot start {file}.");
        process.StandardInput.Close();
        Task<string> output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        Task<string> error = process.StandardError.ReadToEndAsync(cancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', start.ArgumentList)} did not finish within {Timeout.TotalSeconds:0} s.");
        }

        return (process.ExitCode, ((await output) + (await error)).Trim());
    }
}
