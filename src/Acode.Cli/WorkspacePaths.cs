using Acode.Application.Errors;
using Acode.Infrastructure;
using Acode.Infrastructure.Transcripts;

namespace Acode.Cli;

/// <summary>
/// Checked before any command uses the workspace: its folder, its <c>.agent/</c> and its database are of the right kind.
/// A file where a folder belongs (or a folder where the database file belongs) is ACODE-DB-001 said as such, the same for
/// every command, rather than a .NET path error, "does not exist" or "not an SQLite database". An empty --workspace
/// value and a path through a symbolic link that loops are the command line's mistake (exit 2), said as such.
/// </summary>
internal static class WorkspacePaths
{
    /// <exception cref="UsageException">Exit 2: the --workspace value is empty (or only blanks), or the workspace's path goes through a symbolic link that loops; nothing was created or changed.</exception>
    /// <exception cref="AcodeDbException">ACODE-DB-001 (exit 11): a path of the workspace is of the wrong kind; nothing was created or changed.</exception>
    public static void Check(Workspace workspace, string? explicitPath)
    {
        if (explicitPath is not null && string.IsNullOrWhiteSpace(explicitPath))
        {
            // -w "$DIR" with DIR unset: taken as absent, it would use (or create) the current folder's workspace.
            throw new UsageException(
                $"The value of --workspace is {(explicitPath.Length == 0 ? "empty" : "only blanks")}: it names no folder.",
                "Give the workspace's folder (e.g. --workspace .), or leave --workspace out to use ACODE_WORKSPACE or the folder found from the current one.");
        }

        string from = !string.IsNullOrWhiteSpace(explicitPath) ? "given with --workspace"
            : !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(WorkspaceLocator.EnvironmentVariable)) ? $"given by {WorkspaceLocator.EnvironmentVariable}"
            : "found from the current folder";
        if (MayLoop(workspace.DatabasePath) && SymbolicLinkLoop.Find(workspace.DatabasePath) is { } loop)
        {
            throw new UsageException(
                $"The workspace path '{workspace.RootDirectory}' ({from}) cannot be used: {SymbolicLinkLoop.Reason(loop)}. Nothing was created or changed.",
                SymbolicLinkLoop.Remedy(loop));
        }

        foreach (string path in (string[])[workspace.RootDirectory, workspace.AgentDirectory, workspace.DatabasePath])
        {
            // A loop was said above, so a link whose target is not there is one to what does not exist.
            if (UnreadablePath.DanglingLinkTarget(path) is { } target)
            {
                throw new AcodeDbException(
                    AcodeErrorCode.CannotOpen,
                    $"'{path}'{(path == workspace.RootDirectory ? $" (the workspace path, {from})" : string.Empty)} is a symbolic link to '{target}', which does not exist. Nothing was created or changed.",
                    $"Point the link at what it stands for (ln -sfn TARGET {ShellQuoting.Quote(path)}), or remove it; or choose another workspace with --workspace or {WorkspaceLocator.EnvironmentVariable}.");
            }
        }

        if (File.Exists(workspace.RootDirectory))
        {
            throw new AcodeDbException(
                AcodeErrorCode.CannotOpen,
                $"The workspace path '{workspace.RootDirectory}' ({from}) is a file, not a folder: a workspace is a project's folder, with acode's database in '{Workspace.AgentFolderName}/' inside it. Nothing was created or changed.",
                $"Give the project's folder instead (e.g. --workspace {ShellQuoting.Quote(ProjectFolderOf(workspace.RootDirectory))}), with --workspace or {WorkspaceLocator.EnvironmentVariable}.");
        }

        if (File.Exists(workspace.AgentDirectory))
        {
            throw new AcodeDbException(
                AcodeErrorCode.CannotOpen,
                $"'{workspace.AgentDirectory}' is a file, not a folder: acode keeps the workspace database in that folder. Nothing was created or changed.",
                $"Move the file away (acode creates the folder on the next command that records something), or choose another workspace with --workspace or {WorkspaceLocator.EnvironmentVariable}.");
        }

