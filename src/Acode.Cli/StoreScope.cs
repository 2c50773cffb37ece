using Acode.Application;
using Acode.Application.Errors;
using Acode.Infrastructure.PostgresStore;
using Acode.Infrastructure.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Acode.Cli;

/// <summary>
/// The store one command reads: this workspace's SQLite file, or with <c>--remote</c> the configured PostgreSQL through
/// <see cref="PostgresRunStateStore"/> (nothing local is opened or created then). Both come from the invocation's
/// services (<see cref="CliContext.Services"/>), which own and close them.
/// </summary>
internal sealed class StoreScope
{
    private StoreScope(IRunStateStore store, SqliteWorkspaceDatabase? database)
    {
        Store = store;
        Database = database;
    }

    public IRunStateStore Store { get; }

    /// <summary>This workspace's database when <see cref="Store"/> reads it; null with <c>--remote</c>.</summary>
    public SqliteWorkspaceDatabase? Database { get; }

    /// <summary>True when <see cref="Store"/> reads PostgreSQL.</summary>
    public bool IsRemote => Database is null;

    /// <summary>Where the sessions were looked for, as it may be shown (a redacted server, or the workspace folder).</summary>
    public string Where { get; private init; } = "";

    /// <param name="context">The invocation.</param>
    /// <param name="remote">Read the team's PostgreSQL instead of this workspace.</param>
    /// <param name="withoutRemote">What the command does without <c>--remote</c>, for the message when nothing is configured.</param>
    /// <param name="cancellationToken">Cancels the schema check.</param>
    /// <exception cref="AcodeDbException">With <paramref name="remote"/>: what <see cref="RemoteSchema.EnsureReadableAsync"/> refuses.</exception>
    public static async Task<StoreScope> OpenAsync(CliContext context, bool remote, string withoutRemote, CancellationToken cancellationToken)
    {
        if (!remote)
        {
            SqliteWorkspaceDatabase database = context.OpenExistingDatabase();
            return new StoreScope(context.WorkspaceStore, database) { Where = $"workspace {context.Workspace.RootDirectory}" };
        }

        return new StoreScope(await RemoteAsync(context, withoutRemote, cancellationToken), null) { Where = context.SyncTargetDescription };
    }

    /// <summary>The PostgreSQL store of the configured server (reads and pull's records; this workspace's id is not its origin), once its schema is found current.</summary>
    /// <exception cref="AcodeDbException">What <see cref="RemoteSchema.EnsureReadableAsync"/> refuses.</exception>
    public static async Task<PostgresRunStateStore> RemoteAsync(CliContext context, string withoutRemote, CancellationToken cancellationToken)
    {
        await RemoteSchema.EnsureReadableAsync(context, withoutRemote, cancellationToken);
        return context.Services.GetRequiredService<PostgresRunStateStore>();
    }
}
