namespace Acode.Infrastructure;

/// <summary>A workspace: a folder whose <c>.agent/</c> holds the database (<c>workspace.db</c>) and the configuration (<c>config.json</c>).</summary>
public sealed record Workspace(string RootDirectory)
{
    public const string AgentFolderName = ".agent";
    public const string DatabaseFileName = "workspace.db";
    public const string ConfigFileName = "config.json";

    public string AgentDirectory => Path.Combine(RootDirectory, AgentFolderName);

    public string DatabasePath => Path.Combine(AgentDirectory, DatabaseFileName);

    public string ConfigPath => Path.Combine(AgentDirectory, ConfigFileName);
}
