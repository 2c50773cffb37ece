using System.Text;
using System.Text.Json.Nodes;
using Acode.Application.Serialization;
using Acode.Application.Sync;
using Acode.Infrastructure.PostgresStore;
using Acode.Testing;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace Acode.Infrastructure.Tests.Sync;

/// <summary>
/// The documented way to continue a session by hand: export it, edit a row and raise its <c>version</c> (leaving
/// <c>updatedAt</c> as it was), <c>session import</c> it. Two such edits of one stored version, made in two workspaces,
/// are different changes: they must never share a stamp (and so an idempotency key), or one is dropped as a duplicate of
/// the other, or a change built on the one that lost is taken as continuing the winner (docs/architecture.md, "Each
/// version its own stamp"). The same edited file imported in two workspaces stays one change.
/// </summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class EditedExportConflictTests(PostgresFixture fixture)
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Two_different_edits_imported_in_copies_of_a_workspace_are_a_conflict_not_a_duplicate()
    {
        var clockA = new FakeTimeProvider(T0);
        using SyncHarness a = await SyncHarness.CreateAsync(fixture, clockA);
        Session session = await a.Store.CreateSessionAsync("version 1");
        await a.Sync.SyncAsync();
        using SyncHarness b = SyncHarness.CopyOf(a, new FakeTimeProvider(T0));

        await ImportEditedAsync(a, session.Id, "edited in copy A");
        await ImportEditedAsync(b, session.Id, "edited in copy B");
        SyncRunResult first = await b.Sync.SyncAsync();
        SyncRunResult second = await a.Sync.SyncAsync();

        Assert.Equal((1L, 0), (first.Applied, first.Conflicts));
        Assert.True(second.Conflicts == 1, $"duplicates {second.Duplicates}, applied {second.Applied}, conflicts {second.Conflicts}");
        Assert.Equal(["edited in copy A|edited in copy B"],
            await a.PgRowsAsync("SELECT incoming_payload->>'title', existing_payload->>'title' FROM sync_conflicts"));
    }

    [Fact]
    public async Task A_change_built_on_an_edit_that_lost_is_a_conflict_with_the_winner_not_its_continuation()
    {
        var clockA = new FakeTimeProvider(T0);
        var clockB = new FakeTimeProvider(T0);
        var clockC = new FakeTimeProvider(T0);
        using SyncHarness a = await SyncHarness.CreateAsync(fixture, clockA);
        using SyncHarness b = await SyncHarness.CreateAsync(fixture, clockB, connectionString: a.ConnectionString);
        using SyncHarness c = await SyncHarness.CreateAsync(fixture, clockC, connectionString: a.ConnectionString);
        Session session = await a.Store.CreateSessionAsync("from A");
        await a.Sync.SyncAsync();
        await using NpgsqlDataSource dataSource = NpgsqlDataSource.Create(a.ConnectionString);
        var remote = new PostgresRunStateStore(dataSource, "pg_server");
        foreach (SyncHarness h in new[] { b, c })
        {
            await new RemoteSessionPull(remote, h.Store, h.Database.WorkspaceId!).PullAsync(session.Id);
        }

        await ImportEditedAsync(b, session.Id, "B's first edit");
        await ImportEditedAsync(c, session.Id, "C's first edit");
        await b.Sync.SyncAsync();
        SyncRunResult lost = await c.Sync.SyncAsync();
        string winner = (string)(await a.PgScalarAsync("SELECT title FROM sessions"))!;
        Assert.Equal(1, lost.Conflicts);

        await ImportEditedAsync(winner == "B's first edit" ? c : b, session.Id, "second edit on the losing side");
        SyncRunResult next = await (winner == "B's first edit" ? c : b).Sync.SyncAsync();

        Assert.True(next.Conflicts == 1, $"applied {next.Applied}, conflicts {next.Conflicts}; PostgreSQL holds '{await a.PgScalarAsync("SELECT title FROM sessions")}'");
        Assert.Equal(2L, await a.PgCountAsync("SELECT count(*) FROM sync_conflicts"));
    }

    [Fact]
    public async Task The_same_edited_file_imported_in_two_workspaces_is_one_change()
    {
        var clockA = new FakeTimeProvider(T0);
        using SyncHarness a = await SyncHarness.CreateAsync(fixture, clockA);
        using SyncHarness b = await SyncHarness.CreateAsync(fixture, new FakeTimeProvider(T0), connectionString: a.ConnectionString);
        Session session = await a.Store.CreateSessionAsync("from A");
        await a.Sync.SyncAsync();
        await using NpgsqlDataSource dataSource = NpgsqlDataSource.Create(a.ConnectionString);
        await new RemoteSessionPull(new PostgresRunStateStore(dataSource, "pg_server"), b.Store, b.Database.WorkspaceId!).PullAsync(session.Id);
        string edited = await EditedExportAsync(a, session.Id, "the same edit");

        await ImportAsync(a, edited);
        await ImportAsync(b, edited);
        SyncRunResult first = await a.Sync.SyncAsync();
        SyncRunResult second = await b.Sync.SyncAsync();

        Assert.Equal((1L, 0), (first.Applied, first.Conflicts));
        Assert.Equal((0L, 0), (second.Applied, second.Conflicts));
        Assert.Equal("the same edit", await a.PgScalarAsync("SELECT title FROM sessions"));
        Assert.Equal(0L, await a.PgCountAsync("SELECT count(*) FROM sync_conflicts"));
    }

    private static async Task ImportEditedAsync(SyncHarness h, SessionId id, string title)
        => await ImportAsync(h, await EditedExportAsync(h, id, title));

    /// <summary>The session's export with its row retitled and its version raised by one, <c>updatedAt</c> left as it was (docs/json-format.md).</summary>
    private static async Task<string> EditedExportAsync(SyncHarness h, SessionId id, string title)
    {
        Session session = (await h.Store.GetSessionAsync(id))!;
        using var export = new StringWriter();
        await SessionArchive.WriteAsync(export, h.Store, session);
        var edited = new StringBuilder();
        foreach (string line in export.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            JsonNode node = JsonNode.Parse(line)!;
            if (node["entity"]!.GetValue<string>() == "Session")
            {
                node["title"] = title;
                node["version"] = node["version"]!.GetValue<long>() + 1;
            }

            edited.Append(node.ToJsonString()).Append('\n');
        }

        return edited.ToString();
    }

    private static async Task ImportAsync(SyncHarness h, string archive)
    {
        await foreach (SessionGraphBuilder graph in SessionArchive.ReadAsync(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(archive))))
        {
            await h.Store.ImportAsync(graph.Session!, graph.Events);
        }
    }
}