        if (Directory.Exists(workspace.DatabasePath))
        {
            throw new AcodeDbException(
                AcodeErrorCode.CannotOpen,
                $"'{workspace.DatabasePath}' is a folder, not the workspace database file. Nothing was created or changed.",
                $"Move the folder away (acode creates the database on the next command that records something, e.g. 'acode demo'), or choose another workspace with --workspace or {WorkspaceLocator.EnvironmentVariable}.");
        }

        // SQLite opens its write-ahead log and shared-memory index beside the database: a folder or a looping link there
        // failed every write as "read-only" (a reader was told the file cannot be opened), naming neither (trial BA F5).
        foreach ((string suffix, string what) in (ReadOnlySpan<(string, string)>)[("-wal", "write-ahead log"), ("-shm", "shared-memory index")])
        {
            string companion = workspace.DatabasePath + suffix;
            if (ExistingAttributes(companion) is not { } attributes)
            {
                continue;
            }

            // SQLite opens neither through a symbolic link, whatever it points to (a file too: trial BD F6).
            string? problem = attributes.HasFlag(FileAttributes.ReparsePoint)
                ? SymbolicLinkLoop.Find(companion) is not null ? "a symbolic link that loops" : $"a symbolic link (to '{new FileInfo(companion).LinkTarget}')"
                : Directory.Exists(companion) ? "a folder" : null;
            if (problem is not null)
            {
                throw new AcodeDbException(
                    AcodeErrorCode.CannotOpen,
                    $"'{companion}' is {problem}, where SQLite keeps the {what} of the workspace database '{workspace.DatabasePath}': the database cannot be opened beside it. Nothing was created or changed.",
                    $"Move it away (SQLite creates the file itself when it opens the database: mv {ShellQuoting.Quote(companion)} {ShellQuoting.Quote(companion + ".moved")}), or choose another workspace with --workspace or {WorkspaceLocator.EnvironmentVariable}.");
            }
        }
    }

    /// <summary>
    /// The attributes of what is at <paramref name="path"/> (not followed when a link); null when nothing is there or the
    /// path cannot be reached (the open names why).
    /// </summary>
    private static FileAttributes? ExistingAttributes(string path) => TryReadAttributes(path, out FileAttributes? attributes) ? attributes : null;

    /// <summary>
    /// Whether <paramref name="databasePath"/> may go through a symbolic link that loops, from one lstat of it (run by
    /// every command, so the walk of <see cref="SymbolicLinkLoop.Find"/>, a few calls per folder of the path, is left to
    /// the paths that need it): the system fails it ("too many levels of symbolic links") when a folder on the way
    /// loops, but not when the database path is itself a link (lstat does not follow it), so a link is looked at too.
    /// </summary>
    private static bool MayLoop(string databasePath)
        => !TryReadAttributes(databasePath, out FileAttributes? attributes) || attributes?.HasFlag(FileAttributes.ReparsePoint) == true;

    /// <summary>
    /// One lstat of <paramref name="path"/>: false when it fails (an unreachable path, a loop on the way); true otherwise,
    /// with <paramref name="attributes"/> null when nothing is there. Read without an exception in that case
    /// (FileSystemInfo.Attributes is -1 then): this runs at every command's start, a workspace has no database before
    /// its first record, and the companion files go when the last connection closes.
    /// </summary>
    private static bool TryReadAttributes(string path, out FileAttributes? attributes)
    {
        try
        {
            FileAttributes read = new FileInfo(path).Attributes;
            attributes = (int)read == -1 ? null : read;
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            attributes = null;
            return false;
        }
    }

    /// <summary>
    /// The project folder a file given as the workspace path stands in: two levels up from the workspace database or a
    /// file in <c>.agent/</c> (<c>…/.agent/workspace.db</c> → <c>…</c>), else the file's own folder.
    /// </summary>
    private static string ProjectFolderOf(string file)
    {
        string folder = Path.GetDirectoryName(file) ?? "/";
        return Path.GetFileName(folder) == Workspace.AgentFolderName ? Path.GetDirectoryName(folder) ?? "/" : folder;
    }
}
