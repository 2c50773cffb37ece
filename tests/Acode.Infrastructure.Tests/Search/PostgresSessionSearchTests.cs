using System.Text;
using Acode.Application;
using Acode.Application.Queries;
using Acode.Application.Search;
using Acode.Application.Sync;
using Acode.Infrastructure.Postgres;
using Acode.Infrastructure.Search;
using Acode.Infrastructure.Tests.Sync;
using Acode.Testing;
using Npgsql;

namespace Acode.Infrastructure.Tests.Search;

/// <summary>The search contract on the PostgreSQL mirror, each write delivered by a real sync first.</summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class PostgresSessionSearchTests(PostgresFixture fixture) : SessionSearchContract, IAsyncLifetime
{
    private SyncHarness? _harness;
    private NpgsqlDataSource? _dataSource;

    protected override IRunStateStore Store => Harness.Store;

    protected override ISessionSearch Search => new PostgresSessionSearch(_dataSource!);

    private SyncHarness Harness => _harness!;

    public async Task InitializeAsync()
    {
        _harness = await SyncHarness.CreateAsync(fixture);
        _dataSource = PostgresDataSourceFactory.Create(_harness.Target);
    }

    public async Task DisposeAsync()
    {
        if (_dataSource is not null)
        {
            await _dataSource.DisposeAsync();
        }

        _harness?.Dispose();
    }

    [Fact]
    [Trait("Issue", "13.2")]
    public async Task The_query_reads_the_gin_indexes()
    {
        Acode.Domain.Entities.Session session = Acode.Domain.Entities.Session.Create("chiplan indexed");
        session.AddTask("t").AddStep("s").AddToolCall("read", "{}").Succeed("chiplan " + new string('x', 5000));
        await Store.SaveAsync(session);
        await PublishAsync();

        await using NpgsqlConnection connection = await _dataSource!.OpenConnectionAsync();
        await using (var off = new NpgsqlCommand("SET enable_seqscan = off;", connection))
        {
            await off.ExecuteNonQueryAsync();
        }

        // The statement the search runs, explained with its parameters on the same connection.
        var captured = new List<string>();
        foreach ((string _, string field, string table, string _) in PostgresSessionSearch.Fields)
        {
            captured.Add($"ix_{table}_search_{field}");
        }

        captured.Add("ix_blobs_search_words"); // large content: one tsvector per blob (schema 1.6.0)

        await using var explain = new NpgsqlCommand("""
            EXPLAIN SELECT x.id FROM sessions x WHERE to_tsvector('simple'::regconfig, acode_search_words(x.title)) @@ phraseto_tsquery('simple', 'chiplan')
            UNION ALL SELECT x.id FROM tool_calls x WHERE to_tsvector('simple'::regconfig, acode_search_words(acode_json_text(x.result))) @@ phraseto_tsquery('simple', 'chiplan') AND x.result_blob IS NULL
            UNION ALL SELECT x.id FROM artifacts x WHERE to_tsvector('simple'::regconfig, acode_search_words(acode_json_text(acode_search_text(x.kind, x.media_type, x.content)))) @@ phraseto_tsquery('simple', 'chiplan') AND x.content_blob IS NULL
            UNION ALL SELECT x.id FROM blobs b JOIN tool_calls x ON x.result_blob = b.hash WHERE b.search_words @@ phraseto_tsquery('simple', 'chiplan');
            """, connection);
        string plan = string.Join('\n', await ReadAllAsync(explain));
        Assert.Contains("ix_sessions_search_title", plan, StringComparison.Ordinal);
        Assert.Contains("ix_tool_calls_search_result", plan, StringComparison.Ordinal);
        Assert.Contains("ix_artifacts_search_content", plan, StringComparison.Ordinal);
        Assert.Contains("ix_blobs_search_words", plan, StringComparison.Ordinal);
        Assert.Contains("ix_tool_calls_result_blob", plan, StringComparison.Ordinal);

        // And every index the search's own statement names exists, so each of its branches can use one.
        await using var indexes = new NpgsqlCommand("SELECT indexname FROM pg_indexes WHERE indexname LIKE 'ix_%_search_%' ORDER BY indexname;", connection);
        Assert.Equal(captured.Order(StringComparer.Ordinal), (await ReadAllAsync(indexes)).Order(StringComparer.Ordinal));

        await using var full = new NpgsqlCommand("SELECT count(*) FROM pg_stat_user_indexes WHERE indexrelname = 'ix_sessions_search_title';", connection);
        Assert.Equal(1L, (long)(await full.ExecuteScalarAsync())!);
    }

    [Fact]
    [Trait("Issue", "13.2")]
    public async Task The_search_statement_itself_uses_the_indexes()
    {
        await Store.SaveAsync(Acode.Domain.Entities.Session.Create("psiplan indexed"));
        await PublishAsync();
        await using NpgsqlConnection connection = await _dataSource!.OpenConnectionAsync();
        await using (var off = new NpgsqlCommand("SET enable_seqscan = off;", connection))
        {
            await off.ExecuteNonQueryAsync();
        }

        string plan = await PostgresSessionSearch.ExplainAsync(connection, SearchQuery.Parse("psiplan OR indexed*"), SessionFilter.All, PaginationOptions.FirstPage);
        foreach ((string _, string field, string table, string _) in PostgresSessionSearch.Fields)
        {
            Assert.Contains($"ix_{table}_search_{field}", plan, StringComparison.Ordinal);
        }

        Assert.Contains("ix_blobs_search_words", plan, StringComparison.Ordinal);
        Assert.DoesNotContain("Seq Scan on tool_calls", plan, StringComparison.Ordinal);
        Assert.DoesNotContain("Seq Scan on blobs", plan, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Issue", "13.3")]
    public async Task A_phrase_in_large_content_is_exact_also_where_its_vector_could_not_keep_every_position()
    {
        Acode.Domain.Entities.Session session = Acode.Domain.Entities.Session.Create("phrases in blobs");
        Acode.Domain.Entities.Step step = session.AddTask("t").AddStep("s");
        Acode.Domain.Entities.ToolCall plain = step.AddToolCall("read", "{}");
        plain.Succeed("kappaone filler " + new string('.', 2000) + " kappatwo kappaone");
        Acode.Domain.Entities.ToolCall log = step.AddToolCall("run_tests", "{}");
        log.Succeed(string.Concat(Enumerable.Range(0, 4000).Select(i => $"line {i} ok\n")) + " lambdaword");
        await Store.SaveAsync(session);
        await PublishAsync();

        Assert.Equal([plain.Id.Value], (await SearchAsync("\"kappatwo kappaone\"")).Items.Select(h => h.EntityId));
        Assert.Empty((await SearchAsync("\"kappaone kappatwo\"")).Items);
        Assert.Equal(1L, await Harness.PgCountAsync("SELECT count(*) FROM blobs WHERE search_lossy"));

        // 4000 'line's: the vector keeps 255 of their positions, so the blob's text decides a phrase there (docs/search.md).
        Assert.Equal([log.Id.Value], (await SearchAsync("\"line 3999 ok\"")).Items.Select(h => h.EntityId));
        Assert.Equal([log.Id.Value], (await SearchAsync("\"ok lambdaword\"")).Items.Select(h => h.EntityId));
        Assert.Empty((await SearchAsync("\"lambdaword line\"")).Items);
        Assert.Empty((await SearchAsync("\"ok 3999 line\"")).Items);
        Assert.Empty((await SearchAsync("\"lambdaword kappaone\"")).Items);
        Assert.Equal([log.Id.Value], (await SearchAsync("lambdaword NOT \"line 4000\"")).Items.Select(h => h.EntityId));
    }

    [Fact]
    [Trait("Issue", "13.3")]
    public async Task A_blob_longer_than_256_KiB_is_searched_by_its_head_even_when_the_cut_splits_a_character()
    {
        // 11 bytes, then 60,000 × (a 4-byte emoji and a space): byte 262,144 falls 3 bytes into an emoji.
        string text = "zetaheadxy " + string.Concat(Enumerable.Repeat("\U0001F600 ", 60_000)) + " zetafar";
        Assert.Equal(11, Encoding.UTF8.GetByteCount(text[..11]));
        Assert.Equal(3, (262_144 - 11) % 5);
        Acode.Domain.Entities.Session session = Acode.Domain.Entities.Session.Create("emoji output");
        Acode.Domain.Entities.ToolCall call = session.AddTask("t").AddStep("s").AddToolCall("print", "{}");
        call.Succeed(text);
        await Store.SaveAsync(session);
        await PublishAsync();

        Assert.Equal([call.Id.Value], (await SearchAsync("zetaheadxy")).Items.Select(h => h.EntityId));
        Assert.Empty((await SearchAsync("zetafar")).Items); // past the first 65,536 characters
    }

    [Fact]
    [Trait("Issue", "13.2")]
    public async Task Hits_name_the_workspace_that_wrote_them()
    {
        await Store.SaveAsync(Acode.Domain.Entities.Session.Create("omegaorigin"));
        await PublishAsync();

        SearchHit hit = Assert.Single((await SearchAsync("omegaorigin")).Items);
        Assert.Equal(Harness.Database.WorkspaceId, hit.Origin);
    }

    [Fact]
    [Trait("Issue", "review25.parallel-unsafe")]
    public async Task The_search_works_when_PostgreSQL_runs_it_in_parallel_mode()
    {
        // A function that opens a subtransaction (a PL/pgSQL EXCEPTION block) fails in parallel mode ("cannot start
        // subtransactions during a parallel operation") unless it is labelled PARALLEL UNSAFE, which keeps the planner
        // from running its query in parallel. force_parallel_mode makes every query PostgreSQL may run in parallel do so,
        // as a large table's scan would.
        Acode.Domain.Entities.Session session = Acode.Domain.Entities.Session.Create("parallel mode");
        Acode.Domain.Entities.ToolCall call = session.AddTask("t").AddStep("s").AddToolCall("bash", "{}");
        call.Succeed("{\"stdout\":\"caf\\u00e9 parallaxword\\ndone\"}");
        Acode.Domain.Entities.Artifact artifact = session.AddArtifact("notes.md", Acode.Domain.Entities.ArtifactKind.Other, "text/markdown", Encoding.UTF8.GetBytes("parallaxword notes"));
        await Store.SaveAsync(session);
        await PublishAsync();

        await using (NpgsqlConnection connection = await _dataSource!.OpenConnectionAsync())
        await using (var force = new NpgsqlCommand("DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET force_parallel_mode = on', current_database()); END $$;", connection))
        {
            await force.ExecuteNonQueryAsync();
        }

        _dataSource.Clear(); // the setting applies to new sessions
        await using (NpgsqlConnection connection = await _dataSource.OpenConnectionAsync())
        await using (var show = new NpgsqlCommand("SHOW force_parallel_mode;", connection))
        {
            Assert.Equal("on", await show.ExecuteScalarAsync());
        }

        Assert.Equal(
            [(artifact.Id.Value, "content"), (call.Id.Value, "result")],
            (await SearchAsync("parallaxword")).Items.Select(h => (h.EntityId, h.Field)).OrderBy(h => h.Item2, StringComparer.Ordinal));
        Assert.Equal([call.Id.Value], (await SearchAsync("café")).Items.Select(h => h.EntityId));
    }

    protected override async Task PublishAsync()
    {
        SyncRunResult result = await Harness.Sync.SyncAsync();
        Assert.False(result.Paused, result.PauseReason);
        Assert.Equal(0, result.Remaining);
    }

    private static async Task<List<string>> ReadAllAsync(NpgsqlCommand command)
    {
        var lines = new List<string>();
        await using NpgsqlDataReader reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            lines.Add(reader.GetString(0));
        }

        return lines;
    }
}
