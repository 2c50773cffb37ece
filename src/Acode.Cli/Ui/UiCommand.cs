using System.CommandLine;
using System.CommandLine.Parsing;
using System.Diagnostics;
using System.Globalization;

namespace Acode.Cli.Ui;

/// <summary><c>acode ui</c>: a local, read-only web viewer of the workspace's sessions (with <c>--remote</c>, the team's in PostgreSQL), their timelines and the sync's health.</summary>
internal static class UiCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var port = new Option<int>("--port")
        {
            Description = "The port on 127.0.0.1 to listen on, 1 to 65535 (default: a free port the system picks).",
            DefaultValueFactory = _ => 0,
            CustomParser = ParsePort,
        };
        var noOpen = new Option<bool>("--no-open") { Description = "Do not open a browser; only print the URL." };
        var remote = new Option<bool>("--remote") { Description = "View the team's sessions in PostgreSQL (every workspace's, with the workspace each came from) instead of this workspace's; nothing local is opened or created." };
        var command = new Command("ui", """
            Serve a read-only web viewer of this workspace on 127.0.0.1 until Ctrl+C: the sessions list (the filters and
            sort of 'session list') with full-text search, each session as a timeline of tasks, steps and tool calls
            (click a call for its arguments and result), artifacts with diffs, the event log, and the outbox and sync
            health (with PostgreSQL: each workspace's last sync and conflicts side by side).

            With --remote it serves the team's sessions from the configured PostgreSQL instead (list, search, sessions,
            tool calls, artifacts, with the workspace each session came from) and a health page of PostgreSQL's side:
            each workspace's last sync and the conflicts. It needs PostgreSQL configured (else ACODE-DB-007, exit 17),
            reachable and at this acode's schema (else ACODE-DB-006, exit 16), checked before the server starts.

            Only this machine can connect, and only with the URL printed at start: it carries a token new to each run.
            Nothing in the viewer changes the store. Ctrl+C (or SIGTERM) stops it; the exit code is then 0.

            Examples:
              acode ui
              acode ui --port 8765 --no-open
              acode ui --remote
            """)
        {
            port, noOpen, remote,
        };
        CommandAction.Set(command, globals, async (context, cancellationToken) =>
        {
            int requested = context.ParseResult.GetValue(port);

            UiSourceScope scope;
            UiServer server;
            try
            {
                // WaitAsync: Npgsql does not give up a physical open when the token is cancelled (it waits out its connect
                // timeout); a stop while the viewer starts ends it at once, and the process exits right after.
                scope = context.ParseResult.GetValue(remote)
                    ? await UiSourceScope.OpenRemoteAsync(context, cancellationToken).WaitAsync(cancellationToken)
                    : UiSourceScope.OpenLocal(context);
                server = await UiServer.StartAsync(scope.Sources, requested, context.LoggerFactory, cancellationToken);
            }
            catch (Exception ex) when ((ex is IOException or Microsoft.AspNetCore.Connections.AddressInUseException) && !cancellationToken.IsCancellationRequested)
            {
                throw new UsageException($"Cannot listen on 127.0.0.1:{requested}: {ex.Message}", "Pick another port with --port, or leave it out to get a free one.", ExitCodes.Problem);
            }
            catch (Exception) when (cancellationToken.IsCancellationRequested)
            {
                // Ctrl+C or SIGTERM while still starting: a stop like one after the start (README, exit codes), not an error;
                // what the start was waiting for (PostgreSQL, the port) is cut short.
                Console.Out.WriteLine("Stopped.");
                return ExitCodes.Success;
            }

            await using (server)
            {
                // The folder's name is anyone's choice: shown as the error lines show text, hidden characters as \uXXXX.
                Console.Out.WriteLine($"acode ui: viewing {CommandAction.Printable(scope.Viewing)}");
                Console.Out.WriteLine($"Open: {server.LaunchUrl}");
                Console.Out.WriteLine("Read-only; only this machine can connect, with this URL's token. Ctrl+C stops.");
                if (!context.ParseResult.GetValue(noOpen))
                {
                    TryOpenBrowser(server.OpenUrl);
                }

                try
                {
                    await Task.Delay(Timeout.Infinite, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    // Ctrl+C or SIGTERM: stop accepting, let requests in flight finish, exit 0.
                }

                await server.StopAsync();
            }

            Console.Out.WriteLine("Stopped.");
            return ExitCodes.Success;
        }, stopsGracefully: _ => true);
        return command;
    }

    /// <summary>
    /// <c>--port</c>: a whole number from 0 (a free port) to 65535. Anything else, too large for a number or not one at
    /// all, gets the one message of the range (exit 2, as every command-line error), never the number type's limits.
    /// </summary>
    private static int ParsePort(ArgumentResult result)
    {
        string text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int port) && port <= 65535)
        {
            return port;
        }

        result.AddError($"--port must be between 1 and 65535, or 0 for a free port (got '{ParseErrorMessages.Shown(text)}').");
        return 0;
    }

    /// <summary>
    /// Opens <paramref name="url"/> (<see cref="UiServer.OpenUrl"/>: its code lets one request in, so the command lines
    /// that hold it give no way in) with xdg-open when there is one; a missing or failing opener is not an error (the
    /// URL with the token is printed).
    /// </summary>
    private static void TryOpenBrowser(string url)
    {
        string? opener = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, "xdg-open")).FirstOrDefault(File.Exists);
        if (opener is null)
        {
            return;
        }

        try
        {
            var start = new ProcessStartInfo(opener) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            start.ArgumentList.Add(url);
            using Process? process = Process.Start(start);
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or InvalidOperationException or IOException)
        {
            // The URL is printed above; opening a browser is only a convenience.
        }
    }
}
