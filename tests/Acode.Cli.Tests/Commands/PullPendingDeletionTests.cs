using System.Text.Json;
using Acode.Cli.Tests.Support;
using Acode.Testing;

namespace Acode.Cli.Tests.Commands;

/// <summary>
/// A session deleted here whose deletion still waits in the outbox: <c>session pull</c> does not bring it back (it would
/// stay live here while the queued deletion deletes it team-wide); a single pull is refused with what to do (exit 1),
/// <c>pull --all</c> skips it and says so. And <c>db sync</c> counts what a re-import of such a session delivers
/// alongside the deletion as not applied because the session was deleted, not as duplicates (README, "Reading the
/// team's sessions back"; docs/architecture.md, "Pull converges on PostgreSQL").
/// </summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class PullPendingDeletionTests(PostgresFixture fixture) : IDisposable
{
    private readonly CliWorkspace _a = new();

    [Fact]
    public async Task Pulling_a_session_whose_deletion_waits_in_the_outbox_is_refused_and_the_deletion_syncs()
    {
        _a.Environment["ACODE_POSTGRES_URL"] = PostgresServer.ToUrl(await fixture.CreateDatabaseAsync());
        await _a.RunOkAsync("demo");
        await _a.RunOkAsync("db", "sync");
        string id = Assert.Single(await _a.SessionIdsAsync());
        await _a.RunOkAsync("session", "delete", id, "--yes");

        AcodeResult pull = await _a.RunAsync("session", "pull", id);
        AcodeResult sync = await _a.RunOkAsync("db", "sync");

        Assert.True(pull.ExitCode == 1, pull.ToString());
        Assert.Contains($"Session {id} was not pulled: its deletion here waits in the outbox", pull.Stderr, StringComparison.Ordinal);
        Assert.Contains("acode db sync", pull.Stderr, StringComparison.Ordinal);
        Assert.Contains("Delivered 1 record(s): 1 applied, 0 duplicate(s), 0 conflict(s);", sync.Stdout, StringComparison.Ordinal);
        Assert.Empty(await _a.SessionIdsAsync());
        Assert.Equal(1, (await _a.RunAsync("session", "show", "--remote", id)).ExitCode); // deleted in PostgreSQL too
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Pull_all_skips_a_session_whose_deletion_waits_in_the_outbox_and_names_it(bool json)
    {
        _a.Environment["ACODE_POSTGRES_URL"] = PostgresServer.ToUrl(await fixture.CreateDatabaseAsync());
        await _a.RunOkAsync("demo", "--sessions", "2");
        await _a.RunOkAsync("db", "sync");
        IReadOnlyList<string> ids = await _a.SessionIdsAsync();
        await _a.RunOkAsync("session", "delete", ids[0], "--yes");

        AcodeResult pull = await _a.RunOkAsync(json ? ["session", "pull", "--all", "--since", "1h", "--json"] : ["session", "pull", "--all", "--since", "1h"]);

        if (json)
        {
            using JsonDocument result = JsonDocument.Parse(pull.Stdout);
            Assert.Equal([ids[0]], result.RootElement.GetProperty("deletionPending").EnumerateArray().Select(e => e.GetString()));
            Assert.Equal([ids[1]], result.RootElement.GetProperty("pulled").EnumerateArray().Select(e => e.GetProperty("id").GetString()));
        }
        else
        {
            Assert.Contains($"{ids[0]}: not pulled: its deletion here waits in the outbox", pull.Stdout, StringComparison.Ordinal);
        }

        Assert.Equal([ids[1]], await _a.SessionIdsAsync());
    }

    [Fact]
    public async Task Rows_imported_again_after_a_deletion_not_yet_synced_count_as_not_applied_for_the_deletion_not_as_duplicates()
    {
        _a.Environment["ACODE_POSTGRES_URL"] = PostgresServer.ToUrl(await fixture.CreateDatabaseAsync());
        await _a.RunOkAsync("demo");
        await _a.RunOkAsync("db", "sync");
        string id = Assert.Single(await _a.SessionIdsAsync());
        string export = Path.Combine(_a.Root, "s.jsonl");
        await _a.RunOkAsync("session", "export", id, "-o", export);
        await _a.RunOkAsync("session", "delete", id, "--yes");
        await _a.RunOkAsync("session", "import", export);
        long rows = File.ReadAllLines(export).Length;

        AcodeResult sync = await _a.RunOkAsync("db", "sync", "--json");

        using JsonDocument result = JsonDocument.Parse(sync.Stdout);
        Assert.Equal(1, result.RootElement.GetProperty("applied").GetInt64()); // the deletion
        Assert.Equal(0, result.RootElement.GetProperty("duplicates").GetInt64());
        Assert.Equal(rows - 1, result.RootElement.GetProperty("ofDeletedSessions").GetInt64()); // the children
        Assert.Equal(1, result.RootElement.GetProperty("superseded").GetInt64()); // the session's own row, by its deletion
        Assert.Equal(rows + 1, result.RootElement.GetProperty("delivered").GetInt64());
    }

    public void Dispose() => _a.Dispose();
}
