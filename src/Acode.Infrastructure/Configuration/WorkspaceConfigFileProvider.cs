using Acode.Application.Errors;
using Microsoft.Extensions.Configuration.Json;

namespace Acode.Infrastructure.Configuration;

/// <summary>Reads <see cref="WorkspaceConfigFileSource"/> as the JSON provider does, once its path is known to hold a regular file or nothing.</summary>
internal sealed class WorkspaceConfigFileProvider(WorkspaceConfigFileSource source) : JsonConfigurationProvider(source)
{
    /// <inheritdoc/>
    /// <exception cref="AcodeDbException">ACODE-DB-007: the path holds something other than a regular file (<see cref="ConfigFileKind.Check"/>), or the file is not valid JSON.</exception>
    public override void Load()
    {
        ConfigFileKind.Check(source.FullPath);
        base.Load();
    }
}
