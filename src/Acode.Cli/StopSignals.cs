using System.Runtime.InteropServices;

namespace Acode.Cli;

/// <summary>
/// Ctrl+C (SIGINT), SIGTERM and SIGHUP (the terminal or SSH session closed; trial BA F3) for the whole process: the one place where acode handles them (docs/architecture.md,
/// "Stopping"). Registered once, before the command runs, and never unregistered, so that no signal falls into a gap
/// between a command's start and its own handling, or between its clean-up and the process's exit.
/// </summary>
/// <remarks>
/// <para>Unless a command stops gracefully (<see cref="StopGracefully"/>) a signal gets the default handling: the
/// process ends at once (the shell sees 130 for SIGINT, 143 for SIGTERM, 129 for SIGHUP). Short commands rely on that: every write is one
/// transaction, so nothing is left half-written, and a confirmation prompt answers Ctrl+C at once.</para>
/// <para>Once a command stops gracefully, every signal cancels <see cref="Token"/> instead, and the command winds down
/// (the sync gives back what it claimed, the viewer lets requests in flight finish). Further signals are absorbed:
/// <c>timeout</c> and terminals deliver one Ctrl+C to the process and again to its process group, and a second signal must
/// not cut the clean-up short. A process that hangs while stopping is ended with SIGKILL.</para>
/// <para>The token's source is never disposed: a handler may run at any moment until the process exits, and cancelling a
/// disposed source would throw on the signal thread and abort the process.</para>
/// </remarks>
internal static class StopSignals
{
    private static readonly CancellationTokenSource Stop = new();
    private static readonly Lock Gate = new();
    private static PosixSignalRegistration? _interrupt;
    private static PosixSignalRegistration? _terminate;
    private static PosixSignalRegistration? _hangUp;
    private static Mode _mode; // guarded by Gate
    private static int _received;

    /// <summary>Cancelled by the first SIGINT, SIGTERM or SIGHUP once the command stops gracefully; never cancelled before.</summary>
    public static CancellationToken Token => Stop.Token;

    /// <summary>The first signal received while stopping gracefully, or null.</summary>
    public static PosixSignal? Received => Volatile.Read(ref _received) switch
    {
        0 => null,
        var signal => (PosixSignal)signal,
    };

    /// <summary>
    /// The exit code of a command that a signal stopped before it finished: 128 + the signal's number, as a shell reports a
    /// process a signal ended (130 for SIGINT, 143 for SIGTERM, 129 for SIGHUP); 130 when no signal was received.
    /// </summary>
    public static int InterruptedExitCode => Received switch
    {
        PosixSignal.SIGTERM => 143,
        PosixSignal.SIGHUP => 129,
        _ => 130,
    };

    /// <summary>What stopped the command, for messages: "Ctrl+C (SIGINT)", "SIGTERM" or "SIGHUP (terminal closed)".</summary>
    public static string ReceivedName => Received switch
    {
        PosixSignal.SIGTERM => "SIGTERM",
        PosixSignal.SIGHUP => "SIGHUP (terminal closed)",
        _ => "Ctrl+C (SIGINT)",
    };

    /// <summary>
    /// Starts listening (idempotent), first thing in the process. Until the command is known (<see cref="EndAtOnce"/> or
    /// <see cref="StopGracefully"/>) a signal is held, then handled as that command's is.
    /// </summary>
    public static void Listen()
    {
        lock (Gate)
        {
            _interrupt ??= PosixSignalRegistration.Create(PosixSignal.SIGINT, Handle);
            _terminate ??= PosixSignalRegistration.Create(PosixSignal.SIGTERM, Handle);
            _hangUp ??= PosixSignalRegistration.Create(PosixSignal.SIGHUP, Handle);
        }
    }

    /// <summary>A signal ends the process at once (the default handling); one held since <see cref="Listen"/> ends it now.</summary>
    public static void EndAtOnce()
    {
        bool held;
        lock (Gate)
        {
            if (_mode == Mode.Undecided)
            {
                _mode = Mode.AtOnce;
            }

            held = _mode == Mode.AtOnce && Received is not null;
        }

        if (held)
        {
            Output.StandardOutput.FlushBeforeExit();
            Environment.Exit(InterruptedExitCode);
        }
    }

    /// <summary>From now on a signal cancels <see cref="Token"/> instead of ending the process (one held since <see cref="Listen"/> at once); returns <see cref="Token"/>.</summary>
    public static CancellationToken StopGracefully()
    {
        lock (Gate)
        {
            _mode = Mode.Graceful;
            if (Received is not null)
            {
                CancelSoon();
            }
        }

        return Stop.Token;
    }

    private static void Handle(PosixSignalContext context)
    {
        lock (Gate)
        {
            if (_mode == Mode.AtOnce)
            {
                Output.StandardOutput.FlushBeforeExit(); // what the command printed is not lost
                return; // the default: the process ends at once
            }

            context.Cancel = true;
            if (Received is not null)
            {
                return; // a repeated signal: the first one is being handled
            }

            Volatile.Write(ref _received, (int)context.Signal); // PosixSignal values are negative; 0 means none yet
            if (_mode == Mode.Graceful)
            {
                CancelSoon();
            }
        }
    }

    /// <summary>Not on the signal's thread: Cancel runs the token's callbacks, which may run the whole wind-down.</summary>
    private static void CancelSoon() => ThreadPool.UnsafeQueueUserWorkItem(static stop => stop.Cancel(), Stop, preferLocal: false);

    private enum Mode
    {
        Undecided,
        AtOnce,
        Graceful,
    }
}
