using System.Text.Json;
using Acode.Cli.Tests.Support;
using Acode.Testing;

namespace Acode.Cli.Tests.Commands;

/// <summary>
/// <c>session pull</c> writes nothing to deliver back (README, "Reading the team's sessions back"): a new workspace that
/// pulls the team's sessions, one or all, has an empty outbox (<c>db status</c>), its next <c>db sync</c> delivers
/// nothing, and a change it makes afterwards syncs as an ordinary change, through the real binary and PostgreSQL.
/// </summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class SessionPullOutboxTests(PostgresFixture fixture) : IDisposable
{
    private readonly CliWorkspace _team = new();
    private readonly CliWorkspace _one = new();
    private readonly CliWorkspace _all = new();

    [Fact]
    public async Task Pulling_one_or_all_sessions_leaves_no_outbox_backlog_and_a_later_change_syncs_normally()
    {
        string url = PostgresServer.ToUrl(await fixture.CreateDatabaseAsync());
        foreach (CliWorkspace workspace in new[] { _team, _one, _all })
        {
            workspace.Environment["ACODE_POSTGRES_URL"] = url;
        }

        await _team.RunOkAsync("demo", "--sessions", "3");
        await _team.RunOkAsync("db", "sync");
        IReadOnlyList<string> ids = await _team.SessionIdsAsync();

        await _one.RunOkAsync("session", "pull", ids[0]);
        await _all.RunOkAsync("session", "pull", "--all", "--since", "1h");

        foreach (CliWorkspace workspace in new[] { _one, _all })
        {
            Assert.Equal(0, (await workspace.JsonAsync("db", "status")).GetProperty("outbox").GetProperty("pending").GetInt64());
            using JsonDocument sync = JsonDocument.Parse((await workspace.RunOkAsync("db", "sync", "--json")).Stdout);
            Assert.Equal(0, sync.RootElement.GetProperty("delivered").GetInt64());
        }

        Assert.Equal(ids.Order(StringComparer.Ordinal), (await _all.SessionIdsAsync()).Order(StringComparer.Ordinal));

        // A change made after the pull: delivered and applied, no conflict.
        await _all.RunOkAsync("session", "delete", ids[1], "--yes");
        Assert.Equal(1, (await _all.JsonAsync("db", "status")).GetProperty("outbox").GetProperty("pending").GetInt64());
        AcodeResult change = await _all.RunOkAsync("db", "sync");
        Assert.Contains("Delivered 1 record(s): 1 applied, 0 duplicate(s), 0 conflict(s);", change.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(ids[1], await _team.SessionIdsAsync("--remote"));
    }

    public void Dispose()
    {
        _team.Dispose();
        _one.Dispose();
        _all.Dispose();
    }
}
