namespace Acode.Infrastructure;

/// <summary>A workspace: a folder whose <c>.agent/</c> holds the database (<c>workspace.db</c>) and the configuration (<c>config.json</c>).</summary>
/// <remarks>
/// <see cref="RootDirectory"/> is always a full path: a relative one is resolved against the current directory once, when
/// the workspace is created (<see cref="Path.GetFullPath(string)"/>), so that every file of the workspace (the database,
/// its <c>-wal</c> and <c>-shm</c>, <c>config.json</c>) is found in the same folder, whatever the process's current
/// directory or the application's own folder is afterwards.
/// </remarks>
/// <param name="RootDirectory">The workspace's folder, full or relative to the current directory.</param>
/// <exception cref="ArgumentNullException"><paramref name="RootDirectory"/> is null.</exception>
/// <exception cref="ArgumentException"><paramref name="RootDirectory"/> is empty or not a valid path.</exception>
public sealed record Workspace(string RootDirectory)
{
    /// <summary>The folder acode keeps its files in, under the workspace root: <c>.agent</c>.</summary>
    public const string AgentFolderName = ".agent";
    /// <summary>The database file's name in <see cref="AgentDirectory"/>: <c>workspace.db</c>.</summary>
    public const string DatabaseFileName = "workspace.db";
    /// <summary>The configuration file's name in <see cref="AgentDirectory"/>: <c>config.json</c>.</summary>
    public const string ConfigFileName = "config.json";

    /// <summary>The workspace's folder as a full path (a relative path given is resolved against the current directory when set).</summary>
    public string RootDirectory { get; init => field = Path.GetFullPath(value); } = Path.GetFullPath(RootDirectory);

    /// <summary><c>&lt;root&gt;/.agent</c>.</summary>
    public string AgentDirectory => Path.Combine(RootDirectory, AgentFolderName);

    /// <summary><c>&lt;root&gt;/.agent/workspace.db</c>.</summary>
    public string DatabasePath => Path.Combine(AgentDirectory, DatabaseFileName);

    /// <summary><c>&lt;root&gt;/.agent/config.json</c>.</summary>
    public string ConfigPath => Path.Combine(AgentDirectory, ConfigFileName);
}
