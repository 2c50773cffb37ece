using System.Runtime.ExceptionServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Acode.Cli.Output;

/// <summary>
/// Standard output as a plain file descriptor, so that a reader that went away is noticed. .NET ignores SIGPIPE, and its
/// console streams also swallow the EPIPE a write then fails with (the output silently goes nowhere and the command
/// exits 0, its output cut short): acode writes through a <see cref="FileStream"/> on descriptor 1 instead, whose failed
/// write throws, and the command ends with <see cref="BrokenPipeExitCode"/>, as a process SIGPIPE ended (<c>head</c>,
/// <c>set -o pipefail</c>), printing nothing more.
/// </summary>
/// <remarks>
/// A command that ends at once on Ctrl+C (the short ones: <see cref="StopSignals"/>) has its output buffered
/// (<see cref="Buffer"/>), so that a long listing is a few large writes rather than one system call a line; it is written
/// when the buffer fills, when the command ends (<see cref="Flush"/>, whose failure is the command's), before anything is
/// written to standard error (which must follow it, e.g. under <c>2&gt;&amp;1</c>), before an error is reported, and when
/// Ctrl+C or SIGTERM ends the process. The commands that stop gracefully (the watches, <c>ui</c>, <c>db sync</c>) run
/// long and print as they go: their output stays written a line at a time.
/// </remarks>
internal static class StandardOutput
{
    /// <summary>128 + SIGPIPE (13): what a shell reports for a process that wrote to a pipe nobody reads any more.</summary>
    public const int BrokenPipeExitCode = 141;

    /// <summary>The errno of EPIPE on Linux and macOS; .NET puts it in <see cref="Exception.HResult"/> of an <see cref="IOException"/> on Unix.</summary>
    private const int BrokenPipeErrno = 32;

    /// <summary>The writer's buffer, in characters (64 KiB): a write system call per this much output at most.</summary>
    private const int BufferChars = 1 << 16;

    /// <summary>How long the end of the process waits for buffered output to be written (a reader that stopped reading must not hold it).</summary>
    private static readonly TimeSpan ExitFlushTimeout = TimeSpan.FromSeconds(1);

    private static StandardOutputStream? _stream;
    private static StreamWriter? _writer;
    private static ExceptionDispatchInfo? _failure;

    /// <summary>
    /// Makes <see cref="Console.Out"/> write to descriptor 1 through <see cref="Stream"/> (first thing in the process, on
    /// Unix) when it is a pipe, a socket or a terminal; for a file, through the console's own stream (in the console's
    /// encoding), so that it can be buffered too; where descriptor 1 cannot be taken (closed), the console's writer stays.
    /// </summary>
    public static void Install()
    {
        if (OperatingSystem.IsWindows() || _writer is not null)
        {
            return;
        }

        FileStream stream;
        try
        {
            stream = new FileStream(new SafeFileHandle(1, ownsHandle: false), FileAccess.Write, bufferSize: 0);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            // Closed ('>&-'): the console's stream, whose writes then fail as StandardOutputException, not as a bug.
            _writer = new StreamWriter(new StandardOutputStream(Console.OpenStandardOutput()), Console.Out.Encoding, BufferChars, leaveOpen: true) { AutoFlush = true };
            Console.SetOut(_writer);
            return;
        }

        if (stream.CanSeek)
        {
            // A file (or a device such as /dev/null): no reader can go away, and a FileStream would write at offsets of its
            // own (pwrite) without moving the descriptor's, which the shell shares: '{ acode …; echo; } > f' would lose
            // acode's output under echo's. The console's stream writes where the descriptor is.
            stream.Dispose();
            _writer = new StreamWriter(new StandardOutputStream(Console.OpenStandardOutput()), Console.Out.Encoding, BufferChars, leaveOpen: true) { AutoFlush = true };
            Console.SetOut(_writer);
            return;
        }

        _stream = new StandardOutputStream(stream);
        _writer = new StreamWriter(_stream, new UTF8Encoding(false), BufferChars, leaveOpen: true) { AutoFlush = true };
        Console.SetOut(_writer);
    }

    /// <summary>
    /// From now on <see cref="Console.Out"/> is written when its 64 KiB buffer fills or is flushed, and every write to
    /// <see cref="Console.Error"/> first writes what it holds; nothing changes where <see cref="Install"/> kept the
    /// console's writer. For a command that ends at once on a signal, before it runs.
    /// </summary>
    public static void Buffer()
    {
        if (_writer is null || !_writer.AutoFlush)
        {
            return;
        }

        _writer.AutoFlush = false;
        Console.SetError(new StandardErrorAfterOutput(Console.Error));
    }

    /// <summary>
    /// Writes what <see cref="Console.Out"/> holds. At the end of a command, so that a failure is the command's.
    /// </summary>
    /// <exception cref="IOException">The write failed (<see cref="IsBrokenPipe"/>, ENOSPC…), now or when standard error was last written.</exception>
    public static void Flush()
    {
        if (_writer is null)
        {
            return;
        }

        Interlocked.Exchange(ref _failure, null)?.Throw();
        Console.Out.Flush();
    }

    /// <summary>
    /// Writes what <see cref="Console.Out"/> holds before something goes to standard error; a failure is kept for
    /// <see cref="Flush"/> (the command's end) to throw, as the line written to standard error still has to be said.
    /// </summary>
    public static void FlushBeforeStandardError()
    {
        if (_writer is null || _writer.AutoFlush)
        {
            return;
        }

        try
        {
            Console.Out.Flush();
        }
        catch (IOException ex)
        {
            Interlocked.CompareExchange(ref _failure, ExceptionDispatchInfo.Capture(ex), null);
        }
    }

    /// <summary>Writes what <see cref="Console.Out"/> holds before a command's error is said; a failure to is dropped (the error is what the command ends with).</summary>
    public static void FlushBeforeError()
    {
        if (_writer is null)
        {
            return;
        }

        try
        {
            Console.Out.Flush();
        }
        catch (IOException)
        {
            // The reader went away or the disk is full: the command's own error is still said, and is its exit code.
        }

        Interlocked.Exchange(ref _failure, null);
    }

    /// <summary>
    /// Writes what <see cref="Console.Out"/> holds before a signal ends the process, waiting at most a second: a write
    /// blocked on a reader that stopped reading (or the command's own write, holding the writer) must not keep it alive.
    /// Failures are dropped. Any thread.
    /// </summary>
    public static void FlushBeforeExit()
    {
        if (_writer is null || _writer.AutoFlush)
        {
            return;
        }

        Task.Run(FlushBeforeError).Wait(ExitFlushTimeout);
    }

    /// <summary>
    /// Standard output as a stream (not to be disposed: it is the process's): the descriptor's when installed, else the
    /// console's. What <see cref="Console.Out"/> holds is written first, so that the two keep their order.
    /// </summary>
    /// <exception cref="IOException">Writing what <see cref="Console.Out"/> held failed.</exception>
    public static Stream Stream
    {
        get
        {
            Flush();
            return _stream ?? new StandardOutputStream(Console.OpenStandardOutput());
        }
    }

    /// <summary>Whether <paramref name="ex"/> (or what it wraps) is a write to a pipe whose reader went away (EPIPE).</summary>
    public static bool IsBrokenPipe(Exception? ex)
    {
        for (; ex is not null; ex = ex.InnerException)
        {
            if (ex is IOException io && (io.HResult == BrokenPipeErrno || (io.HResult & 0xFFFF) is 109 or 232)) // 109, 232: ERROR_BROKEN_PIPE, ERROR_NO_DATA on Windows
            {
                return true;
            }
        }

        return false;
    }
}
