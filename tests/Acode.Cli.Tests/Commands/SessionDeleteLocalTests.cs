using System.Text.Json;
using Acode.Cli.Tests.Support;
using Acode.Testing;

namespace Acode.Cli.Tests.Commands;

/// <summary>
/// <c>session delete</c> with a PostgreSQL configured deletes a session for the whole team (the deletion syncs), which
/// its dry run and its confirmation now say before anything goes; <c>--local</c> deletes only this workspace's copy, so
/// a teammate's pulled session can be dropped here while PostgreSQL keeps it, and refuses a session whose changes are
/// not all delivered (the local copy is then the only complete one).
/// </summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class SessionDeleteLocalTests(PostgresFixture fixture) : IDisposable
{
    private readonly CliWorkspace _owner = new();
    private readonly CliWorkspace _reader = new();

    [Fact]
    [Trait("Issue", "teamtrial.1")]
    public async Task A_dry_run_says_the_deletion_reaches_every_workspace_and_local_deletes_only_this_copy()
    {
        string url = PostgresServer.ToUrl(await fixture.CreateDatabaseAsync());
        _owner.Environment["ACODE_POSTGRES_URL"] = url;
        _reader.Environment["ACODE_POSTGRES_URL"] = url;
        await _owner.RunOkAsync("demo");
        await _owner.RunOkAsync("db", "sync");
        string id = Assert.Single(await _owner.SessionIdsAsync());
        await _reader.RunOkAsync("session", "pull", id);

        AcodeResult dryRun = await _reader.RunOkAsync("session", "delete", id, "--dry-run");
        AcodeResult deleted = await _reader.RunOkAsync("session", "delete", id, "--local", "--yes", "--json");
        AcodeResult sync = await _reader.RunOkAsync("db", "sync", "--json");

        Assert.Contains("deletes the sessions from the team's database", dryRun.Stdout, StringComparison.Ordinal);
        Assert.Contains("add --local", dryRun.Stdout, StringComparison.Ordinal);
        using (JsonDocument json = JsonDocument.Parse(deleted.Stdout))
        {
            Assert.True(json.RootElement.GetProperty("local").GetBoolean());
            Assert.Equal([id], json.RootElement.GetProperty("deleted").EnumerateArray().Select(e => e.GetString()));
            Assert.Empty(json.RootElement.GetProperty("notInPostgres").EnumerateArray());
        }

        Assert.Empty(await _reader.SessionIdsAsync());
        Assert.Equal(0, JsonDocument.Parse(sync.Stdout).RootElement.GetProperty("delivered").GetInt64()); // no deletion recorded
        await _reader.RunOkAsync("session", "show", "--remote", id); // PostgreSQL keeps it
        await _owner.RunOkAsync("db", "sync");
        Assert.Equal([id], await _owner.SessionIdsAsync());
        await _reader.RunOkAsync("session", "pull", id); // and it can be pulled again
        Assert.Equal([id], await _reader.SessionIdsAsync());
    }

    [Fact]
    [Trait("Issue", "teamtrial.1")]
    public async Task Local_refuses_a_session_with_changes_not_yet_delivered_and_deletes_nothing()
    {
        _owner.Environment["ACODE_POSTGRES_URL"] = PostgresServer.ToUrl(await fixture.CreateDatabaseAsync());
        await _owner.RunOkAsync("demo", "--sessions", "2");
        IReadOnlyList<string> ids = await _owner.SessionIdsAsync();

        AcodeResult refused = await _owner.RunAsync(["session", "delete", .. ids, "--local", "--yes"]);

        Assert.True(refused.ExitCode == 1, refused.ToString());
        Assert.Contains("have changes not yet delivered to PostgreSQL", refused.Stderr, StringComparison.Ordinal);
        Assert.Contains("acode db sync", refused.Stderr, StringComparison.Ordinal);
        Assert.Equal(ids.Order(StringComparer.Ordinal), (await _owner.SessionIdsAsync()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Pull_all_names_the_sessions_deleted_for_the_team_that_this_workspace_still_holds()
    {
        string url = PostgresServer.ToUrl(await fixture.CreateDatabaseAsync());
        _owner.Environment["ACODE_POSTGRES_URL"] = url;
        _reader.Environment["ACODE_POSTGRES_URL"] = url;
        await _owner.RunOkAsync("demo", "--sessions", "2");
        await _owner.RunOkAsync("db", "sync");
        await _reader.RunOkAsync("session", "pull", "--all");
        string deleted = (await _owner.SessionIdsAsync()).Order(StringComparer.Ordinal).First();
        await _owner.RunOkAsync("session", "delete", deleted, "--yes");
        await _owner.RunOkAsync("db", "sync");

        JsonElement json = await _reader.JsonAsync("session", "pull", "--all");
        AcodeResult text = await _reader.RunOkAsync("session", "pull", "--all");
        JsonElement ownerView = await _owner.JsonAsync("session", "pull", "--all");

        JsonElement named = Assert.Single(json.GetProperty("deletedInPostgres").EnumerateArray());
        Assert.Equal(deleted, named.GetProperty("id").GetString());
        Assert.True(DateTimeOffset.Parse(named.GetProperty("deletedAt").GetString()!, System.Globalization.CultureInfo.InvariantCulture) > DateTimeOffset.UtcNow.AddMinutes(-10));
        Assert.Contains($"{deleted}: deleted in PostgreSQL on ", text.Stdout, StringComparison.Ordinal);
        Assert.Contains($"'acode session delete {deleted} --local'", text.Stdout, StringComparison.Ordinal);
        Assert.Contains(deleted, await _reader.SessionIdsAsync()); // the copy stays: nothing is deleted by a pull
        Assert.Empty(ownerView.GetProperty("deletedInPostgres").EnumerateArray()); // the deleting workspace holds no copy
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Local_deleting_a_session_postgres_holds_only_as_a_tombstone_says_a_pull_cannot_bring_it_back(bool json)
    {
        string url = PostgresServer.ToUrl(await fixture.CreateDatabaseAsync());
        _owner.Environment["ACODE_POSTGRES_URL"] = url;
        _reader.Environment["ACODE_POSTGRES_URL"] = url;
        await _owner.RunOkAsync("demo", "--sessions", "2");
        await _owner.RunOkAsync("db", "sync");
        await _reader.RunOkAsync("session", "pull", "--all");
        string[] ids = [.. (await _owner.SessionIdsAsync()).Order(StringComparer.Ordinal)];
        await _owner.RunOkAsync("session", "delete", ids[0], "--yes");
        await _owner.RunOkAsync("db", "sync");

        AcodeResult dryRun = await _reader.RunOkAsync("session", "delete", ids[0], ids[1], "--local", "--dry-run");
        AcodeResult deleted = await _reader.RunOkAsync(["session", "delete", ids[0], ids[1], "--local", "--yes", .. json ? ["--json"] : Array.Empty<string>()]);

        Assert.Contains($"PostgreSQL holds no copy of 1 of these sessions ({ids[0]}: deleted there, or never delivered)", dryRun.Stdout.ReplaceLineEndings(" "), StringComparison.Ordinal);
        if (json)
        {
            using JsonDocument document = JsonDocument.Parse(deleted.Stdout);
            Assert.Equal([ids[0]], document.RootElement.GetProperty("notInPostgres").EnumerateArray().Select(e => e.GetString()));
        }
        else
        {
            string text = deleted.Stdout.ReplaceLineEndings(" ");
            Assert.Contains($"PostgreSQL holds no copy of 1 of them ({ids[0]}: deleted there, or never delivered), so 'acode session pull' cannot bring those back", text, StringComparison.Ordinal);
            Assert.DoesNotContain("PostgreSQL and the other workspaces keep the sessions", text, StringComparison.Ordinal);
        }

        Assert.Empty(await _reader.SessionIdsAsync());
    }

    [Fact]
    public async Task Local_with_json_says_on_standard_error_when_postgres_could_not_be_asked()
    {
        _owner.Environment["ACODE_POSTGRES_URL"] = PostgresServer.ToUrl(await fixture.CreateDatabaseAsync());
        await _owner.RunOkAsync("demo");
        await _owner.RunOkAsync("db", "sync");
        string id = Assert.Single(await _owner.SessionIdsAsync());
        _owner.Environment["ACODE_POSTGRES_URL"] = "postgresql://acode@127.0.0.1:1/nowhere"; // nothing listens there

        AcodeResult dryRun = await _owner.RunOkAsync("session", "delete", id, "--local", "--dry-run", "--json");
        AcodeResult deleted = await _owner.RunOkAsync("session", "delete", id, "--local", "--yes", "--json");

        foreach (AcodeResult result in new[] { dryRun, deleted })
        {
            using JsonDocument json = JsonDocument.Parse(result.Stdout);
            Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("notInPostgres").ValueKind);
            Assert.Contains("PostgreSQL could not be asked whether it still holds", result.Stderr.ReplaceLineEndings(" "), StringComparison.Ordinal);
            Assert.Contains("ACODE-DB-006", result.Stderr, StringComparison.Ordinal);
        }

        Assert.Empty(await _owner.SessionIdsAsync());
    }

    [Fact]
    public async Task A_dry_run_of_a_session_with_undelivered_changes_says_to_sync_before_local()
    {
        // Trial AD F4: the dry run said "add --local", which then refused the session (its changes are not all delivered).
        _owner.Environment["ACODE_POSTGRES_URL"] = PostgresServer.ToUrl(await fixture.CreateDatabaseAsync());
        await _owner.RunOkAsync("demo");
        string id = Assert.Single(await _owner.SessionIdsAsync());

        AcodeResult dryRun = await _owner.RunOkAsync("session", "delete", id, "--dry-run");

        Assert.Contains("To delete only this workspace's copy, deliver its changes first (1 of the sessions have some not yet in PostgreSQL: 'acode db sync'), then add --local.", dryRun.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("copy, add --local", dryRun.Stdout, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _owner.Dispose();
        _reader.Dispose();
    }
}
