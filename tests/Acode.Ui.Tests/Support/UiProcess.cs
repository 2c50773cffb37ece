using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using Acode.Cli.Tests.Support;

namespace Acode.Ui.Tests.Support;

/// <summary>The real <c>acode ui --no-open</c> serving a workspace, started as a child process; stopped with SIGINT.</summary>
public sealed partial class UiProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout;
    private readonly Task<string> _stderr;
    private readonly Task _reader;
    private AcodeResult? _result;

    private UiProcess(Process process, string launchUrl, Task reader, StringBuilder stdout, Task<string> stderr)
    {
        _stdout = stdout;
        _process = process;
        LaunchUrl = launchUrl;
        _reader = reader;
        _stderr = stderr;
        Uri uri = new(launchUrl);
        BaseUrl = $"{uri.Scheme}://{uri.Host}:{uri.Port}";
        Token = uri.Query["?token=".Length..];
    }

    /// <summary>The URL acode printed, with the token: <c>http://127.0.0.1:PORT/?token=…</c>.</summary>
    public string LaunchUrl { get; }

    public string BaseUrl { get; }

    public string Token { get; }

    /// <summary>A URL of the viewer carrying the token (the first request of a new browser context must bring it).</summary>
    public string WithToken(string pathAndQuery) => BaseUrl + pathAndQuery + (pathAndQuery.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "token=" + Token;

    /// <summary>Starts <c>acode ui --no-open</c> with <paramref name="extra"/> arguments.</summary>
    public static Task<UiProcess> StartAsync(CliWorkspace workspace, params string[] extra) => StartWithArgumentsAsync(workspace, ["--no-open", .. extra]);

    /// <summary>Starts <c>acode ui</c> with exactly <paramref name="arguments"/> (no --no-open added).</summary>
    public static Task<UiProcess> StartWithArgumentsAsync(CliWorkspace workspace, string[] arguments)
        => StartInAsync(workspace.Root, workspace.Environment, arguments);

    /// <summary>Starts <c>acode --workspace <paramref name="root"/> ui</c> with exactly <paramref name="arguments"/>.</summary>
    public static async Task<UiProcess> StartInAsync(string root, IReadOnlyDictionary<string, string?> environment, string[] arguments)
    {
        Process process = AcodeBinary.Start(root, environment, ["--workspace", root, "ui", .. arguments]);
        process.StandardInput.Close();
        var opened = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var stdout = new StringBuilder();
        Task reader = Task.Run(async () =>
        {
            while (await process.StandardOutput.ReadLineAsync() is { } line)
            {
                lock (stdout)
                {
                    stdout.AppendLine(line);
                }

                if (OpenLine().Match(line) is { Success: true } match)
                {
                    opened.TrySetResult(match.Groups[1].Value);
                }
            }

            opened.TrySetException(new InvalidOperationException("acode ui ended before printing its URL."));
        });
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        try
        {
            string url = await opened.Task.WaitAsync(TimeSpan.FromSeconds(90));
            return new UiProcess(process, url, reader, stdout, stderr);
        }
        catch (Exception ex) when (ex is InvalidOperationException or TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            throw new InvalidOperationException($"acode ui did not start: {ex.Message}\n--- stdout\n{stdout}\n--- stderr\n{await stderr}", ex);
        }
    }

    /// <summary>Sends SIGINT (as Ctrl+C does) and waits for the exit; returns what the process printed.</summary>
    public async Task<AcodeResult> StopAsync()
    {
        if (_result is not null)
        {
            return _result;
        }

        if (!_process.HasExited)
        {
            using Process kill = Process.Start("kill", ["-INT", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            await kill.WaitForExitAsync();
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            throw new TimeoutException("acode ui did not stop within 60 s of SIGINT.");
        }

        await _reader;
        _result = new AcodeResult(_process.ExitCode, _stdout.ToString(), await _stderr);
        return _result;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        finally
        {
            _process.Dispose();
        }
    }

    [GeneratedRegex(@"^Open: (http://127\.0\.0\.1:\d+/\?token=[A-Za-z0-9_-]+)$")]
    private static partial Regex OpenLine();
}
