namespace Acode.Cli.Output;

/// <summary>
/// Standard error's stream as acode writes it: a write that fails (a closed descriptor, <c>2&gt;&amp;-</c>, EBADF; an
/// I/O error) is dropped, since there is nowhere left to say anything and the exit code still says how the command ended.
/// Without it, the first <c>Error:</c> or <c>Warning:</c> line of a command run so aborted the process (exit 134).
/// Write-only; not to be disposed (the descriptor is the process's).
/// </summary>
internal sealed class StandardErrorStream(Stream inner) : WriteOnlyStream(inner)
{
    private volatile bool _failed;

    /// <summary>Makes <see cref="Console.Error"/> write through this stream (first thing in the process, with <see cref="StandardOutput.Install"/>).</summary>
    public static void Install()
        => Console.SetError(new StreamWriter(new StandardErrorStream(Console.OpenStandardError()), new System.Text.UTF8Encoding(false), 1024, leaveOpen: true) { AutoFlush = true });

    protected override bool Skipped => _failed;

    protected override bool IsHandled(Exception ex) => ex is IOException or UnauthorizedAccessException;

    protected override void Failed(Exception ex) => _failed = true;
}
