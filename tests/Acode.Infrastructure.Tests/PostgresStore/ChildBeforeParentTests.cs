using Acode.Application;
using Acode.Infrastructure.PostgresStore;
using Acode.Infrastructure.Tests.Sync;
using Acode.Testing;
using Npgsql;

namespace Acode.Infrastructure.Tests.PostgresStore;

/// <summary>
/// PostgreSQL's mirror has no foreign keys, so it can hold a child whose parent has not arrived yet (a step's record held
/// back by a sync that failed on it, or applied a moment later by a second sync of the same workspace). Reading the
/// session (<c>session show --remote</c>, <c>session pull</c>, the viewer's <c>--remote</c> pages) leaves such a child out,
/// as a record not yet delivered, instead of failing for the whole team (the trial of Session 27, #1: exit 3, "a bug").
/// </summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class ChildBeforeParentTests(PostgresFixture fixture)
{
    [Fact]
    public async Task A_session_whose_step_has_not_arrived_reads_and_pulls_without_that_step_and_its_children_then_whole_once_it_arrives()
    {
        using SyncHarness workspace = await SyncHarness.CreateAsync(fixture);
        Session session = Session.Create("orphans", "goal");
        SessionTask task = session.AddTask("task");
        Step kept = task.AddStep("kept");
        kept.AddToolCall("read_file", """{"path":"a"}""").Succeed("a");
        Step late = task.AddStep("late");
        ToolCall call = late.AddToolCall("shell", """{"cmd":"true"}""");
        call.Succeed("ok");
        session.AddArtifact("out.txt", ArtifactKind.File, "text/plain", "text"u8.ToArray(), late.Id, call.Id);
        session.AddArtifact("plan.md", ArtifactKind.File, "text/markdown", "plan"u8.ToArray());
        await workspace.Store.SaveAsync(session);
        await workspace.Sync.SyncAsync();

        // The step leaves the mirror; its tool call and the artifact naming them stay, as when they arrived first.
        await workspace.PgScalarAsync("CREATE TABLE held_steps AS SELECT * FROM steps WHERE id = $1", late.Id.Value);
        await workspace.PgScalarAsync("DELETE FROM steps WHERE id = $1", late.Id.Value);
        await using NpgsqlDataSource dataSource = NpgsqlDataSource.Create(workspace.ConnectionString);
        var direct = new PostgresRunStateStore(dataSource, "pg_reader", workspace.Clock);

        Session partial = (await direct.GetSessionAsync(session.Id))!;

        Assert.Equal(["kept"], partial.Tasks.Single().Steps.Select(s => s.Title));
        Assert.Equal(["read_file"], partial.Tasks.Single().Steps.SelectMany(s => s.ToolCalls).Select(c => c.ToolName));
        Assert.Equal(["plan.md"], partial.Artifacts.Select(a => a.Name));
        Assert.Null(partial.FindToolCall(call.Id));

        // Another workspace pulls what is there, and the rest once the step has arrived.
        using SyncHarness other = await SyncHarness.CreateAsync(fixture, connectionString: workspace.ConnectionString);
        await new RemoteSessionPull(direct, other.Store, other.Database.WorkspaceId!).PullAsync(session.Id);
        Session pulled = (await other.Store.GetSessionAsync(session.Id))!;
        Assert.Equal(["kept"], pulled.Tasks.Single().Steps.Select(s => s.Title));
        Assert.Equal(["plan.md"], pulled.Artifacts.Select(a => a.Name));

        await workspace.PgScalarAsync("INSERT INTO steps SELECT * FROM held_steps");
        await new RemoteSessionPull(direct, other.Store, other.Database.WorkspaceId!).PullAsync(session.Id);
        Session whole = (await other.Store.GetSessionAsync(session.Id))!;
        Assert.Equal(["kept", "late"], whole.Tasks.Single().Steps.Select(s => s.Title));
        Assert.Equal(call.Id, whole.FindToolCall(call.Id)!.Id);
        Assert.Equal(["out.txt", "plan.md"], whole.Artifacts.Select(a => a.Name).Order(StringComparer.Ordinal));
    }
}
