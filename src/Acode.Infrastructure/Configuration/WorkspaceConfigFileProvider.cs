using Acode.Application.Errors;
using Microsoft.Extensions.Configuration.Json;

namespace Acode.Infrastructure.Configuration;

/// <summary>
/// Reads <see cref="WorkspaceConfigFileSource"/> as the JSON provider does, once its path is known to hold a regular file
/// or nothing, and notes an empty JSON object or array where none belongs (<see cref="EmptyValue"/>) from the same bytes.
/// </summary>
internal sealed class WorkspaceConfigFileProvider(WorkspaceConfigFileSource source) : JsonConfigurationProvider(source)
{
    /// <summary>
    /// The first empty JSON object or array where a value, a list or a section belongs in the file as last loaded
    /// (<see cref="ConfigFileEmptyValues"/>), which the JSON provider drops; null when there is none or no file.
    /// </summary>
    public (string Key, string Shown)? EmptyValue { get; private set; }

    /// <inheritdoc/>
    /// <exception cref="AcodeDbException">ACODE-DB-007: the path holds something other than a regular file (<see cref="ConfigFileKind.Check"/>), or the file is not valid JSON.</exception>
    public override void Load()
    {
        ConfigFileKind.Check(source.FullPath);
        EmptyValue = null;
        try
        {
            base.Load();
        }
        catch (UnauthorizedAccessException ex)
        {
            // The JSON provider opens the file outside its own error handling (OnLoadException): a file this user may
            // not read (mode 000, or root's 0600 after a sudo edit) is said as a configuration error, not a crash.
            throw AcodeErrors.UnusableConfigurationFile(
                source.FullPath,
                "this user may not read it (permission denied)",
                $"Let this user read it (chmod a+r {ShellQuoting.Quote(source.FullPath)}, or chown it to this user), or move it away.",
                ex);
        }
    }

    /// <inheritdoc/>
    public override void Load(Stream stream)
    {
        using var bytes = new MemoryStream();
        stream.CopyTo(bytes);
        EmptyValue = ConfigFileEmptyValues.Find(bytes.GetBuffer().AsMemory(0, (int)bytes.Length));
        bytes.Position = 0;
        base.Load(bytes);
    }
}
