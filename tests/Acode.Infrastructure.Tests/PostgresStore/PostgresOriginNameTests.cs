using Acode.Application;
using Acode.Application.Queries;
using Acode.Application.Search;
using Acode.Infrastructure.Migrations;
using Acode.Infrastructure.PostgresStore;
using Acode.Infrastructure.Search;
using Acode.Testing;
using Npgsql;

namespace Acode.Infrastructure.Tests.PostgresStore;

/// <summary>
/// The name of the workspace whose change stands, read with the rows of a PostgreSQL page (<c>session list --remote</c>,
/// <c>session search --remote</c>, <c>acode ui --remote</c>): whatever the number of workspaces that synced since.
/// </summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class PostgresOriginNameTests(PostgresFixture fixture)
{
    [Fact]
    public async Task A_listed_session_and_a_search_hit_carry_the_name_their_workspace_reported()
    {
        string connectionString = await fixture.CreateDatabaseAsync();
        await using NpgsqlDataSource dataSource = NpgsqlDataSource.Create(connectionString);
        await new PostgresMigrator().MigrateAsync(dataSource);
        var store = new PostgresRunStateStore(dataSource, "ws_named");
        Session named = await store.CreateSessionAsync("flaky migration on the laptop");
        Session unnamed = await store.CreateSessionAsync("flaky migration nowhere");
        await using (NpgsqlBatch change = dataSource.CreateBatch())
        {
            // The named workspace synced long ago; 1 500 others have synced since (more than a page of workspaces).
            change.BatchCommands.Add(new NpgsqlBatchCommand("INSERT INTO workspaces (id, name, acode_version, last_sync_at) VALUES ('ws_named', 'ana-laptop <b>', '1', now() - interval '90 days')"));
            change.BatchCommands.Add(new NpgsqlBatchCommand("INSERT INTO workspaces (id, name, acode_version) SELECT 'ws_' || i, 'other ' || i, '1' FROM generate_series(1, 1500) i"));
            change.BatchCommands.Add(new NpgsqlBatchCommand("UPDATE sessions SET origin = 'ws_never_reported' WHERE id = $1") { Parameters = { new NpgsqlParameter { Value = unnamed.Id.Value } } });
            await change.ExecuteNonQueryAsync();
        }

        Page<SessionSummary> page = await store.QuerySessionsAsync(new SessionFilter(), SessionSort.UpdatedDescending, new PaginationOptions { Limit = 10 });
        Assert.Equal(
            [(named.Id, "ws_named", "ana-laptop <b>"), (unnamed.Id, "ws_never_reported", null)],
            page.Items.Select(s => (s.Id, s.Origin, s.OriginName)).OrderBy(s => s.Id.Value != named.Id.Value));

        Page<SearchHit> hits = await new PostgresSessionSearch(dataSource).SearchAsync(SearchQuery.Parse("laptop"), new SessionFilter(), new PaginationOptions { Limit = 10 });
        SearchHit hit = Assert.Single(hits.Items);
        Assert.Equal((named.Id, "ws_named", "ana-laptop <b>"), (hit.SessionId, hit.Origin, hit.OriginName));
        Assert.Null(Assert.Single((await new PostgresSessionSearch(dataSource).SearchAsync(SearchQuery.Parse("nowhere"), new SessionFilter(), new PaginationOptions { Limit = 10 })).Items).OriginName);
    }
}
