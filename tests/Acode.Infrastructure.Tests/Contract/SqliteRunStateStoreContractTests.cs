using Acode.Application;
using Acode.Infrastructure.Sqlite;
using Acode.Infrastructure.Tests.Support;
using Xunit.Abstractions;

namespace Acode.Infrastructure.Tests.Contract;

/// <summary>The run-state contract on the workspace SQLite database (a temporary workspace per test).</summary>
public sealed class SqliteRunStateStoreContractTests(ITestOutputHelper output) : RunStateStoreContractTests(output)
{
    private readonly TempWorkspace _temp = new();
    private readonly List<SqliteWorkspaceDatabase> _databases = [];

    protected override Task<IRunStateStore> CreateStoreAsync() => OpenOtherStoreAsync();

    protected override Task<IRunStateStore> OpenOtherStoreAsync()
    {
        SqliteWorkspaceDatabase database = _temp.Open();
        _databases.Add(database);
        return Task.FromResult<IRunStateStore>(new SqliteRunStateStore(database));
    }

    protected override Task<string> SnapshotAsync()
        => Task.FromResult(string.Join('\n', SqliteProbe.EntityStamps(_temp.DatabasePath).OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => kv.Key + "=" + kv.Value))
            + "\noutbox:" + SqliteProbe.Count(_temp.DatabasePath, "SELECT count(*) FROM outbox;"));

    protected override Task DisposeStoreAsync()
    {
        foreach (SqliteWorkspaceDatabase database in _databases)
        {
            database.Dispose();
        }

        return Task.CompletedTask;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _temp.Dispose();
        }

        base.Dispose(disposing);
    }
}
