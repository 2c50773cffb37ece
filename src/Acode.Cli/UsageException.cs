namespace Acode.Cli;

/// <summary>The user asked for something that cannot be done as asked; printed as <c>Error:</c>/<c>Try:</c> with exit code 2, no stack trace.</summary>
internal sealed class UsageException(string message, string hint, int exitCode = ExitCodes.Usage) : Exception(message)
{
    public string Hint { get; } = hint;

    public int ExitCode { get; } = exitCode;
}
