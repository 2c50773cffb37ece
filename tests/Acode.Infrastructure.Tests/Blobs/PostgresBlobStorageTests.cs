using System.Text;
using Acode.Application.Queries;
using Acode.Application.Search;
using Acode.Domain.Entities;
using Acode.Infrastructure.Blobs;
using Acode.Infrastructure.Migrations;
using Acode.Infrastructure.Postgres;
using Acode.Infrastructure.PostgresStore;
using Acode.Infrastructure.Search;
using Acode.Infrastructure.Tests.Contract;
using Acode.Infrastructure.Tests.Sync;
using Acode.Testing;
using Npgsql;

namespace Acode.Infrastructure.Tests.Blobs;

/// <summary>Issue 13 part 3 in PostgreSQL: each blob sent once by the sync with its search words, mirror documents naming it, swept by housekeeping, migrated from 1.4.0 and 1.5.0.</summary>
[Trait("Issue", "13.3")]
[Collection(PostgresFixture.CollectionName)]
public sealed class PostgresBlobStorageTests(PostgresFixture fixture)
{
    [Fact]
    public async Task Two_workspaces_saving_the_same_large_output_store_one_blob_and_read_it_back_whole()
    {
        string pg = await fixture.CreateDatabaseAsync();
        using SyncHarness a = await SyncHarness.CreateAsync(fixture, connectionString: pg);
        using SyncHarness b = await SyncHarness.CreateAsync(fixture, connectionString: pg);
        string log = RunStateStoreContractTests.AwkwardText(250_000);
        string hash = BlobCodec.Hash(Encoding.UTF8.GetBytes(log));
        var sessions = new List<Session>();
        foreach (SyncHarness h in new[] { a, b })
        {
            Session session = Session.Create("same test log");
            Step step = session.AddTask("t").AddStep("s");
            step.AddToolCall("run_tests", "{}").Succeed(log);
            step.AddToolCall("run_tests", "{}").Succeed(log);
            await h.Store.SaveAsync(session);
            await h.Sync.SyncAsync();
            sessions.Add(session);
        }

        Assert.Equal($"{hash}|br|{Encoding.UTF8.GetByteCount(log)}", Assert.Single(await a.PgRowsAsync("SELECT hash, codec, raw_length FROM blobs")));
        Assert.Equal(4L, await a.PgCountAsync("SELECT count(*) FROM tool_calls WHERE result_blob = $1 AND document->>'resultBlob' = $1 AND length(result) <= 512 AND length(document::text) < 8192", hash));

        await using NpgsqlDataSource dataSource = NpgsqlDataSource.Create(pg);
        var remote = new PostgresRunStateStore(dataSource, "pg_test");
        foreach (Session session in sessions)
        {
            Session loaded = (await remote.GetSessionAsync(session.Id))!;
            Assert.All(loaded.Tasks[0].Steps[0].ToolCalls, c => Assert.Equal(log, c.Result));
        }
    }

