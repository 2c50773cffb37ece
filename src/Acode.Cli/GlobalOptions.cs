using System.CommandLine;

namespace Acode.Cli;

/// <summary>Options every command accepts.</summary>
internal sealed class GlobalOptions
{
    public Option<string?> Workspace { get; } = new("--workspace", "-w")
    {
        Description = "The workspace folder (default: ACODE_WORKSPACE, else the nearest folder holding .agent/, else the current folder).",
        Recursive = true,
    };

    public Option<bool> Verbose { get; } = new("--verbose", "-v")
    {
        Description = "Log what the store and the sync do (applied keys, duplicates, conflicts, retries) to standard error.",
        Recursive = true,
    };
}
