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
        string hint = "Run it in your project's folder (or give the workspace with --workspace), or record a sample session here with 'acode demo'.";
        if (empty is not null)
        {
            where = $"No acode workspace at {workspace.RootDirectory} yet: {workspace.DatabasePath} {empty}, so nothing was ever recorded there; it was left as it is.";
        }
        else if (!string.IsNullOrWhiteSpace(explicitPath))
        {
            where = $"No acode workspace at {workspace.RootDirectory} (given with --workspace): {workspace.DatabasePath} does not exist.";
            hint = Directory.Exists(workspace.RootDirectory)
                ? "Check the path given with --workspace (the folder that holds .agent/), or record a sample session there with 'acode demo'."
                : $"Check the path given with --workspace: {workspace.RootDirectory} does not exist (a command that records creates it, 'acode demo' for a sample session).";
        }
        else if (!string.IsNullOrWhiteSpace(environmentValue))
        {
            where = $"No acode workspace at {workspace.RootDirectory} (given by {WorkspaceLocator.EnvironmentVariable}): {workspace.DatabasePath} does not exist.";
            hint = $"Check {WorkspaceLocator.EnvironmentVariable} (the folder that holds .agent/), or unset it to use the workspace of the current folder; 'acode demo' records a sample session there.";
        }
        else
        {
            (where, hint) = Searched(workspace, Directory.GetCurrentDirectory(), hint);
        }

        return new UsageException($"{where} Nothing was created.", hint, ExitCodes.Problem);
    }

    /// <summary>
    /// After the upward search from <paramref name="currentDirectory"/> (<see cref="WorkspaceLocator"/>): the folders it
    /// looked in, which end where it stopped, at the first <c>.agent/</c> folder, or at the file system's root. A
    /// <c>.agent/</c> without a database (empty, or another program's) stops the search short of a workspace further up:
    /// the error says so and names that workspace, and where <c>acode demo</c> would record.
    /// </summary>
    private static (string Where, string Hint) Searched(Workspace workspace, string currentDirectory, string hint)
    {
        var folders = new List<string>();
        bool stopped = Directory.Exists(workspace.AgentDirectory);
        for (DirectoryInfo? dir = new(Path.GetFullPath(currentDirectory)); dir is not null; dir = dir.Parent)
        {
            folders.Add(dir.FullName);
            if (stopped && Path.GetFullPath(dir.FullName) == Path.GetFullPath(workspace.RootDirectory))
            {
                break;
            }
        }

        string where = $"No acode workspace here: looked for {Workspace.AgentFolderName}/{Workspace.DatabaseFileName} in {string.Join(", ", folders)}.";
        if (!stopped)
        {
            return (where, hint);
        }

        string? further = null;
        for (DirectoryInfo? dir = new DirectoryInfo(workspace.RootDirectory).Parent; dir is not null && further is null; dir = dir.Parent)
        {
            further = File.Exists(new Workspace(dir.FullName).DatabasePath) ? dir.FullName : null;
        }

        where += $" The search stopped at {workspace.RootDirectory}, whose {Workspace.AgentFolderName}/ folder holds no {Workspace.DatabaseFileName} (empty, or another program's)"
            + (further is null ? "." : $"; a workspace exists further up, at {further}.");
        return (where, further is null
            ? $"Run it in your project's folder (or give the workspace with --workspace), or record a sample session with 'acode demo', which creates the workspace in {workspace.RootDirectory}."
            : $"Give that workspace with --workspace {ShellQuoting.Quote(further)} (or ACODE_WORKSPACE), or move {Path.Combine(workspace.RootDirectory, Workspace.AgentFolderName)} away if it is not acode's.");
    }
}
