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

    /// <exception cref="AcodeDbException">ACODE-DB-007 (exit 17) with <paramref name="remote"/> when no PostgreSQL is configured.</exception>
    public static StoreScope Open(CliContext context, bool remote)
    {
        if (!remote)
        {
            SqliteWorkspaceDatabase database = context.OpenExistingDatabase();
            return new StoreScope(context.WorkspaceStore, database) { Where = $"workspace {context.Workspace.RootDirectory}" };
        }

        return new StoreScope(Remote(context), null) { Where = context.SyncTargetDescription };
    }

    /// <summary>The PostgreSQL store of the configured server (reads and pull's records; this workspace's id is not its origin).</summary>
    /// <exception cref="AcodeDbException">ACODE-DB-007 (exit 17) when no PostgreSQL is configured.</exception>
    public static PostgresRunStateStore Remote(CliContext context) => context.Services.GetRequiredService<PostgresRunStateStore>();
}
