namespace Acode.Cli.Tests.Support;

/// <summary>What one run of the acode binary did.</summary>
public sealed record AcodeResult(int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
}
