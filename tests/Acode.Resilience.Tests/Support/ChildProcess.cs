using System.Diagnostics;
using System.Text;

namespace Acode.Resilience.Tests.Support;

/// <summary>How to start a child: where, with which extra environment, as whom, under which wrapper command.</summary>
internal sealed record ChildOptions
{
    public string? WorkingDirectory { get; init; }

    public IReadOnlyDictionary<string, string?> Environment { get; init; } = new Dictionary<string, string?>();

    /// <summary>Prepended to the command line, e.g. <c>setpriv --reuid=65534 …</c> (see <see cref="Unprivileged"/>).</summary>
    public IReadOnlyList<string> Prefix { get; init; } = [];
}

/// <summary>
/// A real child process (<c>dotnet some.dll …</c>) whose standard output is collected line by line as it comes, so a
/// test can wait for a line, kill the child with SIGKILL at any moment, and then read everything it acknowledged.
/// </summary>
internal sealed class ChildProcess : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _lines = [];
    private readonly StringBuilder _stderr = new();
    private readonly Task _stdoutPump;
    private readonly Task _stderrPump;
    private readonly string _description;
    private TaskCompletionSource _lineArrived = new(TaskCreationOptions.RunContinuationsAsynchronously);

    static ChildProcess()
    {
        // Kills must follow the lines they wait for closely; a starved pool would delay every continuation.
        ThreadPool.GetMinThreads(out int workers, out int io);
        ThreadPool.SetMinThreads(Math.Max(workers, 32), Math.Max(io, 32));
    }

    private ChildProcess(Process process, string description)
    {
        _process = process;
        _description = description;

        // Each pump reads on a thread of its own (blocking reads must not starve the thread pool, or lines would be seen,
        // and kills would follow them, half a second late), never on xunit's synchronization context.
        _stdoutPump = Pump(process.StandardOutput, line =>
        {
            TaskCompletionSource arrived;
            lock (_lines)
            {
                _lines.Add(line);
                arrived = _lineArrived;
                _lineArrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            arrived.TrySetResult();
        });
        _stderrPump = Pump(process.StandardError, line =>
        {
            lock (_stderr)
            {
                _stderr.AppendLine(line);
            }
        });
    }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines)
            {
                return [.. _lines];
            }
        }
    }

    public string Stdout => string.Join('\n', Lines);

    public string Stderr
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    /// <summary>Starts <c>dotnet <paramref name="dll"/> <paramref name="args"/></c> without the caller's ACODE_*/PG* settings.</summary>
    public static ChildProcess StartDotnet(string dll, IEnumerable<string> args, ChildOptions? options = null)
    {
        options ??= new ChildOptions();
        List<string> command = [.. options.Prefix, "dotnet", dll, .. args];
        var info = new ProcessStartInfo(command[0])
        {
            WorkingDirectory = options.WorkingDirectory ?? Path.GetTempPath(),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            StandardOutputEncoding = new UTF8Encoding(false),
            StandardErrorEncoding = new UTF8Encoding(false),
        };
        foreach (string arg in command.Skip(1))
        {
            info.ArgumentList.Add(arg);
        }

        foreach (string key in info.Environment.Keys.Where(k => k.StartsWith("ACODE_", StringComparison.Ordinal) || k.StartsWith("PG", StringComparison.Ordinal)).ToList())
        {
            info.Environment.Remove(key);
        }

        info.Environment["DOTNET_NOLOGO"] = "1";
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        foreach ((string key, string? value) in options.Environment)
        {
            info.Environment[key] = value;
        }

        Process process = Process.Start(info) ?? throw new InvalidOperationException($"Cannot start {command[0]}.");
        process.StandardInput.Close();
        return new ChildProcess(process, string.Join(' ', command.Skip(options.Prefix.Count + 1).Select(a => a.Length > 80 ? a[..80] + "…" : a)));
    }

    public static ChildProcess StartDriver(params string[] args) => StartDotnet(Binaries.Driver, args);

    /// <summary>Waits until a line satisfies <paramref name="predicate"/> (true), or the child exits or the time is up (false).</summary>
    public async Task<bool> WaitForLineAsync(Func<string, bool> predicate, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        int seen = 0;
        while (true)
        {
            Task arrived;
            List<string> lines;
            lock (_lines)
            {
                arrived = _lineArrived.Task;
                lines = _lines.Count > seen ? _lines.GetRange(seen, _lines.Count - seen) : [];
            }

            foreach (string line in lines)
            {
                seen++;
                if (predicate(line))
                {
                    return true;
                }
            }

            TimeSpan left = timeout - clock.Elapsed;
            if (left <= TimeSpan.Zero || (_stdoutPump.IsCompleted && lines.Count == 0))
            {
                return false;
            }

            await Task.WhenAny(arrived, _stdoutPump, Task.Delay(left)).ConfigureAwait(false);
        }
    }

    /// <summary>SIGKILLs the child right after the line that satisfies <paramref name="predicate"/> (plus <paramref name="extraDelay"/>); false when no such line came.</summary>
    public async Task<bool> KillAfterLineAsync(Func<string, bool> predicate, TimeSpan timeout, TimeSpan extraDelay = default)
    {
        bool found = await WaitForLineAsync(predicate, timeout).ConfigureAwait(false);
        if (found && extraDelay > TimeSpan.Zero)
        {
            await Task.Delay(extraDelay).ConfigureAwait(false);
        }

        Kill();
        await WaitForExitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        return found;
    }

    /// <summary>SIGKILLs the child <paramref name="delay"/> after now, wherever it is.</summary>
    public async Task KillAfterAsync(TimeSpan delay)
    {
        await Task.Delay(delay).ConfigureAwait(false);
        Kill();
        await WaitForExitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
    }

    /// <summary>Sends SIGKILL (no clean-up of any kind happens in the child).</summary>
    public void Kill()
    {
        try
        {
            _process.Kill(entireProcessTree: false);
        }
        catch (InvalidOperationException)
        {
            // already exited
        }
    }

    /// <summary>Waits for the exit and for all output; a child still running after <paramref name="timeout"/> is killed and the test fails.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Kill();
            await _process.WaitForExitAsync().ConfigureAwait(false);
            await Task.WhenAll(_stdoutPump, _stderrPump).ConfigureAwait(false);
            throw new TimeoutException($"{_description} did not finish within {timeout.TotalSeconds:0} s (killed). Output:\n{Tail()}\nStderr:\n{Stderr}");
        }

        await Task.WhenAll(_stdoutPump, _stderrPump).ConfigureAwait(false);
        return _process.ExitCode;
    }

    /// <summary>SIGKILL, then wait until the process is gone and its output read.</summary>
    public async Task KillAndWaitAsync()
    {
        Kill();
        await WaitForExitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
    }

    public string Tail(int lines = 20) => string.Join('\n', Lines.TakeLast(lines));

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            Kill();
            _process.WaitForExit(10_000);
        }

        _process.Dispose();
    }

    private static Task Pump(StreamReader reader, Action<string> onLine)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                while (reader.ReadLine() is { } line)
                {
                    onLine(line);
                }

                done.SetResult();
            }
#pragma warning disable CA1031 // handed to whoever awaits the pump
            catch (Exception ex)
#pragma warning restore CA1031
            {
                done.SetException(ex);
            }
        })
        { IsBackground = true, Name = "child output pump" };
        thread.Start();
        return done.Task;
    }
}

/// <summary>What one finished run of a program printed.</summary>
internal sealed record RunResult(int ExitCode, string Stdout, string Stderr)
{
    public string All => Stdout + "\n" + Stderr;

    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
}

/// <summary>Runs the real acode CLI (src/Acode.Cli's acode.dll) to completion.</summary>
internal static class Cli
{
    public static async Task<RunResult> RunAsync(string workspace, ChildOptions? options, params string[] args)
    {
        using ChildProcess child = ChildProcess.StartDotnet(Binaries.Acode, ["--workspace", workspace, .. args], options);
        int exit = await child.WaitForExitAsync(TimeSpan.FromMinutes(2));
        return new RunResult(exit, child.Stdout, child.Stderr);
    }

    public static Task<RunResult> RunAsync(string workspace, params string[] args) => RunAsync(workspace, null, args);
}
