using Acode.Infrastructure;

namespace Acode.Cli;

/// <summary>
/// The error of a read-only command run where no workspace exists (exit 1): it says which folders were looked in,
/// and the command created nothing (no <c>.agent/</c>, no database).
/// </summary>
internal static class WorkspaceNotFound
{
    /// <param name="workspace">Where the workspace was looked for.</param>
    /// <param name="explicitPath">The <c>--workspace</c> given, if any.</param>
    /// <param name="environmentValue">The value of <c>ACODE_WORKSPACE</c>, if any.</param>
    /// <param name="empty">
    /// How the database file that exists holds nothing (<c>is empty (0 bytes)</c>, <c>is an empty SQLite database (no
    /// tables)</c>): no workspace yet, and it was left as it is; null when it does not exist.
    /// </param>
    public static UsageException Create(Workspace workspace, string? explicitPath, string? environmentValue, string? empty = null)
    {
        string where;
        if (empty is not null)
        {
            where = $"No acode workspace at {workspace.RootDirectory} yet: {workspace.DatabasePath} {empty}, so nothing was ever recorded there; it was left as it is.";
        }
        else if (!string.IsNullOrWhiteSpace(explicitPath))
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
