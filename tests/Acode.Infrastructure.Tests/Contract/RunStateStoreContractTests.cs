using Acode.Application;
using Acode.Application.Queries;
using Acode.Application.Serialization;
using Acode.Infrastructure.Sqlite;
using Acode.Infrastructure.Tests.Support;
using Xunit.Abstractions;

namespace Acode.Infrastructure.Tests.Contract;

/// <summary>
/// The behaviour of <see cref="IRunStateStore"/>, whatever the engine: every test here runs against each store
/// (<see cref="SqliteRunStateStoreContractTests"/>, <see cref="PostgresRunStateStoreContractTests"/>) through the
/// interface only. A difference between the engines is a failing test; the one documented difference (PostgreSQL
/// cannot store U+0000, docs/json-format.md) is spelled out by <see cref="AsStored"/>.
/// </summary>
public abstract partial class RunStateStoreContractTests : IAsyncLifetime, IDisposable
{
    private readonly TempWorkspace _exportSource = new();
    private SqliteWorkspaceDatabase? _exportSourceDb;

    protected RunStateStoreContractTests(ITestOutputHelper output) => Output = output;

    protected ITestOutputHelper Output { get; }

    /// <summary>The store under test, over a fresh, empty database.</summary>
    protected IRunStateStore Store { get; private set; } = null!;

    /// <summary>A SQLite store in another workspace: where the import tests export from.</summary>
    protected IRunStateStore Source { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Store = await CreateStoreAsync();
        _exportSourceDb = _exportSource.Open();
        Source = new SqliteRunStateStore(_exportSourceDb);
    }

    public async Task DisposeAsync()
    {
        await DisposeStoreAsync();
        _exportSourceDb?.Dispose();
    }

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            _exportSource.Dispose();
        }
    }

    /// <summary>Creates the store under test over a fresh database.</summary>
    protected abstract Task<IRunStateStore> CreateStoreAsync();

    /// <summary>A second store over the same database (another process, another host).</summary>
    protected abstract Task<IRunStateStore> OpenOtherStoreAsync();

    /// <summary>Everything the database holds that a write changes (rows with their versions and stamps, outbox or sync footprints), as text.</summary>
    protected abstract Task<string> SnapshotAsync();

    protected abstract Task DisposeStoreAsync();

    /// <summary>An entity document as the engine stores text: unchanged in SQLite, U+0000 replaced in PostgreSQL.</summary>
    protected virtual string AsStored(string documentJson) => documentJson;

    protected List<string> Stored(IEnumerable<string> documents) => documents.Select(AsStored).ToList();

    private static List<SessionId> Expected(IEnumerable<Session> sessions, SessionSort sort)
    {
        Func<Session, DateTimeOffset> key = sort is SessionSort.UpdatedAscending or SessionSort.UpdatedDescending ? s => s.UpdatedAt : s => s.CreatedAt;
        IOrderedEnumerable<Session> ordered = sort is SessionSort.UpdatedDescending or SessionSort.CreatedDescending
            ? sessions.OrderByDescending(key).ThenByDescending(s => s.Id.Value, StringComparer.Ordinal)
            : sessions.OrderBy(key).ThenBy(s => s.Id.Value, StringComparer.Ordinal);
        return ordered.Select(s => s.Id).ToList();
    }

    private async Task<List<Page<SessionSummary>>> AllPages(SessionFilter filter, SessionSort sort, int limit)
    {
        var pages = new List<Page<SessionSummary>>();
        string? cursor = null;
        do
        {
            Page<SessionSummary> page = await Store.QuerySessionsAsync(filter, sort, new PaginationOptions { Limit = limit, Cursor = cursor });
            pages.Add(page);
            cursor = page.NextCursor;
        }
        while (cursor is not null && pages.Count < 1000);

        return pages;
    }

    private async Task<int> CountSessionsAsync()
        => (await AllPages(SessionFilter.All, SessionSort.CreatedAscending, 1000)).Sum(p => p.Items.Count);

    /// <summary>Exports as <c>acode session export</c> would: JSON documents, parents first, then rebuilt by <see cref="SessionGraphBuilder"/>.</summary>
    private static async Task<(Session Session, IReadOnlyList<SessionEvent> Events)> Export(IRunStateStore store, SessionId id)
    {
        Session loaded = (await store.GetSessionAsync(id))!;
        IReadOnlyList<SessionEvent> events = await store.ReadEventsAsync(loaded);
        var builder = new SessionGraphBuilder();
        foreach (string line in TestSessions.Documents(loaded).Concat(TestSessions.Documents(events)))
        {
            builder.Add(EntityJson.Deserialize(line));
        }

        return (builder.Session!, builder.Events);
    }
}
