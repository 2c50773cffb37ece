using Acode.Application.Errors;
using Acode.Application.Options;
using Acode.Domain.Entities;
using Acode.Infrastructure.Sqlite;
using Acode.Infrastructure.Tests.Support;
using Microsoft.Data.Sqlite;

namespace Acode.Infrastructure.Tests.Sqlite;

/// <summary>
/// Issue 10.1: a read transaction held open while a writer keeps saving makes the WAL grow; once nothing holds it, it
/// must return within its bound by itself, and <c>CheckWalAsync</c> (behind <c>acode db check</c>) must say what holds it.
/// Sizes are asserted, never times. The busy timeout is an hour: a checkpoint that waited for the reader would hang.
/// </summary>
public sealed class WalBoundTests : IDisposable
{
    private const int LimitMegabytes = 1;
    private const long LimitBytes = LimitMegabytes * 1024L * 1024L;

    private static readonly string Result = new('r', 4096);

    private readonly TempWorkspace _temp = new();
    private readonly SqliteOptions _options = new() { WalSizeLimitMegabytes = LimitMegabytes, BusyTimeoutSeconds = 3600, Synchronous = SqliteSynchronous.Normal };

    public void Dispose() => _temp.Dispose();

    [Fact]
    [Trait("Issue", "10.1")]
    public async Task After_a_long_read_transaction_ends_later_saves_bring_the_WAL_back_within_its_bound()
    {
        using SqliteWorkspaceDatabase database = _temp.Open(_options);
        var store = new SqliteRunStateStore(database);
        (Session session, Step step) = await StartAsync(store);

        using (SqliteConnection reader = HoldReadTransaction())
        {
            await SaveToolResultsAsync(store, session, step, 300);
            Assert.True(WalBytes() > 3 * LimitBytes, $"precondition: the held reader let the WAL grow past 3 MiB (it is {WalBytes():N0} bytes)");
        }

        await SaveToolResultsAsync(store, session, step, 50);

        Assert.True(WalBytes() <= LimitBytes, $"the WAL is {WalBytes():N0} bytes after the reader closed and 50 saves followed; its bound is {LimitBytes:N0}");
        Assert.Equal(350, (await store.GetSessionAsync(session.Id))!.Tasks.Single().Steps.Single().ToolCalls.Count);
    }

    [Fact]
    [Trait("Issue", "10.1")]
    public async Task A_WAL_left_oversized_is_emptied_by_the_next_process_that_opens_the_database()
    {
        using SqliteWorkspaceDatabase writer = _temp.Open(_options);
        var store = new SqliteRunStateStore(writer);
        (Session session, Step step) = await StartAsync(store);
        using (SqliteConnection reader = HoldReadTransaction())
        {
            await SaveToolResultsAsync(store, session, step, 200);
        }

        Assert.True(WalBytes() > 2 * LimitBytes, "precondition: no save followed the reader, so the WAL is still oversized");

        using SqliteWorkspaceDatabase other = _temp.Open(_options);

        Assert.True(WalBytes() <= LimitBytes, $"the WAL is {WalBytes():N0} bytes after another open; its bound is {LimitBytes:N0}");
    }

    [Fact]
    [Trait("Issue", "10.1")]
    public async Task The_WAL_check_names_a_held_read_transaction_and_resets_the_WAL_once_it_ends()
    {
        using SqliteWorkspaceDatabase database = _temp.Open(_options);
        var store = new SqliteRunStateStore(database);
        (Session session, Step step) = await StartAsync(store);
        SqliteConnection reader = HoldReadTransaction();
        WalReport held;
        try
        {
            await SaveToolResultsAsync(store, session, step, 200);
            held = await database.CheckWalAsync();
        }
        finally
        {
            reader.Dispose();
        }

        Assert.True(held.IsOversized);
        Assert.True(held.Blocked);
        Assert.True(held.LogFrames > held.CheckpointedFrames, $"the reader's snapshot predates frames: {held.LogFrames} in the log, {held.CheckpointedFrames} copied");
        Assert.Contains("read transaction", held.Describe(), StringComparison.Ordinal);
        Assert.Contains("another process", held.Describe(), StringComparison.Ordinal);
        Assert.Contains("walSizeLimitMegabytes", held.Describe(), StringComparison.Ordinal);

        WalReport released = await database.CheckWalAsync();

        Assert.False(released.IsOversized, released.Describe());
        Assert.True(released.CheckpointTried);
        Assert.True(released.Bytes <= LimitBytes);
        Assert.Contains("reset it", released.Describe(), StringComparison.Ordinal);
        Assert.Equal(200, (await store.GetSessionAsync(session.Id))!.Tasks.Single().Steps.Single().ToolCalls.Count);
    }

    [Theory]
    [Trait("Issue", "10.1")]
    [InlineData(0)]
    [InlineData(4097)]
    public void A_bound_out_of_range_is_refused_naming_its_key(int megabytes)
    {
        AcodeDbException refused = Assert.Throws<AcodeDbException>(() => new SqliteOptions { WalSizeLimitMegabytes = megabytes }.Validate());

        Assert.Equal("ACODE-DB-007", refused.Code);
        Assert.Contains("persistence:sqlite:walSizeLimitMegabytes", refused.Message, StringComparison.Ordinal);
        Assert.Contains("1 to 4096", refused.Hint, StringComparison.Ordinal);
    }

    private static async Task<(Session Session, Step Step)> StartAsync(SqliteRunStateStore store)
    {
        Session session = Session.Create("long-lived writer");
        Step step = session.AddTask("work").AddStep("tools");
        step.Start();
        await store.SaveAsync(session);
        return (session, step);
    }

    private static async Task SaveToolResultsAsync(SqliteRunStateStore store, Session session, Step step, int count)
    {
        for (int i = 0; i < count; i++)
        {
            ToolCall call = step.AddToolCall("read_file", "{}");
            call.Start();
            call.Succeed(Result);
            await store.SaveAsync(session);
        }
    }

    /// <summary>A second connection inside one read transaction that has read the database: it pins the WAL until disposed.</summary>
    private SqliteConnection HoldReadTransaction()
    {
        SqliteConnection reader = SqliteProbe.Open(_temp.DatabasePath);
        SqliteProbe.Execute(reader, "BEGIN;");
        Assert.Equal(1, SqliteProbe.Count(reader, "SELECT count(*) FROM sessions;"));
        return reader;
    }

    private long WalBytes() => File.Exists(_temp.WalPath) ? new FileInfo(_temp.WalPath).Length : 0;
}
