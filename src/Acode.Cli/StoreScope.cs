using Acode.Application;
using Acode.Application.Errors;
using Acode.Infrastructure.Postgres;
using Acode.Infrastructure.PostgresStore;
using Acode.Infrastructure.Sqlite;
using Npgsql;

namespace Acode.Cli;

/// <summary>
/// The store one command reads: this workspace's SQLite file, or with <c>--remote</c> the configured PostgreSQL through
/// <see cref="PostgresRunStateStore"/> (nothing local is opened or created then). Disposing closes what it opened.
/// </summary>
internal sealed class StoreScope : IDisposable
{
    private readonly SqliteWorkspaceDatabase? _database;
    private readonly NpgsqlDataSource? _dataSource;

    private StoreScope(IRunStateStore store, SqliteWorkspaceDatabase? database, NpgsqlDataSource? dataSource)
    {
        Store = store;
        _database = database;
        _dataSource = dataSource;
    }

    public IRunStateStore Store { get; }

    /// <summary>This workspace's database when <see cref="Store"/> reads it; null with <c>--remote</c>.</summary>
    public SqliteWorkspaceDatabase? Database => _database;

    /// <summary>True when <see cref="Store"/> reads PostgreSQL.</summary>
    public bool IsRemote => _dataSource is not null;

    /// <summary>Where the sessions were looked for, as it may be shown (a redacted server, or the workspace folder).</summary>
    public string Where { get; private init; } = "";

    /// <exception cref="AcodeDbException">ACODE-DB-007 (exit 17) with <paramref name="remote"/> when no PostgreSQL is configured.</exception>
    public static StoreScope Open(CliContext context, bool remote)
    {
        if (!remote)
        {
            SqliteWorkspaceDatabase database = context.OpenExistingDatabase();
            return new StoreScope(new SqliteRunStateStore(database), database, null) { Where = $"workspace {context.Workspace.RootDirectory}" };
        }

        PostgresRunStateStore store = OpenRemote(context, out NpgsqlDataSource dataSource);
        return new StoreScope(store, null, dataSource) { Where = context.SyncTargetDescription };
    }

    /// <summary>The PostgreSQL store of the configured server (reads and pull's records; this workspace's id is not its origin).</summary>
    /// <exception cref="AcodeDbException">ACODE-DB-007 (exit 17) when no PostgreSQL is configured.</exception>
    public static PostgresRunStateStore OpenRemote(CliContext context, out NpgsqlDataSource dataSource)
    {
        PostgresConnectionSettings target = context.SyncTarget ?? throw AcodeErrors.PostgresNotConfigured();
        dataSource = PostgresDataSourceFactory.Create(target, context.LoggerFactory);
        return new PostgresRunStateStore(dataSource, context.Options.Store.Origin ?? PostgresStoreOrigin.Default);
    }

    public void Dispose()
    {
        _database?.Dispose();
        _dataSource?.Dispose();
    }
}
