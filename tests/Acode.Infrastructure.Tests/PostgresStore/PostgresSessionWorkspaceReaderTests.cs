using Acode.Application;
using Acode.Application.Queries;
using Acode.Infrastructure.Migrations;
using Acode.Infrastructure.PostgresStore;
using Acode.Testing;
using Npgsql;

namespace Acode.Infrastructure.Tests.PostgresStore;

/// <summary>Which workspaces a session came from, read from PostgreSQL (what <c>acode ui</c> shows on a session's page).</summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class PostgresSessionWorkspaceReaderTests(PostgresFixture fixture)
{
    [Fact]
    public async Task A_session_names_the_workspace_it_was_created_in_and_the_one_whose_change_stands()
    {
        string connectionString = await fixture.CreateDatabaseAsync();
        await using NpgsqlDataSource dataSource = NpgsqlDataSource.Create(connectionString);
        await new PostgresMigrator().MigrateAsync(dataSource);
        var store = new PostgresRunStateStore(dataSource, "pg_test");
        var reader = new PostgresSessionWorkspaceReader(dataSource, "postgresql://test");
        Session session = await store.CreateSessionAsync("shared");
        Session deleted = await store.CreateSessionAsync("deleted");
        await store.DeleteSessionAsync(deleted.Id);

        // No workspace reported a name yet: the ids are all there is.
        Assert.Equal(new SessionWorkspaces("pg_test", null, "pg_test", null), await reader.GetAsync(session.Id));

        await using (NpgsqlBatch change = dataSource.CreateBatch())
        {
            change.BatchCommands.Add(new NpgsqlBatchCommand("INSERT INTO workspaces (id, name, acode_version) VALUES ('pg_test', 'server', '1'), ('ws_b', 'laptop <b>', '1')"));
            change.BatchCommands.Add(new NpgsqlBatchCommand("UPDATE sessions SET origin = 'ws_b' WHERE id = $1") { Parameters = { new NpgsqlParameter { Value = session.Id.Value } } });
            await change.ExecuteNonQueryAsync();
        }

        Assert.Equal(new SessionWorkspaces("pg_test", "server", "ws_b", "laptop <b>"), await reader.GetAsync(session.Id));
        // A tombstone: when it was deleted, and by which workspace (the deletion is the change that stands).
        SessionWorkspaces tombstone = (await reader.GetAsync(deleted.Id))!;
        Assert.Equal(("pg_test", "pg_test"), (tombstone.CreatedId, tombstone.LastId));
        Assert.NotNull(tombstone.DeletedAt);
        Assert.Null((await reader.GetAsync(session.Id))!.DeletedAt);
        Assert.Null(await reader.GetAsync(SessionId.New()));
    }
}