    [Fact]
    public async Task The_PostgreSQL_store_writes_blobs_and_housekeeping_sweeps_those_of_deleted_sessions()
    {
        string pg = await fixture.CreateDatabaseAsync();
        await using NpgsqlDataSource dataSource = NpgsqlDataSource.Create(pg);
        await new PostgresMigrator().MigrateAsync(dataSource);
        var store = new PostgresRunStateStore(dataSource, "pg_test");
        string kept = RunStateStoreContractTests.AwkwardText(40_000);
        Session gone = Session.Create("deleted");
        gone.AddTask("t").AddStep("s").AddToolCall("read", "{}").Succeed("only here " + kept);
        gone.AddArtifact("only.bin", ArtifactKind.File, "application/octet-stream", Enumerable.Range(0, 50_000).Select(i => (byte)(i * 7)).ToArray());
        Session stays = Session.Create("kept");
        stays.AddTask("t").AddStep("s").AddToolCall("read", "{}").Succeed(kept);
        await store.SaveAllAsync([gone, stays]);
        Assert.Equal(3L, await CountAsync(dataSource, "SELECT count(*) FROM blobs"));
        Assert.Equal(2L, await CountAsync(dataSource, "SELECT count(*) FROM blobs WHERE search_words @@ to_tsquery('simple', 'astral & combining')"));
        Assert.Equal(1L, await CountAsync(dataSource, "SELECT count(*) FROM blobs WHERE search_words @@ to_tsquery('simple', 'only & here')"));
        Assert.Equal(1L, await CountAsync(dataSource, "SELECT count(*) FROM blobs WHERE search_words = ''::tsvector"));

        Assert.True(await store.DeleteSessionAsync(gone.Id));
        await using (NpgsqlConnection connection = await dataSource.OpenConnectionAsync())
        {
            Assert.Equal(2, await Acode.Infrastructure.Sync.PostgresBlobSweeper.SweepAsync(connection, CancellationToken.None));
        }

        Assert.Equal(BlobCodec.Hash(Encoding.UTF8.GetBytes(kept)), (string)(await ScalarAsync(dataSource, "SELECT hash FROM blobs"))!);
        Assert.Equal(kept, (await store.GetSessionAsync(stays.Id))!.Tasks[0].Steps[0].ToolCalls[0].Result);
    }

    [Fact]
    [Trait("AC", "AC-012")]
    public async Task Migrating_a_1_4_0_database_moves_large_values_into_blobs_and_the_store_reads_them_whole()
    {
        string pg = await fixture.CreateDatabaseAsync();
        await using NpgsqlDataSource dataSource = NpgsqlDataSource.Create(pg);
        await new PostgresMigrator(ShippedSchema.Postgres.Where(m => m.Version < new Version(1, 5, 0)).ToList()).MigrateAsync(dataSource);
        string log = RunStateStoreContractTests.AwkwardText(60_000);
        string arguments = "{\"content\": \"" + new string('w', 9000) + "\"}";
        byte[] content = Encoding.UTF8.GetBytes("+ sigmadiff\n" + RunStateStoreContractTests.AwkwardText(30_000));
        Session session = Session.Create("written by 1.4.0");
        Step step = session.AddTask("t").AddStep("s");
        ToolCall call = step.AddToolCall("read", arguments);
        call.Succeed(log);
        ToolCall small = step.AddToolCall("small", "{\"a\": 1}");
        small.Succeed("small result");
        session.AddArtifact("a.diff", ArtifactKind.Diff, "text/x-diff", content);
        await WriteAs1_4_0Async(dataSource, session);

        await new PostgresMigrator().MigrateAsync(dataSource);

        Assert.Equal(3L, await CountAsync(dataSource, "SELECT count(*) FROM blobs WHERE codec = 'none'"));
        Assert.Equal(1L, await CountAsync(dataSource, "SELECT count(*) FROM tool_calls WHERE result_blob IS NOT NULL AND arguments_blob IS NOT NULL AND document ? 'resultBlob' AND length(result) = 512"));
        Assert.Equal(1L, await CountAsync(dataSource, "SELECT count(*) FROM tool_calls WHERE result = 'small result' AND result_blob IS NULL AND NOT document ? 'resultBlob'"));
        Assert.Equal(1L, await CountAsync(dataSource, "SELECT count(*) FROM artifacts WHERE length(content) = 512 AND content_blob IS NOT NULL"));
        Assert.Equal(1L, await CountAsync(dataSource, "SELECT count(*) FROM artifacts WHERE to_tsvector('simple', acode_search_words(acode_search_text(kind, media_type, content))) @@ to_tsquery('simple', 'sigmadiff')"));

        Session loaded = (await new PostgresRunStateStore(dataSource, "pg_test").GetSessionAsync(session.Id))!;
        Assert.Equal(log, loaded.FindToolCall(call.Id)!.Result);
        Assert.Equal(arguments, loaded.FindToolCall(call.Id)!.ArgumentsJson);
        Assert.Equal("small result", loaded.FindToolCall(small.Id)!.Result);
        Assert.Equal(content, loaded.Artifacts[0].Content!.Value.ToArray());
    }

