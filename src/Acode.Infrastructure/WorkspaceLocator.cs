namespace Acode.Infrastructure;

/// <summary>
/// Finds the workspace the way git finds a repository (spec AC-001): an explicit <c>--workspace</c>, else
/// <c>ACODE_WORKSPACE</c>, else the nearest folder at or above the current one that holds <c>.agent/</c>,
/// else the current folder (where <c>.agent/</c> will be created on first use).
/// </summary>
public static class WorkspaceLocator
{
    /// <summary>The environment variable naming the workspace folder: <c>ACODE_WORKSPACE</c>.</summary>
    public const string EnvironmentVariable = "ACODE_WORKSPACE";

    /// <summary>The workspace for the given inputs (the rule of the class); pure, for tests and hosts with their own environment.</summary>
    /// <param name="explicitPath">The <c>--workspace</c> value, or null.</param>
    /// <param name="environmentValue">The <c>ACODE_WORKSPACE</c> value, or null.</param>
    /// <param name="currentDirectory">Where relative paths start and the upward search begins.</param>
    /// <returns>The workspace, with an absolute root; its <c>.agent/</c> need not exist.</returns>
    public static Workspace Locate(string? explicitPath, string? environmentValue, string currentDirectory)
    {
        if (!string.IsNullOrWhiteSpace(explicitPath))
        {
            return new Workspace(FullPath(explicitPath, currentDirectory));
        }

        if (!string.IsNullOrWhiteSpace(environmentValue))
        {
            return new Workspace(FullPath(environmentValue, currentDirectory));
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

    /// <summary>The absolute folder, without a trailing separator (<c>../</c> gives <c>/home/me</c>, not <c>/home/me/</c>; <c>/</c> stays).</summary>
    private static string FullPath(string path, string currentDirectory)
        => Path.TrimEndingDirectorySeparator(Path.GetFullPath(path, currentDirectory));

    /// <summary>The workspace of this process: <paramref name="explicitPath"/>, else <c>ACODE_WORKSPACE</c>, else the search from the current directory.</summary>
    /// <param name="explicitPath">A folder given by the caller (the CLI's <c>--workspace</c>), or null.</param>
    public static Workspace Locate(string? explicitPath = null)
        => Locate(explicitPath, Environment.GetEnvironmentVariable(EnvironmentVariable), Directory.GetCurrentDirectory());
}
