namespace Acode.Cli.Output;

/// <summary>
/// A write to standard output that failed for another reason than a reader that went away (EPIPE, exit 141) or a full
/// disk (ENOSPC, <see cref="FullOutputDisk"/>): a closed descriptor (<c>acode … &gt;&amp;-</c>, EBADF), an I/O error of
/// the disk or terminal (EIO). The command ends with exit 2, as for any output that cannot be written, saying so instead
/// of "Unexpected error … This is a bug" (exit 3). An <see cref="IOException"/>, so that the places that keep or drop a
/// failed write of standard output (<see cref="StandardOutput.FlushBeforeError"/>) treat it as they treat the others.
/// </summary>
internal sealed class StandardOutputException : IOException
{
    public StandardOutputException(Exception inner)
        : base($"Standard output could not be written: {Reason(inner)}. {Done} Only the output is lost.", inner)
    {
    }

    /// <summary>
    /// What the failed write means for the command's work: what it wrote before stays written (trial AA: "the workspace
    /// database is not affected" after an import, a sync or a deletion that had happened).
    /// </summary>
    public const string Done = "What the command did before stopping stays done (each write to the workspace or to PostgreSQL is one transaction): check with 'acode session list' or 'acode db status'.";

    /// <summary>What to do next.</summary>
    public static string Hint => "Run the command with its output going to a terminal, a file or a pipe that takes it (a closed standard output, '>&-', takes nothing).";

    // .NET reports EBADF as UnauthorizedAccessException ("Access to the path is denied") over an IOException naming it.
    private static string Reason(Exception inner)
    {
        Exception innermost = inner;
        while (innermost.InnerException is { } next)
        {
            innermost = next;
        }

        string reason = innermost.Message.TrimEnd('.');
        return reason.Contains("Bad file descriptor", StringComparison.OrdinalIgnoreCase)
            ? $"{reason} (EBADF: it is closed, or not open for writing)"
            : reason;
    }
}
