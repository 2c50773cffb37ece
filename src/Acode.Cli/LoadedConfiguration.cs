using Acode.Application.Options;

namespace Acode.Cli;

/// <summary>The validated options of a workspace, and the warnings loading them produced (printed as <c>Warning: …</c> on standard error).</summary>
internal sealed record LoadedConfiguration(PersistenceOptions Options, IReadOnlyList<string> ConfigurationWarnings);