    [Fact]
    public async Task A_blob_PostgreSQL_already_holds_is_not_sent_or_indexed_again_and_a_new_one_arrives_with_its_words()
    {
        string pg = await fixture.CreateDatabaseAsync();
        using SyncHarness a = await SyncHarness.CreateAsync(fixture, connectionString: pg);
        using SyncHarness b = await SyncHarness.CreateAsync(fixture, connectionString: pg);
        string log = "muhead \0 " + RunStateStoreContractTests.AwkwardText(30_000) + " mutail";
        string hash = BlobCodec.Hash(Encoding.UTF8.GetBytes(log));
        Session first = Session.Create("first reader");
        first.AddTask("t").AddStep("s").AddToolCall("read", "{}").Succeed(log);
        await a.Store.SaveAsync(first);
        await a.Sync.SyncAsync();
        Assert.Equal(1L, await a.PgCountAsync("SELECT count(*) FROM blobs WHERE hash = $1 AND search_words @@ to_tsquery('simple', 'muhead & mutail')", hash));

        // A second upload of the same blob would replace this marker; a new blob gets its words on insert.
        await a.PgCountAsync("WITH u AS (UPDATE blobs SET search_words = to_tsvector('simple', 'untouched') RETURNING 1) SELECT count(*) FROM u");
        Session second = Session.Create("second reader");
        Step step = second.AddTask("t").AddStep("s");
        step.AddToolCall("read", "{}").Succeed(log);
        step.AddToolCall("read", "{}").Succeed("nuother " + new string('n', 3000) + " nutail");
        await b.Store.SaveAsync(second);
        await b.Sync.SyncAsync();

        Assert.Equal(1L, await b.PgCountAsync("SELECT count(*) FROM blobs WHERE hash = $1 AND search_words = to_tsvector('simple', 'untouched')", hash));
        Assert.Equal(1L, await b.PgCountAsync("SELECT count(*) FROM blobs WHERE search_words @@ to_tsquery('simple', 'nuother & nutail')"));
        Assert.Equal(2L, await b.PgCountAsync("SELECT count(*) FROM blobs"));
    }

