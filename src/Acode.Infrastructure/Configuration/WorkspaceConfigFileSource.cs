using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Json;

namespace Acode.Infrastructure.Configuration;

/// <summary>
/// The workspace's <c>.agent/config.json</c> as a JSON configuration source whose path is looked at
/// (<see cref="ConfigFileKind"/>) before the file is opened, each time it is loaded.
/// </summary>
internal sealed class WorkspaceConfigFileSource : JsonConfigurationSource
{
    /// <summary>The configuration file's full path, as errors name it.</summary>
    public string FullPath { get; set; } = string.Empty;

    /// <inheritdoc/>
    public override IConfigurationProvider Build(IConfigurationBuilder builder)
    {
        EnsureDefaults(builder);
        return new WorkspaceConfigFileProvider(this);
    }
}
