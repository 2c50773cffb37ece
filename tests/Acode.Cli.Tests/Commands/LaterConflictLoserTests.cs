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

    public void Dispose()
    {
        _b.Dispose();
        _d.Dispose();
    }
}