    [Fact]
    [Trait("AC", "AC-012")]
    public async Task Migrating_a_1_5_0_database_indexes_the_words_of_its_blobs_of_either_codec()
    {
        string pg = await fixture.CreateDatabaseAsync();
        await using NpgsqlDataSource dataSource = NpgsqlDataSource.Create(pg);
        await new PostgresMigrator(ShippedSchema.Postgres.Where(m => m.Version < new Version(1, 5, 0)).ToList()).MigrateAsync(dataSource);
        string moved = "kappahead " + RunStateStoreContractTests.AwkwardText(20_000) + " kappatail";
        string packed = "lambdahead " + string.Concat(Enumerable.Range(0, 3000).Select(i => $"line {i} ok\n")) + " lambdatail";
        byte[] binary = [.. Encoding.UTF8.GetBytes("thetabinary "), .. Enumerable.Range(0, 5000).Select(i => (byte)(0x80 + (i % 0x7F)))];
        Session session = Session.Create("written by 1.5.0");
        Step step = session.AddTask("t").AddStep("s");
        ToolCall first = step.AddToolCall("read", "{}");
        first.Succeed(moved);
        ToolCall second = step.AddToolCall("run_tests", "{}");
        second.Succeed(packed);
        session.AddArtifact("data.bin", ArtifactKind.File, "application/octet-stream", binary);
        session.AddArtifact("data.log", ArtifactKind.Log, "text/plain", binary);
        await WriteAs1_4_0Async(dataSource, session);
        await new PostgresMigrator(ShippedSchema.Postgres.Where(m => m.Version < new Version(1, 6, 0)).ToList()).MigrateAsync(dataSource);

        // The 1.5.0 migration moved the values as 'none'; the sync and the PostgreSQL store of 1.5.0 wrote Brotli.
        byte[] packedBytes = Encoding.UTF8.GetBytes(packed);
        (string codec, byte[] compressed) = BlobCodec.Compress(packedBytes);
        Assert.Equal(BlobCodec.Brotli, codec);
        await using (NpgsqlCommand brotli = dataSource.CreateCommand("UPDATE blobs SET codec = 'br', content = $1 WHERE hash = $2 AND codec = 'none';"))
        {
            brotli.Parameters.AddWithValue(compressed);
            brotli.Parameters.AddWithValue(BlobCodec.Hash(packedBytes));
            Assert.Equal(1, await brotli.ExecuteNonQueryAsync());
        }

        Assert.Equal(["br", "none", "none"], (await StringsAsync(dataSource, "SELECT codec FROM blobs ORDER BY codec")).ToArray());

        // A damaged blob ('acode db check' reports it) is left unsearchable rather than failing the migration.
        await using (NpgsqlCommand damaged = dataSource.CreateCommand("INSERT INTO blobs (hash, codec, raw_length, content) VALUES (repeat('d', 64), 'br', 5000, '\\x0102');"))
        {
            await damaged.ExecuteNonQueryAsync();
        }

        await new PostgresMigrator().MigrateAsync(dataSource);

        Assert.Equal(0L, await CountAsync(dataSource, "SELECT count(*) FROM blobs WHERE search_words IS NULL"));
        Assert.Equal(2L, await CountAsync(dataSource, $"SELECT count(*) FROM blobs WHERE search_words = ''::tsvector AND hash IN ('{BlobCodec.Hash(binary)}', repeat('d', 64))"));
        var search = new PostgresSessionSearch(dataSource);
        async Task<string[]> HitsAsync(string text) => [.. (await search.SearchAsync(SearchQuery.Parse(text), SessionFilter.All, PaginationOptions.FirstPage)).Items.Select(h => $"{h.EntityId}.{h.Field}")];
        Assert.Equal([$"{first.Id.Value}.result"], await HitsAsync("kappatail"));
        Assert.Equal([$"{first.Id.Value}.result"], await HitsAsync("kappahead"));
        Assert.Equal([$"{second.Id.Value}.result"], await HitsAsync("lambdatail"));
        Assert.Equal([$"{second.Id.Value}.result"], await HitsAsync("\"line 2999 ok\""));
        Assert.Empty(await HitsAsync("thetabinary"));
        Assert.Equal(["1.6.0"], await StringsAsync(dataSource, "SELECT version FROM schema_version WHERE version = '1.6.0'"));
    }

