using System.Text.Json;
using Acode.Cli.Tests.Support;
using Acode.Testing;

namespace Acode.Cli.Tests.Commands;

/// <summary>
/// Two workspaces change the same session concurrently and sync, through the real binary and a real PostgreSQL: the one
/// whose change lost is told so by <c>db sync</c> (won/lost split, the session, what to run), keeps its own version until
/// it pulls (the sync does not pull), and <c>session pull</c> then converges it on PostgreSQL's winner without an outbox
/// record; its next change continues the winner without a conflict (docs/architecture.md, "Pull converges on PostgreSQL").
/// </summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class ConflictLoserPullTests(PostgresFixture fixture) : IDisposable
{
    private readonly CliWorkspace _a = new();
    private readonly CliWorkspace _b = new();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_workspace_whose_change_lost_is_told_and_session_pull_takes_the_winner(bool json)
    {
        string connectionString = await fixture.CreateDatabaseAsync();
        _a.Environment["ACODE_POSTGRES_URL"] = PostgresServer.ToUrl(connectionString);
        _b.Environment["ACODE_POSTGRES_URL"] = PostgresServer.ToUrl(connectionString);
        await _a.RunOkAsync("demo");
        await _a.RunOkAsync("db", "sync");
        string id = Assert.Single(await _a.SessionIdsAsync());
        await _b.RunOkAsync("session", "pull", id);
        await SessionEdit.RetitleAsync(_a, id, "title from A");
        await SessionEdit.RetitleAsync(_b, id, "title from B");
        await _b.RunOkAsync("db", "sync");

        AcodeResult sync = await _a.RunOkAsync(json ? ["db", "sync", "--json"] : ["db", "sync"]);
        (string localTitle, long localVersion) = await TitleAsync(_a, id, remote: false);
        (string remoteTitle, long remoteVersion) = await TitleAsync(_a, id, remote: true);

        if (json)
        {
            using JsonDocument result = JsonDocument.Parse(sync.Stdout);
            Assert.Equal(1, result.RootElement.GetProperty("conflicts").GetInt64());
            Assert.Equal(0, result.RootElement.GetProperty("conflictsWon").GetInt64());
            Assert.Equal(1, result.RootElement.GetProperty("conflictsLost").GetInt64());
            Assert.Equal([id], result.RootElement.GetProperty("lostSessions").EnumerateArray().Select(e => e.GetString()));
        }
        else
        {
            Assert.Contains("1 conflict(s) (0 won, 1 lost)", sync.Stdout, StringComparison.Ordinal);
            Assert.Contains($"1 of your change(s) lost to newer versions in PostgreSQL (session {id})", sync.Stdout, StringComparison.Ordinal);
            Assert.Contains($"Run 'acode session pull {id}'", sync.Stdout, StringComparison.Ordinal);
        }

        // db sync only delivers: the workspace still shows its own version until it pulls.
        Assert.Equal(("title from A", 5L), (localTitle, localVersion));
        Assert.Equal(("title from B", 5L), (remoteTitle, remoteVersion));

        AcodeResult pull = await _a.RunOkAsync("session", "pull", id);
        long pendingAfterPull = (await _a.JsonAsync("db", "status")).GetProperty("outbox").GetProperty("pending").GetInt64();
        AcodeResult again = await _a.RunOkAsync("session", "pull", id);

        Assert.Contains($"{id}: pulled (0 new, 1 updated,", pull.Stdout, StringComparison.Ordinal);
        Assert.Equal(("title from B", 5L), await TitleAsync(_a, id, remote: false));
        Assert.Equal(0, pendingAfterPull); // taken from PostgreSQL: nothing to deliver back
        Assert.Contains($"{id}: already up to date", again.Stdout, StringComparison.Ordinal);

        // An undelivered change of the session is kept by a pull; delivered, it continues the winner: no conflict.
        await SessionEdit.RetitleAsync(_a, id, "title from A, after the pull");
        await _a.RunOkAsync("session", "pull", id);
        Assert.Equal(("title from A, after the pull", 6L), await TitleAsync(_a, id, remote: false));
        AcodeResult next = await _a.RunOkAsync("db", "sync");
        Assert.Contains("0 conflict(s);", next.Stdout, StringComparison.Ordinal);
        Assert.Equal(("title from A, after the pull", 6L), await TitleAsync(_a, id, remote: true));
        Assert.Equal(1L, await PostgresSql.CountAsync(connectionString, "SELECT count(*) FROM sync_conflicts WHERE session_id = $1", id));
    }

    public void Dispose()
    {
        _a.Dispose();
        _b.Dispose();
    }

    private static async Task<(string Title, long Version)> TitleAsync(CliWorkspace workspace, string id, bool remote)
    {
        JsonElement shown = await workspace.JsonAsync(remote ? ["session", "show", "--remote", id] : ["session", "show", id]);
        JsonElement session = shown.EnumerateArray().Single(e => e.GetProperty("entity").GetString() == "Session");
        return (session.GetProperty("title").GetString()!, session.GetProperty("version").GetInt64());
    }
}
