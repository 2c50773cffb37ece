using Acode.Application.Options;

namespace Acode.Infrastructure.Configuration;

/// <summary>Validated options, and the warnings loading them produced (e.g. a password written in the config file; never the password itself).</summary>
internal sealed record LoadedPersistenceOptions(PersistenceOptions Options, IReadOnlyList<string> Warnings);
