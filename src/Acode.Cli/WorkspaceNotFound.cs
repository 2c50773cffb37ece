using Acode.Infrastructure;

namespace Acode.Cli;

/// <summary>
/// The error of a read-only command run where no workspace exists (exit 1): it says which folders were looked in,
/// and the command created nothing (no <c>.agent/</c>, no database).
/// </summary>
internal static class WorkspaceNotFound
{
    public static UsageException Create(Workspace workspace, string? explicitPath, string? environmentValue)
    {
        string where;
        if (!string.IsNullOrWhiteSpace(explicitPath))
        {
            where = $"No acode workspace at {workspace.RootDirectory} (given with --workspace): {workspace.DatabasePath} does not exist.";
        }
        else if (!string.IsNullOrWhiteSpace(environmentValue))
        {
            where = $"No acode workspace at {workspace.RootDirectory} (given by {WorkspaceLocator.EnvironmentVariable}): {workspace.DatabasePath} does not exist.";
        }
        else
        {
            var folders = new List<string>();
            for (DirectoryInfo? dir = new(workspace.RootDirectory); dir is not null; dir = dir.Parent)
            {
                folders.Add(dir.FullName);
            }

            where = $"No acode workspace here: looked for {Workspace.AgentFolderName}/{Workspace.DatabaseFileName} in {string.Join(", ", folders)}.";
        }

        return new UsageException(
            $"{where} Nothing was created.",
            "Run it in your project's folder (or give the workspace with --workspace), or record a sample session here with 'acode demo'.",
            ExitCodes.Problem);
    }
}
