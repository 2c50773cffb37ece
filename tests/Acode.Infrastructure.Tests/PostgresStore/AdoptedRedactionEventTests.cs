using Acode.Application;
using Acode.Application.Sync;
using Acode.Infrastructure.PostgresStore;
using Acode.Infrastructure.Tests.Sync;
using Acode.Testing;
using Npgsql;

namespace Acode.Infrastructure.Tests.PostgresStore;

/// <summary>
/// <c>session pull</c> converging on PostgreSQL's version of a row (docs/architecture.md, "Pull converges on PostgreSQL")
/// redacts what this workspace's rules find in it and records a <c>secrets.redacted</c> event, which it delivers. Like an
/// import's (docs/secrets.md, "Counts"), that event is made from what was taken: two workspaces converging on the same
/// version with the same rules record the same event, so PostgreSQL keeps one, not one per workspace that pulled.
/// </summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class AdoptedRedactionEventTests(PostgresFixture fixture)
{
    private const string Secret = "password = 'hunter2abcdEFGH1234xyz'";

    [Fact]
    public async Task Two_workspaces_that_converge_on_the_same_version_with_a_secret_record_one_redaction_event()
    {
        using SyncHarness a = await SyncHarness.CreateAsync(fixture);
        using SyncHarness b = await SyncHarness.CreateAsync(fixture, connectionString: a.ConnectionString);
        using SyncHarness c = await SyncHarness.CreateAsync(fixture, connectionString: a.ConnectionString);
        await using NpgsqlDataSource dataSource = NpgsqlDataSource.Create(a.ConnectionString);
        var remote = new PostgresRunStateStore(dataSource, "pg_server");
        Session session = await a.Store.CreateSessionAsync("converging");
        ToolCall call = session.AddTask("task").AddStep("step").AddToolCall("shell", "{\"cmd\":\"env\"}");
        call.Succeed("nothing to see");
        await a.Store.SaveAsync(session);
        await a.Sync.SyncAsync();
        await new RemoteSessionPull(remote, b.Store, b.Database.WorkspaceId!).PullAsync(session.Id);
        await new RemoteSessionPull(remote, c.Store, c.Database.WorkspaceId!).PullAsync(session.Id);

        // PostgreSQL's row becomes another version at the same number (written by an acode whose rules let the secret
        // through): both workspaces hold the row at that number with another stamp, so their next pull converges on it.
        long hlc = await a.PgCountAsync("SELECT hlc FROM tool_calls WHERE id = $1", call.Id.Value);
        var later = new DateTimeOffset(hlc + TimeSpan.TicksPerSecond, TimeSpan.Zero);
        await a.PgScalarAsync("""
            UPDATE tool_calls SET result = $2, updated_at = $3, hlc = $4,
                document = jsonb_set(jsonb_set(document, '{result}', to_jsonb($2::text)), '{updatedAt}', to_jsonb($5::text))
            WHERE id = $1;
            """, call.Id.Value, Secret, later, later.UtcTicks, later.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", System.Globalization.CultureInfo.InvariantCulture));
        ImportResult onB = (await new RemoteSessionPull(remote, b.Store, b.Database.WorkspaceId!).PullAsync(session.Id))!;
        ImportResult onC = (await new RemoteSessionPull(remote, c.Store, c.Database.WorkspaceId!).PullAsync(session.Id))!;
        SyncRunResult fromB = await b.Sync.SyncAsync();
        SyncRunResult fromC = await c.Sync.SyncAsync();

        Assert.Equal(1, onB.Updated);
        Assert.Equal(1, onC.Updated);
        Assert.DoesNotContain("hunter2", (await b.Store.GetSessionAsync(session.Id))!.Tasks[0].Steps[0].ToolCalls[0].Result, StringComparison.Ordinal);
        Assert.Equal((1L, 0L), (fromB.Applied, fromB.Duplicates));
        Assert.Equal((0L, 1L, 0L), (fromC.Applied, fromC.Duplicates, fromC.Conflicts));
        Assert.Equal(1L, await a.PgCountAsync("SELECT count(*) FROM session_events WHERE session_id = $1 AND type = 'secrets.redacted'", session.Id.Value));

        // Stamped with the version it redacted, not with the clock of the pull.
        long stamp = await a.PgCountAsync("SELECT hlc FROM session_events WHERE session_id = $1 AND type = 'secrets.redacted'", session.Id.Value);
        Assert.Equal(later.UtcTicks, stamp);
    }
}
