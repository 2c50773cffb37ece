using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Acode.Cli.Tests.Support;
using Acode.Testing;

namespace Acode.Cli.Tests.Commands;

/// <summary>
/// A workspace whose change was applied, and then overwritten by another workspace's later concurrent change (the
/// conflict is found when that other workspace syncs), is told so by its own next <c>db sync</c>, once, as when its
/// change loses directly: the session in <c>lostSessions</c>, <c>conflictsLost</c>, and the pull hint. Through the real
/// binary and PostgreSQL (README, "Reading the team's sessions back"; docs/architecture.md, "Pull converges on PostgreSQL").
/// </summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class LaterConflictLoserTests(PostgresFixture fixture) : IDisposable
{
    private readonly CliWorkspace _b = new();
    private readonly CliWorkspace _d = new();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_workspace_whose_applied_change_lost_later_is_told_on_its_next_sync_once(bool json)
    {
        string url = PostgresServer.ToUrl(await fixture.CreateDatabaseAsync());
        _b.Environment["ACODE_POSTGRES_URL"] = url;
        _d.Environment["ACODE_POSTGRES_URL"] = url;
        await _b.RunOkAsync("demo");
        await _b.RunOkAsync("db", "sync");
        string id = Assert.Single(await _b.SessionIdsAsync());
        await _d.RunOkAsync("session", "pull", id);
        DateTimeOffset now = DateTimeOffset.UtcNow;
        await SessionEdit.RetitleAsync(_b, id, "edited on b", now);
        await SessionEdit.RetitleAsync(_d, id, "edited on d", now.AddSeconds(30));

        AcodeResult first = await _b.RunOkAsync("db", "sync");
        AcodeResult won = await _d.RunOkAsync("db", "sync");
        AcodeResult told = await _b.RunOkAsync(json ? ["db", "sync", "--json"] : ["db", "sync"]);
        AcodeResult after = await _b.RunOkAsync("db", "sync", "--json");

        Assert.Contains("1 applied", first.Stdout, StringComparison.Ordinal);
        Assert.Contains("1 conflict(s) (1 won, 0 lost)", won.Stdout, StringComparison.Ordinal);
        if (json)
        {
            using JsonDocument result = JsonDocument.Parse(told.Stdout);
            Assert.Equal(1, result.RootElement.GetProperty("conflictsLost").GetInt64());
            Assert.Equal(1, result.RootElement.GetProperty("conflictsLostSince").GetInt64());
            Assert.Equal(0, result.RootElement.GetProperty("delivered").GetInt64());
            Assert.Equal(0, result.RootElement.GetProperty("notApplied").GetInt64());
            Assert.Equal([id], result.RootElement.GetProperty("lostSessions").EnumerateArray().Select(e => e.GetString()));
        }
        else
        {
            Assert.Contains($"1 of your change(s) lost to newer versions in PostgreSQL (session {id})", told.Stdout, StringComparison.Ordinal);
            Assert.Contains($"Run 'acode session pull {id}'", told.Stdout, StringComparison.Ordinal);
        }

        // Said once: the next sync has nothing new to say.
        using (JsonDocument again = JsonDocument.Parse(after.Stdout))
        {
            Assert.Equal(0, again.RootElement.GetProperty("conflictsLost").GetInt64());
            Assert.Empty(again.RootElement.GetProperty("lostSessions").EnumerateArray());
        }

        // The hint works: the pull takes d's version.
        await _b.RunOkAsync("session", "pull", id);
        JsonElement shown = await _b.JsonAsync("session", "show", id);
        Assert.Equal("edited on d", shown.EnumerateArray().Single(e => e.GetProperty("entity").GetString() == "Session").GetProperty("title").GetString());
    }

    [Fact]
    public async Task A_workspace_that_pulled_the_winner_before_its_next_sync_is_not_told()
    {
        string url = PostgresServer.ToUrl(await fixture.CreateDatabaseAsync());
        _b.Environment["ACODE_POSTGRES_URL"] = url;
        _d.Environment["ACODE_POSTGRES_URL"] = url;
        await _b.RunOkAsync("demo");
        await _b.RunOkAsync("db", "sync");
        string id = Assert.Single(await _b.SessionIdsAsync());
        await _d.RunOkAsync("session", "pull", id);
        DateTimeOffset now = DateTimeOffset.UtcNow;
        await SessionEdit.RetitleAsync(_b, id, "edited on b", now);
        await SessionEdit.RetitleAsync(_d, id, "edited on d", now.AddSeconds(30));
        await _b.RunOkAsync("db", "sync");
        await _d.RunOkAsync("db", "sync");
        await _b.RunOkAsync("session", "pull", id);

        using JsonDocument result = JsonDocument.Parse((await _b.RunOkAsync("db", "sync", "--json")).Stdout);

        Assert.Equal(0, result.RootElement.GetProperty("conflictsLost").GetInt64());
        Assert.Empty(result.RootElement.GetProperty("lostSessions").EnumerateArray());
    }

    [Fact]
    public async Task A_lost_change_a_watch_reported_is_not_reported_again_by_the_next_sync()
    {
        string connectionString = await fixture.CreateDatabaseAsync();
        string url = PostgresServer.ToUrl(connectionString);
        _b.Environment["ACODE_POSTGRES_URL"] = url;
        _b.Environment["ACODE_PERSISTENCE__SYNC__POLLINTERVALSECONDS"] = "1";
        _d.Environment["ACODE_POSTGRES_URL"] = url;
        await _b.RunOkAsync("demo");
        await _b.RunOkAsync("db", "sync");
        string id = Assert.Single(await _b.SessionIdsAsync());
        await _d.RunOkAsync("session", "pull", id);
        DateTimeOffset now = DateTimeOffset.UtcNow;
        await SessionEdit.RetitleAsync(_b, id, "edited on b", now);
        await SessionEdit.RetitleAsync(_d, id, "edited on d", now.AddSeconds(30));
        await _b.RunOkAsync("db", "sync");
        // As text, to the microsecond: a row moved within the same second must still differ.
        const string LastSyncs = "SELECT id, last_sync_at::text FROM workspaces ORDER BY id";
        List<string> before = await PostgresSql.RowsAsync(connectionString, LastSyncs);

        using Process watch = AcodeBinary.Start(_b.Root, _b.Environment, "--workspace", _b.Root, "db", "sync", "--watch");
        var output = new ConcurrentQueue<string>();
        watch.OutputDataReceived += (_, e) => output.Enqueue(e.Data ?? string.Empty);
        watch.ErrorDataReceived += (_, e) => output.Enqueue(e.Data ?? string.Empty);
        watch.BeginOutputReadLine();
        watch.BeginErrorReadLine();
        try
        {
            // The watch's first run registers (moves b's row); the conflict comes after, so an idle poll reports it.
            await WaitForAsync(async () => !(await PostgresSql.RowsAsync(connectionString, LastSyncs)).SequenceEqual(before) || watch.HasExited);
            AcodeResult won = await _d.RunOkAsync("db", "sync");
            Assert.Contains("1 conflict(s) (1 won, 0 lost)", won.Stdout, StringComparison.Ordinal);
            await WaitForAsync(() => Task.FromResult(output.Any(line => line.Contains("of your change(s) lost", StringComparison.Ordinal)) || watch.HasExited));
            Assert.False(watch.HasExited, string.Join('\n', output));
        }
        finally
        {
            watch.Kill(entireProcessTree: true);
            await watch.WaitForExitAsync();
        }

        using JsonDocument next = JsonDocument.Parse((await _b.RunOkAsync("db", "sync", "--json")).Stdout);

        Assert.Contains(output, line => line.Contains(id, StringComparison.Ordinal));
        Assert.Equal(0, next.RootElement.GetProperty("conflictsLost").GetInt64());
        Assert.Empty(next.RootElement.GetProperty("lostSessions").EnumerateArray());
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromMinutes(2), "The condition did not become true within 2 minutes.");
            await Task.Delay(100);
        }
    }

    public void Dispose()
    {
        _b.Dispose();
        _d.Dispose();
    }
}
