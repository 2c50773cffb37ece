namespace Acode.Infrastructure;

/// <summary>A workspace: a folder whose <c>.agent/</c> holds the database (<c>workspace.db</c>) and the configuration (<c>config.json</c>).</summary>
public sealed record Workspace(string RootDirectory)
{
    /// <summary>The folder acode keeps its files in, under the workspace root: <c>.agent</c>.</summary>
    public const string AgentFolderName = ".agent";
    /// <summary>The database file's name in <see cref="AgentDirectory"/>: <c>workspace.db</c>.</summary>
    public const string DatabaseFileName = "workspace.db";
    /// <summary>The configuration file's name in <see cref="AgentDirectory"/>: <c>config.json</c>.</summary>
    public const string ConfigFileName = "config.json";

    /// <summary><c>&lt;root&gt;/.agent</c>.</summary>
    public string AgentDirectory => Path.Combine(RootDirectory, AgentFolderName);

    /// <summary><c>&lt;root&gt;/.agent/workspace.db</c>.</summary>
    public string DatabasePath => Path.Combine(AgentDirectory, DatabaseFileName);

    /// <summary><c>&lt;root&gt;/.agent/config.json</c>.</summary>
    public string ConfigPath => Path.Combine(AgentDirectory, ConfigFileName);
}