    [Fact]
    [Trait("Issue", "search-escapes")]
    public async Task Migrating_a_1_11_0_database_indexes_the_words_after_a_JSON_escape_in_arguments_and_their_blobs()
    {
        string pg = await fixture.CreateDatabaseAsync();
        await using NpgsqlDataSource dataSource = NpgsqlDataSource.Create(pg);
        await new PostgresMigrator(ShippedSchema.Postgres.Where(m => m.Version < new Version(1, 12, 0)).ToList()).MigrateAsync(dataSource);
        Session session = Session.Create("written by 1.11.0");
        Step step = session.AddTask("t").AddStep("s");
        ToolCall call = step.AddToolCall("shell", """{"command":"set -e\nmake deploy\tnow","path":"C:\\new"}""");
        string largeArguments = $$"""{"content":"{{string.Concat(Enumerable.Repeat("filler ", 400))}}\nblobmake\tblobnow"}""";
        ToolCall large = step.AddToolCall("write", largeArguments);
        string log = "C:\\newlog " + string.Concat(Enumerable.Repeat("filler ", 400)); // plain text, not JSON: kept as it is
        ToolCall read = step.AddToolCall("read", "{}");
        read.Succeed(log);
        await WriteAs1_4_0Async(dataSource, session);

        // The blobs as a 1.11.0 program wrote them: their words from their text with its escapes.
        foreach ((ToolCall owner, string column, string text) in new[] { (large, "arguments", largeArguments), (read, "result", log) })
        {
            byte[] raw = Encoding.UTF8.GetBytes(text);
            await using NpgsqlCommand blob = dataSource.CreateCommand($"""
                WITH b AS (INSERT INTO blobs (hash, codec, raw_length, content, search_words) VALUES ($1, 'none', $2, $3, to_tsvector('simple', acode_search_words($4))) RETURNING hash)
                UPDATE tool_calls SET {column}_blob = (SELECT hash FROM b), {column} = {(column == "arguments" ? "to_jsonb(left($4, 512))" : "left($4, 512)")} WHERE id = $5;
                """);
            blob.Parameters.AddWithValue(BlobCodec.Hash(raw));
            blob.Parameters.AddWithValue((long)raw.Length);
            blob.Parameters.AddWithValue(raw);
            blob.Parameters.AddWithValue(text);
            blob.Parameters.AddWithValue(owner.Id.Value);
            await blob.ExecuteNonQueryAsync();
        }

        // Before: the escape's letter glued to the next word, in the row's index and in the blob's words.
        Assert.Equal(1L, await CountAsync(dataSource, "SELECT count(*) FROM tool_calls WHERE to_tsvector('simple', acode_search_words(arguments::text)) @@ to_tsquery('simple', 'nmake') AND arguments_blob IS NULL"));
        Assert.Equal(1L, await CountAsync(dataSource, "SELECT count(*) FROM blobs WHERE search_words @@ to_tsquery('simple', 'nblobmake')"));

        await new PostgresMigrator().MigrateAsync(dataSource);

        var search = new PostgresSessionSearch(dataSource);
        async Task<string[]> HitsAsync(string text) => [.. (await search.SearchAsync(SearchQuery.Parse(text), SessionFilter.All, PaginationOptions.FirstPage)).Items.Select(h => $"{h.EntityId}.{h.Field}")];

        Assert.Equal([$"{call.Id.Value}.arguments"], await HitsAsync("make"));
        Assert.Equal([$"{call.Id.Value}.arguments"], await HitsAsync("now"));
        Assert.Equal([$"{call.Id.Value}.arguments"], await HitsAsync("new"));
        Assert.Equal([$"{large.Id.Value}.arguments"], await HitsAsync("blobmake"));
        Assert.Equal([$"{large.Id.Value}.arguments"], await HitsAsync("blobnow"));
        Assert.Equal([$"{read.Id.Value}.result"], await HitsAsync("newlog"));
        Assert.Empty(await HitsAsync("nmake"));
        Assert.Empty(await HitsAsync("nblobmake"));
        Assert.Equal(1L, await CountAsync(dataSource, $"SELECT count(*) FROM blobs WHERE hash = '{BlobCodec.Hash(Encoding.UTF8.GetBytes(log))}' AND search_words = to_tsvector('simple', acode_search_words('{log}'))"));
        Assert.Equal(["1.12.0"], await StringsAsync(dataSource, "SELECT version FROM schema_version WHERE version = '1.12.0'"));
    }

