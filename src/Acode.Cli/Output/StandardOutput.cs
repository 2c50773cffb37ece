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
internal static class StandardOutput
{
    /// <summary>128 + SIGPIPE (13): what a shell reports for a process that wrote to a pipe nobody reads any more.</summary>
    public const int BrokenPipeExitCode = 141;

    /// <summary>The errno of EPIPE on Linux and macOS; .NET puts it in <see cref="Exception.HResult"/> of an <see cref="IOException"/> on Unix.</summary>
    private const int BrokenPipeErrno = 32;

    private static Stream? _stream;

    /// <summary>
    /// Makes <see cref="Console.Out"/> write to descriptor 1 through <see cref="Stream"/> (first thing in the process, on
    /// Unix) when it is a pipe, a socket or a terminal; for a file, or where descriptor 1 cannot be taken (closed), the
    /// console's own stream stays.
    /// </summary>
    public static void Install()
    {
        if (OperatingSystem.IsWindows() || _stream is not null)
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
            return;
        }

        if (stream.CanSeek)
        {
            // A file (or a device such as /dev/null): no reader can go away, and a FileStream would write at offsets of its
            // own (pwrite) without moving the descriptor's, which the shell shares: '{ acode …; echo; } > f' would lose
            // acode's output under echo's. The console's stream writes where the descriptor is.
            stream.Dispose();
            return;
        }

        _stream = stream;
        Console.SetOut(new StreamWriter(_stream, new UTF8Encoding(false), 4096, leaveOpen: true) { AutoFlush = true });
    }

    /// <summary>Standard output as a stream (not to be disposed: it is the process's): the descriptor's when installed, else the console's.</summary>
    public static Stream Stream => _stream ?? Console.OpenStandardOutput();

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
