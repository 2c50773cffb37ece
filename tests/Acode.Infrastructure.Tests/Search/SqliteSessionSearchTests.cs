using Acode.Application;
using Acode.Application.Search;
using Acode.Infrastructure.Search;
using Acode.Infrastructure.Sqlite;
using Acode.Infrastructure.Tests.Support;

namespace Acode.Infrastructure.Tests.Search;

/// <summary>The search contract on the workspace SQLite database (FTS5).</summary>
public sealed class SqliteSessionSearchTests : SessionSearchContract, IDisposable
{
    private readonly TempWorkspace _temp = new();
    private readonly SqliteWorkspaceDatabase _database;

    public SqliteSessionSearchTests()
    {
        _database = _temp.Open();
        Store = new SqliteRunStateStore(_database);
        Search = new SqliteSessionSearch(_database);
    }

    protected override IRunStateStore Store { get; }

    protected override ISessionSearch Search { get; }

    public void Dispose()
    {
        _database.Dispose();
        _temp.Dispose();
    }

    protected override Task PublishAsync() => Task.CompletedTask;
}
