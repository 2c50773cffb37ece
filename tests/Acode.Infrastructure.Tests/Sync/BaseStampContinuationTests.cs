using System.Text;
using System.Text.Json.Nodes;
using Acode.Application.Outbox;
using Acode.Application.Serialization;
using Acode.Application.Sync;
using Acode.Infrastructure.PostgresStore;
using Acode.Infrastructure.Tests.Support;
using Acode.Testing;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace Acode.Infrastructure.Tests.Sync;

/// <summary>
/// The other side of the base stamp (workspace schema 1.8.0, docs/architecture.md "Conflicts"): one lineage's changes
/// always continue PostgreSQL's version, so the stamp check must never invent a conflict. Saves synced one by one, a
/// chain of versions of one entity delivered in one batch, children, events, a deletion, and a workspace that pulled
/// the other's version then changed it: every change applied, <c>sync_conflicts</c> empty.
/// </summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class BaseStampContinuationTests(PostgresFixture fixture)
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task One_workspace_saving_and_syncing_version_after_version_and_in_batches_never_conflicts()
    {
        var clock = new FakeTimeProvider(T0);
        using SyncHarness h = await SyncHarness.CreateAsync(fixture, clock);
        Session session = await h.Store.CreateSessionAsync("version 1");
        SessionTask task = session.AddTask("task");
        Step step = task.AddStep("step");
        ToolCall call = step.AddToolCall("shell", "{\"cmd\":\"ls\"}");
        await h.Store.SaveAsync(session);
        long conflicts = (await h.Sync.SyncAsync()).Conflicts;

        // Saved and synced one by one.
        for (int round = 0; round < 6; round++)
        {
            clock.Advance(TimeSpan.FromSeconds(1));
            session.Rename($"round {round}");
            session.AppendEvent("note", $"{{\"round\":{round}}}");
            await h.Store.SaveAsync(session);
            conflicts += (await h.Sync.SyncAsync()).Conflicts;
        }

        // Several versions of each entity delivered as one chain, then the same again after a synced save.
        task.Start();
        step.Start();
        call.Start();
        await h.Store.SaveAsync(session);
        for (int round = 0; round < 5; round++)
        {
            session.Rename($"batched {round}");
            await h.Store.SaveAsync(session);
        }

        step.Complete();
        call.Succeed("done");
        await h.Store.SaveAsync(session);
        conflicts += (await h.Sync.SyncAsync()).Conflicts;
        task.Complete();
        session.Rename("last title");
        await h.Store.SaveAsync(session);
        conflicts += (await h.Sync.SyncAsync()).Conflicts;

        Assert.Equal(0, conflicts);
        Assert.Equal("last title", await h.PgScalarAsync("SELECT title FROM sessions"));
        Assert.Equal(session.Version, Convert.ToInt64(await h.PgScalarAsync("SELECT version FROM sessions"), System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(task.Version, Convert.ToInt64(await h.PgScalarAsync("SELECT version FROM session_tasks"), System.Globalization.CultureInfo.InvariantCulture));
        AssertEachRecordNamesTheStampOfItsBase(h);

        Assert.True(await h.Store.DeleteSessionAsync(session.Id));
        SyncRunResult deleted = await h.Sync.SyncAsync();
        Assert.Equal(0, deleted.Conflicts);
        Assert.Equal(0L, await h.PgCountAsync("SELECT count(*) FROM sync_conflicts"));
        Assert.Equal(1L, await h.PgCountAsync("SELECT count(*) FROM sessions WHERE deleted_at IS NOT NULL"));
        AssertEachRecordNamesTheStampOfItsBase(h);
    }

    [Fact]
    public async Task Two_workspaces_taking_turns_through_session_pull_continue_each_others_versions_without_a_conflict()
    {
        var clockA = new FakeTimeProvider(T0);
        var clockB = new FakeTimeProvider(T0);
        using SyncHarness a = await SyncHarness.CreateAsync(fixture, clockA);
        using SyncHarness b = await SyncHarness.CreateAsync(fixture, clockB, connectionString: a.ConnectionString);
        await using NpgsqlDataSource dataSource = NpgsqlDataSource.Create(a.ConnectionString);
        var remote = new PostgresRunStateStore(dataSource, "pg_server");
        Session session = await a.Store.CreateSessionAsync("from A");
        session.AddTask("task");
        await a.Store.SaveAsync(session);
        long conflicts = (await a.Sync.SyncAsync()).Conflicts;

        for (int round = 0; round < 3; round++)
        {
            foreach ((SyncHarness h, FakeTimeProvider clock, string name) in new[] { (b, clockB, "B"), (a, clockA, "A") })
            {
                await new RemoteSessionPull(remote, h.Store, h.Database.WorkspaceId!).PullAsync(session.Id);
                clock.Advance(TimeSpan.FromSeconds(10 * (round + 1)));
                Session held = (await h.Store.GetSessionAsync(session.Id))!;
                held.Rename($"round {round} by {name}");
                held.AppendEvent("note", $"{{\"by\":\"{name}\"}}");
                if (round == 0)
                {
                    // The task changed by B, then by A: a child continued across workspaces too.
                    Action change = name == "B" ? held.Tasks[0].Start : held.Tasks[0].Complete;
                    change();
                }

                await h.Store.SaveAsync(held);
                SyncRunResult result = await h.Sync.SyncAsync();
                Assert.Equal((round == 0 ? 3L : 2L, 0L), (result.Applied, result.Conflicts));
                conflicts += result.Conflicts;
            }
        }

        Assert.Equal(0, conflicts);
        Assert.Equal("round 2 by A", await a.PgScalarAsync("SELECT title FROM sessions"));
        Assert.Equal(0L, await a.PgCountAsync("SELECT count(*) FROM sync_conflicts"));
    }

    [Fact]
    public async Task An_edited_export_imported_into_the_workspace_continues_its_delivered_version_without_a_conflict()
    {
        using SyncHarness h = await SyncHarness.CreateAsync(fixture);
        Session session = await h.Store.CreateSessionAsync("version 1");
        session.Rename("version 2");
        await h.Store.SaveAsync(session);
        await h.Sync.SyncAsync();

        // What a user does by hand: a new title, version + 1, updatedAt later; imported back.
        using var export = new StringWriter();
        await SessionArchive.WriteAsync(export, h.Store, session);
        var edited = new StringBuilder();
        foreach (string line in export.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            JsonNode node = JsonNode.Parse(line)!;
            if (node["entity"]!.GetValue<string>() == "Session")
            {
                node["title"] = "version 3, imported";
                node["version"] = 3;
                node["updatedAt"] = UtcTimestamp.Format(session.UpdatedAt.AddSeconds(5));
            }

            edited.Append(node.ToJsonString()).Append('\n');
        }

        await foreach (SessionGraphBuilder graph in SessionArchive.ReadAsync(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(edited.ToString()))))
        {
            await h.Store.ImportAsync(graph.Session!, graph.Events);
        }

        SyncRunResult result = await h.Sync.SyncAsync();

        Assert.Equal((1L, 0L), (result.Applied, result.Conflicts));
        Assert.Equal("version 3, imported", await h.PgScalarAsync("SELECT title FROM sessions"));
        Assert.Equal(session.UpdatedAt.UtcTicks, SqliteProbe.Scalar(h.DatabasePath, "SELECT base_hlc FROM outbox WHERE version = 3;"));
        AssertEachRecordNamesTheStampOfItsBase(h);
    }

    /// <summary>
    /// In a workspace whose only lineage is its own, every record based on a version names that version's stamp (the one
    /// the record that wrote it carries), and a record based on nothing names none.
    /// </summary>
    private static void AssertEachRecordNamesTheStampOfItsBase(SyncHarness h)
    {
        List<Dictionary<string, object?>> rows = SqliteProbe.Rows(h.DatabasePath, "SELECT entity_id, version, base_version, base_hlc, hlc FROM outbox ORDER BY id;");
        Dictionary<(string, long), long> stamps = rows.ToDictionary(
            r => ((string)r["entity_id"]!, (long)r["version"]!), r => (long)r["hlc"]!);
        Assert.Contains(rows, r => (long)r["base_version"]! > 0);
        Assert.All(rows, r => Assert.Equal(
            (long)r["base_version"]! == 0 ? null : stamps[((string)r["entity_id"]!, (long)r["base_version"]!)],
            (long?)r["base_hlc"]));
    }
}
