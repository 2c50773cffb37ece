namespace Acode.Infrastructure;

/// <summary>
/// Finds the workspace the way git finds a repository (spec AC-001): an explicit <c>--workspace</c>, else
/// <c>ACODE_WORKSPACE</c>, else the nearest folder at or above the current one that holds <c>.agent/</c>,
/// else the current folder (where <c>.agent/</c> will be created on first use).
/// </summary>
public static class WorkspaceLocator
{
    public const string EnvironmentVariable = "ACODE_WORKSPACE";

    public static Workspace Locate(string? explicitPath, string? environmentValue, string currentDirectory)
    {
        if (!string.IsNullOrWhiteSpace(explicitPath))
        {
            return new Workspace(Path.GetFullPath(explicitPath, currentDirectory));
        }

        if (!string.IsNullOrWhiteSpace(environmentValue))
        {
            return new Workspace(Path.GetFullPath(environmentValue, currentDirectory));
        }

        for (DirectoryInfo? dir = new(Path.GetFullPath(currentDirectory)); dir is not null; dir = dir.Parent)
        {
            if (Directory.Exists(Path.Combine(dir.FullName, Workspace.AgentFolderName)))
            {
                return new Workspace(dir.FullName);
            }
        }

        return new Workspace(Path.GetFullPath(currentDirectory));
    }

    public static Workspace Locate(string? explicitPath = null)
        => Locate(explicitPath, Environment.GetEnvironmentVariable(EnvironmentVariable), Directory.GetCurrentDirectory());
}