    [Fact]
    [Trait("Issue", "search-uescapes")]
    public async Task Migrating_a_1_12_0_database_decodes_the_JSON_escapes_of_its_fields_in_rows_and_blobs()
    {
        string pg = await fixture.CreateDatabaseAsync();
        await using NpgsqlDataSource dataSource = NpgsqlDataSource.Create(pg);
        await new PostgresMigrator(ShippedSchema.Postgres.Where(m => m.Version < new Version(1, 13, 0)).ToList()).MigrateAsync(dataSource);
        Session session = Session.Create("written by 1.12.0");
        Step step = session.AddTask("task").AddStep("step");
        ToolCall arguments = step.AddToolCall("shell", """{"text":"caf\u00e9 ouvert","ctl":"x\u001bctlword"}""");
        ToolCall result = step.AddToolCall("shell", "{}");
        result.Start();
        result.Succeed("""{"stdout":"set -e\nresmake gr\u00fc\u00dfe left\ud800right \ud83d\ude00 smile"}""");
        ToolCall error = step.AddToolCall("shell", "{}");
        error.Start();
        error.Fail("""{"message":"exit 2\nerrword"}""");
        ToolCall plain = step.AddToolCall("read", "{}");
        plain.Start();
        plain.Succeed(@"dir C:\newdir\bindir caf\u00e9plain");
        Artifact artifact = session.AddArtifact("out.json", ArtifactKind.Other, "application/json", Encoding.UTF8.GetBytes("""{"c":"x\nartword"}"""));
        string largeResult = $$"""{"content":"{{string.Concat(Enumerable.Repeat("filler ", 400))}}blob\u00e9t\u00e9\nblobmake"}""";
        string log = "C:\\newlog caf\\u00e9log " + string.Concat(Enumerable.Repeat("filler ", 400)); // plain text, not JSON: kept as it is
        ToolCall large = step.AddToolCall("read", "{}");
        ToolCall read = step.AddToolCall("read", "{}");
        await WriteAs1_4_0Async(dataSource, session);

        // The blobs as a 1.12.0 program wrote them: their words from their text with its \u escapes.
        foreach ((ToolCall owner, string text) in new[] { (large, largeResult), (read, log) })
        {
            byte[] raw = Encoding.UTF8.GetBytes(text);
            await using NpgsqlCommand blob = dataSource.CreateCommand("""
                WITH b AS (INSERT INTO blobs (hash, codec, raw_length, content, search_words) VALUES ($1, 'none', $2, $3, to_tsvector('simple', acode_search_words($4))) RETURNING hash)
                UPDATE tool_calls SET result_blob = (SELECT hash FROM b), result = left($4, 512) WHERE id = $5;
                """);
            blob.Parameters.AddWithValue(BlobCodec.Hash(raw));
            blob.Parameters.AddWithValue((long)raw.Length);
            blob.Parameters.AddWithValue(raw);
            blob.Parameters.AddWithValue(text);
            blob.Parameters.AddWithValue(owner.Id.Value);
            await blob.ExecuteNonQueryAsync();
        }

        var search = new PostgresSessionSearch(dataSource);
        async Task<string[]> HitsAsync(string text) => [.. (await search.SearchAsync(SearchQuery.Parse(text), SessionFilter.All, PaginationOptions.FirstPage)).Items.Select(h => $"{h.EntityId}.{h.Field}")];

        // Before: \u escapes and the letters after \n glued to the words.
        Assert.Equal(1L, await CountAsync(dataSource, "SELECT count(*) FROM tool_calls WHERE to_tsvector('simple', acode_search_words(result)) @@ to_tsquery('simple', 'nresmake') AND result_blob IS NULL"));
        Assert.Equal(1L, await CountAsync(dataSource, "SELECT count(*) FROM tool_calls WHERE to_tsvector('simple', acode_argument_words(arguments)) @@ to_tsquery('simple', 'u001bctlword') AND arguments_blob IS NULL"));
        Assert.Equal(1L, await CountAsync(dataSource, "SELECT count(*) FROM blobs WHERE search_words @@ to_tsquery('simple', 'u00e9t')"));

        await new PostgresMigrator().MigrateAsync(dataSource);

        foreach ((string word, string hit) in new[]
        {
            ("café", $"{arguments.Id.Value}.arguments"), ("ouvert", $"{arguments.Id.Value}.arguments"), ("ctlword", $"{arguments.Id.Value}.arguments"),
            ("resmake", $"{result.Id.Value}.result"), ("grüße", $"{result.Id.Value}.result"), ("left", $"{result.Id.Value}.result"),
            ("right", $"{result.Id.Value}.result"), ("smile", $"{result.Id.Value}.result"),
            ("errword", $"{error.Id.Value}.error"), ("artword", $"{artifact.Id.Value}.content"),
            ("newdir", $"{plain.Id.Value}.result"), ("bindir", $"{plain.Id.Value}.result"), ("u00e9plain", $"{plain.Id.Value}.result"),
            ("blobété", $"{large.Id.Value}.result"), ("blobmake", $"{large.Id.Value}.result"),
            ("newlog", $"{read.Id.Value}.result"), ("u00e9log", $"{read.Id.Value}.result"),
        })
        {
            Assert.Equal([hit], await HitsAsync(word));
        }

        foreach (string glued in new[] { "u00e9", "u001bctlword", "nresmake", "nerrword", "nartword", "nblobmake", "u00e9t" })
        {
            Assert.Empty(await HitsAsync(glued));
        }

        Assert.Equal(1L, await CountAsync(dataSource, $"SELECT count(*) FROM blobs WHERE hash = '{BlobCodec.Hash(Encoding.UTF8.GetBytes(log))}' AND search_words = to_tsvector('simple', acode_search_words('{log}'))"));
        Assert.Equal(["1.13.0"], await StringsAsync(dataSource, "SELECT version FROM schema_version WHERE version = '1.13.0'"));
    }

