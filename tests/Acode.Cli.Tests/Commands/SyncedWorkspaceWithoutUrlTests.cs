using System.Text.Json;
using Acode.Cli.Tests.Support;
using Acode.Testing;

namespace Acode.Cli.Tests.Commands;

/// <summary>
/// A workspace that synced before keeps its undelivered changes for PostgreSQL while none is configured (the variable set
/// in another shell only): <c>session delete --local</c> refuses a session with such changes and <c>db prune</c> keeps it,
/// as they do with PostgreSQL configured, instead of dropping the only copy of those changes with the session. A
/// workspace that never synced still prunes and deletes freely (nothing there is anyone else's to receive).
/// </summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class SyncedWorkspaceWithoutUrlTests(PostgresFixture fixture) : IDisposable
{
    private readonly CliWorkspace _workspace = new();
    private readonly CliWorkspace _neverSynced = new();

    [Fact]
    public async Task Delete_local_and_prune_keep_undelivered_changes_of_a_workspace_that_synced_before()
    {
        _workspace.Environment["ACODE_POSTGRES_URL"] = PostgresServer.ToUrl(await fixture.CreateDatabaseAsync());
        await _workspace.RunOkAsync("demo");
        await _workspace.RunOkAsync("db", "sync");
        IReadOnlyList<string> delivered = await _workspace.SessionIdsAsync();
        _workspace.Environment.Remove("ACODE_POSTGRES_URL");
        await _workspace.RunOkAsync("demo");
        string undelivered = Assert.Single((await _workspace.SessionIdsAsync()).Except(delivered));
        long pending = (await _workspace.JsonAsync("db", "status")).GetProperty("outbox").GetProperty("pending").GetInt64();

        AcodeResult dryRun = await _workspace.RunOkAsync("session", "delete", delivered[0], "--dry-run");
        AcodeResult delete = await _workspace.RunAsync("session", "delete", undelivered, "--local", "--yes");
        JsonElement prune = await _workspace.JsonAsync("db", "prune", "--older-than", DateTime.UtcNow.AddDays(1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), "--yes");

        Assert.Contains("This workspace synced to a PostgreSQL before: the deletion reaches it with the first sync once it is configured again", dryRun.Stdout, StringComparison.Ordinal);
        Assert.True(delete.ExitCode == 1, delete.ToString());
        Assert.Contains("changes not yet delivered to PostgreSQL", delete.Stderr, StringComparison.Ordinal);
        Assert.Contains("no PostgreSQL is configured now", delete.Stderr, StringComparison.Ordinal);
        Assert.Equal([undelivered], prune.GetProperty("keptUnsynced").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(delivered, prune.GetProperty("removed").EnumerateArray().Select(e => e.GetString()!));
        Assert.Equal([undelivered], await _workspace.SessionIdsAsync());
        Assert.True(pending > 0);
        Assert.Equal(pending, (await _workspace.JsonAsync("db", "status")).GetProperty("outbox").GetProperty("pending").GetInt64());

        // Configured again, the changes reach PostgreSQL.
        _workspace.Environment["ACODE_POSTGRES_URL"] = PostgresServer.ToUrl(await fixture.CreateDatabaseAsync());
        JsonElement sync = await _workspace.JsonAsync("db", "sync");
        Assert.Equal(0, sync.GetProperty("pending").GetInt64());
    }

    [Fact]
    public async Task A_workspace_that_never_synced_deletes_locally_and_says_nothing_was_kept_elsewhere()
    {
        await _neverSynced.RunOkAsync("demo");
        string id = Assert.Single(await _neverSynced.SessionIdsAsync());

        AcodeResult delete = await _neverSynced.RunOkAsync("session", "delete", id, "--local", "--yes");

        Assert.Contains("Deleted here only (no PostgreSQL is configured and this workspace never synced", delete.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("PostgreSQL and the other workspaces keep", delete.Stdout, StringComparison.Ordinal);
        Assert.Empty(await _neverSynced.SessionIdsAsync());
    }

    public void Dispose()
    {
        _workspace.Dispose();
        _neverSynced.Dispose();
    }
}
