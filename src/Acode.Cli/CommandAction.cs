using System.CommandLine;
using Acode.Application.Errors;

namespace Acode.Cli;

/// <summary>
/// The one top-level handler: runs a command with its <see cref="CliContext"/> and turns failures into
/// <c>Error: …</c> / <c>Try: …</c> on standard error and the documented exit code; no stack trace for expected errors.
/// </summary>
internal static class CommandAction
{
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Command, Func<ParseResult, bool>> Graceful = [];

    /// <param name="command">The command.</param>
    /// <param name="globals">The global options.</param>
    /// <param name="run">What it does; its token is <see cref="StopSignals.Token"/>.</param>
    /// <param name="stopsGracefully">
    /// When true for a command line, the command handles Ctrl+C and SIGTERM itself from the start (the token is cancelled
    /// and it winds down; see <see cref="StopSignals"/>); otherwise a signal ends the process at once. Default: never.
    /// </param>
    public static void Set(Command command, GlobalOptions globals, Func<CliContext, CancellationToken, Task<int>> run, Func<ParseResult, bool>? stopsGracefully = null)
    {
        if (stopsGracefully is not null)
        {
            Graceful.AddOrUpdate(command, stopsGracefully);
        }

        SetAction(command, globals, run);
    }

    /// <summary>Whether the command of <paramref name="parseResult"/> stops gracefully on Ctrl+C and SIGTERM (see <see cref="Set"/>).</summary>
    public static bool StopsGracefully(ParseResult parseResult)
        => parseResult.Errors.Count == 0 && Graceful.TryGetValue(parseResult.CommandResult.Command, out Func<ParseResult, bool>? graceful) && graceful(parseResult);

    private static void SetAction(Command command, GlobalOptions globals, Func<CliContext, CancellationToken, Task<int>> run)
        => command.SetAction(async (parseResult, cancellationToken) =>
        {
            try
            {
                using var context = new CliContext(parseResult, globals);
                WorkspacePaths.Check(context.Workspace, parseResult.GetValue(globals.Workspace));
                int exitCode = await run(context, cancellationToken);
                Output.StandardOutput.Flush();
                return exitCode;
            }
            catch (Exception ex)
            {
                return Handle(ex, parseResult.GetValue(globals.Verbose));
            }
        });

    /// <summary>
    /// The exit code of a command that threw <paramref name="exception"/>, after its <c>Error:</c>/<c>Try:</c> lines on
    /// standard error: an acode error's code and hint, a stop by a signal, output that could not be written (closed:
    /// exit 2; a reader gone: 141, silently; a full disk: exit 2), and anything else as <see cref="Unexpected"/>.
    /// Also what <see cref="AcodeCommandLine.RunAsync"/> does with what escapes <c>--help</c> and <c>--version</c>.
    /// </summary>
    public static int Handle(Exception exception, bool verbose)
    {
        switch (exception)
        {
            case AcodeDbException ex:
                return Fail($"{ex.Code}: {ex.Message}", ex.Hint, ExitCodes.For(ex.ErrorCode));
            case UsageException ex:
                return Fail(ex.Message, ex.Hint, ex.ExitCode);
            case ConcurrencyConflictException ex:
                return Fail(ex.Message, "Run the command again.", ExitCodes.Problem);
            case OperationCanceledException:
                string what = StopSignals.Received is null ? "Cancelled." : $"Stopped by {StopSignals.ReceivedName}.";
                return Fail(what, "Nothing was left half-written: every write is one transaction.", StopSignals.InterruptedExitCode);
            case Output.StandardOutputException ex:
                return Fail(ex.Message, Output.StandardOutputException.Hint, ExitCodes.Usage);
            case IOException ex when Output.StandardOutput.IsBrokenPipe(ex):
                // The reader of the output went away ('| head'): nothing more is said, as for a process SIGPIPE ended.
                return Output.StandardOutput.BrokenPipeExitCode;
            case IOException ex when Output.FullOutputDisk.IsFull(ex):
                UsageException full = Output.FullOutputDisk.ForStandardOutput(ex);
                return Fail(full.Message, full.Hint, full.ExitCode);
            default:
                return Unexpected(exception, verbose);
        }
    }

    /// <summary>
    /// Exit 3 for an exception acode has no message of its own for: the type and message, and with <c>--verbose</c> the
    /// whole exception before them (its stack trace and inner exceptions; hidden characters as <c>\uXXXX</c>), which is
    /// what the Try line asks a report to include.
    /// </summary>
    public static int Unexpected(Exception exception, bool verbose)
    {
        ArgumentNullException.ThrowIfNull(exception);
        if (verbose)
        {
            Output.StandardOutput.FlushBeforeError();
            Console.Error.WriteLine(Printable(exception.ToString()));
        }

        return Fail($"Unexpected error ({exception.GetType().Name}): {exception.Message}",
            verbose
                ? "This is a bug in acode; please report it with this output, the exception above included."
                : "This is a bug in acode; please report it with the output of the same command run with --verbose.",
            ExitCodes.Internal);
    }

    public static int Fail(string message, string hint, int exitCode)
    {
        Output.StandardOutput.FlushBeforeError();
        Console.Error.WriteLine($"Error: {Printable(message)}");
        Console.Error.WriteLine($"Try: {Printable(hint)}");
        return exitCode;
    }

    /// <summary>
    /// Messages can quote what came in (a forged import file, a path, a database value): control, bidi and line-separator
    /// characters are shown as <c>\uXXXX</c> so that they can never drive the terminal. Newlines and tabs stay. For any
    /// text written to the terminal with <see cref="Console"/> directly (not through Spectre, which has <c>Display.Safe</c>).
    /// </summary>
    public static string Printable(string text)
    {
        if (!text.Any(NeedsEscape))
        {
            return text;
        }

        var builder = new System.Text.StringBuilder(text.Length + 16);
        foreach (char c in text)
        {
            builder.Append(NeedsEscape(c) ? $"\\u{(int)c:X4}" : c.ToString());
        }

        return builder.ToString();
    }

    private static bool NeedsEscape(char c)
        => c is not '\n' and not '\t' && Output.HiddenCharacters.Is(c);
}