    /// <summary>Writes the session as a 1.4.0 program did: whole values in the columns and in document, no blob columns.</summary>
    private static async Task WriteAs1_4_0Async(NpgsqlDataSource dataSource, Session session)
    {
        foreach (Acode.Application.Serialization.EntityDocument document in session.PendingChanges.Select(e => Acode.Application.Serialization.EntityDocuments.From(e, 1, e.UpdatedAt)))
        {
            string json = Acode.Application.Serialization.EntityJson.Serialize(document);
            (string table, string columns, string values) = document switch
            {
                Acode.Application.Serialization.SessionDocument => ("sessions", "id, title, state", "d->>'id', d->>'title', d->>'state'"),
                Acode.Application.Serialization.SessionTaskDocument => ("session_tasks", "id, session_id, ordinal, title, state", "d->>'id', d->>'sessionId', (d->>'ordinal')::bigint, d->>'title', d->>'state'"),
                Acode.Application.Serialization.StepDocument => ("steps", "id, session_id, task_id, ordinal, title, state", "d->>'id', d->>'sessionId', d->>'taskId', (d->>'ordinal')::bigint, d->>'title', d->>'state'"),
                Acode.Application.Serialization.ToolCallDocument => ("tool_calls", "id, session_id, step_id, tool_name, arguments, status, result, error", "d->>'id', d->>'sessionId', d->>'stepId', d->>'toolName', (d->>'arguments')::jsonb, d->>'status', d->>'result', d->>'error'"),
                Acode.Application.Serialization.ArtifactDocument => ("artifacts", "id, session_id, name, kind, media_type, size, content_hash, content", "d->>'id', d->>'sessionId', d->>'name', d->>'kind', d->>'mediaType', (d->>'size')::bigint, d->>'contentHash', decode(d->>'content', 'base64')"),
                _ => ("session_events", "id, session_id, sequence, type, payload", "d->>'id', d->>'sessionId', (d->>'sequence')::bigint, d->>'type', (d->>'payload')::jsonb"),
            };
            await using var command = new NpgsqlCommand($"INSERT INTO {table} ({columns}, version, created_at, updated_at, hlc, origin, document) SELECT {values}, 1, now(), now(), 1, 'ws_old', d FROM (SELECT $1::jsonb AS d) x;", await dataSource.OpenConnectionAsync());
            command.Parameters.AddWithValue(NpgsqlTypes.NpgsqlDbType.Jsonb, json);
            await command.ExecuteNonQueryAsync();
            await command.Connection!.DisposeAsync();
        }
    }

    private static async Task<List<string>> StringsAsync(NpgsqlDataSource dataSource, string sql)
    {
        await using NpgsqlCommand command = dataSource.CreateCommand(sql);
        await using NpgsqlDataReader reader = await command.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync())
        {
            rows.Add(reader.GetString(0));
        }

        return rows;
    }

    private static async Task<long> CountAsync(NpgsqlDataSource dataSource, string sql) => Convert.ToInt64(await ScalarAsync(dataSource, sql), System.Globalization.CultureInfo.InvariantCulture);

    private static async Task<object?> ScalarAsync(NpgsqlDataSource dataSource, string sql)
    {
        await using NpgsqlCommand command = dataSource.CreateCommand(sql);
        return await command.ExecuteScalarAsync();
    }
}
