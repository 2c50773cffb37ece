using Acode.Application;
using Acode.Application.Sync;
using Acode.Domain.Entities;
using Acode.Infrastructure.PostgresStore;
using Acode.Infrastructure.Tests.Sync;
using Acode.Testing;
using Npgsql;

namespace Acode.Infrastructure.Tests.PostgresStore;

/// <summary>
/// <c>session pull</c> converging on PostgreSQL's version of a row (docs/architecture.md, "Pull converges on PostgreSQL")
/// redacts what this workspace's rules find in it and counts it in the workspace's total, but records no
/// <c>secrets.redacted</c> event: the redaction is of this workspace's copy, and PostgreSQL keeps the row as it was
/// written. Delivered, such an event told PostgreSQL of a redaction it never had and left the pull's outbox pending
/// (trial BB F2); kept here only, the next pull took it for a row PostgreSQL lost.
/// </summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class PulledRedactionTests(PostgresFixture fixture)
{
    private const string Secret = "password = 'hunter2abcdEFGH1234xyz'";

    [Fact]
    public async Task Workspaces_that_converge_on_a_version_with_a_secret_redact_their_copy_record_no_event_and_leave_nothing_pending()
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
        Assert.Equal((0L, 0L, 0L), (fromB.Applied, fromB.Duplicates, fromB.Remaining));
        Assert.Equal((0L, 0L, 0L), (fromC.Applied, fromC.Duplicates, fromC.Remaining));
        Assert.Equal(0L, await a.PgCountAsync("SELECT count(*) FROM session_events WHERE session_id = $1 AND type = 'secrets.redacted'", session.Id.Value));

        foreach (SyncHarness pulled in new[] { b, c })
        {
            Session copy = (await pulled.Store.GetSessionAsync(session.Id))!;
            Assert.DoesNotContain((await pulled.Store.ReadEventsAsync(copy)), e => e.Type == "secrets.redacted");
            Assert.Equal(1, pulled.Database.CountRedactedSecrets());
        }
    }
}
