using Acode.Application.Options;

namespace Acode.Infrastructure.Configuration;

/// <summary>Validated options, and the warnings loading them produced (e.g. a password written in the config file; never the password itself).</summary>
internal sealed record LoadedPersistenceOptions(PersistenceOptions Options, IReadOnlyList<string> Warnings)
{
    /// <summary>Notes for the user about settings that were read but do not apply where they were loaded (without the <c>Note:</c> prefix).</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];
}
