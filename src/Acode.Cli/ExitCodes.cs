namespace Acode.Cli;

/// <summary>The process exit codes of <c>acode</c> (documented in the README).</summary>
internal static class ExitCodes
{
    public const int Success = 0;

    /// <summary>The command ran and the answer is "no": a check found problems, a session was not found.</summary>
    public const int Problem = 1;

    /// <summary>The command line was wrong (unknown command or option, bad value, unreadable input file).</summary>
    public const int Usage = 2;

    /// <summary>An unexpected internal error (a bug): please report it.</summary>
    public const int Internal = 3;

    /// <summary>ACODE-DB-00N exits with 10 + N (11 … 17).</summary>
    public static int For(Application.Errors.AcodeErrorCode code) => 10 + (int)code;
}
