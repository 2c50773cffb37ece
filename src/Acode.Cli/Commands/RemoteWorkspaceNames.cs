using Acode.Application.Sync;
using Acode.Cli.Output;
using Acode.Cli.Ui;
using Microsoft.Extensions.DependencyInjection;

namespace Acode.Cli.Commands;

/// <summary>
/// The names the team's workspaces report when they sync (<c>persistence:sync:workspaceName</c>, or <c>host/folder</c>;
/// the <c>workspaces</c> table), for the Workspace column of <c>session list --remote</c> and <c>session search
/// --remote</c>: the same name over id that <c>acode ui --remote</c> shows. A workspace that never reported a name, or
/// names that cannot be read, leave the id alone.
/// </summary>
internal sealed class RemoteWorkspaceNames
{
    private readonly IReadOnlyDictionary<string, string> _names;

    private RemoteWorkspaceNames(IReadOnlyDictionary<string, string> names) => _names = names;

    /// <summary>Reads the names of the most recently synced workspaces (up to 1,000) from the configured PostgreSQL.</summary>
    public static async Task<RemoteWorkspaceNames> LoadAsync(CliContext context, CancellationToken cancellationToken)
        => new(await WorkspaceColumn.LoadNamesAsync(context.Services.GetRequiredService<ISyncConflictReader>(), cancellationToken));

    /// <summary>The name workspace <paramref name="id"/> reported, or null.</summary>
    public string? NameOf(string? id) => id is not null && _names.TryGetValue(id, out string? name) ? name : null;

    /// <summary>The table cell: the name over the id, or the id alone (both escaped for the console).</summary>
    public string Cell(string? id) => NameOf(id) is { } name && name != id
        ? $"{Display.Safe(name, 40)}\n{Display.Safe(id, 40)}"
        : Display.Safe(id ?? "", 40);
}
