using System.Text;
using Acode.Application.Options;
using Acode.Application.Serialization;
using Acode.Domain.Entities;
using Acode.Infrastructure.Blobs;
using Acode.Infrastructure.Migrations;
using Acode.Infrastructure.Sqlite;
using Acode.Infrastructure.Tests.Contract;
using Acode.Infrastructure.Tests.Support;
using Acode.Testing;

namespace Acode.Infrastructure.Tests.Blobs;

/// <summary>Issue 13 part 3 in the workspace database: large content stored once, compressed, named by hash; swept when unnamed; migrated from 1.4.0.</summary>
[Trait("Issue", "13.3")]
public sealed class SqliteBlobStorageTests : IDisposable
{
    private const string Ts = "2026-01-01T00:00:00.0000000Z";

    private readonly TempWorkspace _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task A_result_read_three_times_is_stored_once_compressed_and_rows_and_payloads_name_it()
    {
        string file = RunStateStoreContractTests.AwkwardText(200_000);
        using SqliteWorkspaceDatabase db = _temp.Open();
        var store = new SqliteRunStateStore(db);
        Session session = Session.Create("three reads");
        Step step = session.AddTask("t").AddStep("s");
        for (int i = 0; i < 3; i++)
        {
            step.AddToolCall("read_file", "{\"path\":\"big.txt\"}").Succeed(file);
        }

        await store.SaveAsync(session);

        var blob = SqliteProbe.Rows(_temp.DatabasePath, "SELECT hash, codec, raw_length, length(content) AS stored FROM blobs;").Single();
        Assert.Equal(BlobCodec.Hash(Encoding.UTF8.GetBytes(file)), blob["hash"]);
        Assert.Equal("br", blob["codec"]);
        Assert.Equal((long)Encoding.UTF8.GetByteCount(file), blob["raw_length"]);
        Assert.True((long)blob["stored"]! < file.Length / 4, $"stored {blob["stored"]} bytes for {file.Length}");
        Assert.Equal(3L, SqliteProbe.Count(_temp.DatabasePath, "SELECT count(*) FROM tool_calls WHERE result_blob = $h AND result = $p;", ("$h", blob["hash"]), ("$p", DocumentBlobs.Prefix(file))));
        foreach (var row in SqliteProbe.Rows(_temp.DatabasePath, $"{SqliteProbe.OutboxRecordsSql} WHERE o.entity_type = 'ToolCall';"))
        {
            var payload = (ToolCallDocument)EntityJson.Deserialize((string)row["payload"]!);
            Assert.Equal(blob["hash"], payload.ResultBlob);
            Assert.Equal(DocumentBlobs.Prefix(file), payload.Result);
        }
    }

    [Fact]
    public async Task Content_at_or_below_the_threshold_stays_in_the_row_and_the_threshold_is_a_setting()
    {
        using SqliteWorkspaceDatabase db = _temp.Open();
        Session session = Session.Create("small");
        Step step = session.AddTask("t").AddStep("s");
        ToolCall exact = step.AddToolCall("a", "{}");
        exact.Succeed(new string('é', 512)); // 1024 bytes: not above 1 KiB
        ToolCall over = step.AddToolCall("b", "{}");
        over.Succeed(new string('é', 512) + "!");
        await new SqliteRunStateStore(db).SaveAsync(session);

        Assert.Equal([exact.Id.Value], SqliteProbe.Rows(_temp.DatabasePath, "SELECT id FROM tool_calls WHERE result_blob IS NULL;").Select(r => (string)r["id"]!));
        Assert.Equal(1L, SqliteProbe.Count(_temp.DatabasePath, "SELECT count(*) FROM blobs;"));

        Session other = Session.Create("threshold 256");
        other.AddTask("t").AddStep("s").AddToolCall("c", "{}").Succeed(new string('z', 300));
        await new SqliteRunStateStore(db, blobThresholdBytes: 256).SaveAsync(other);
        Assert.Equal(2L, SqliteProbe.Count(_temp.DatabasePath, "SELECT count(*) FROM blobs;"));
        Assert.Equal(StoreOptions.DefaultBlobThresholdBytes, DocumentBlobs.DefaultThresholdBytes);
    }

    [Fact]
    public async Task Deleting_a_session_removes_the_blobs_only_it_named_once_its_delivered_records_are_pruned_and_keeps_shared_ones()
    {
        using SqliteWorkspaceDatabase db = _temp.Open();
        var store = new SqliteRunStateStore(db);
        string shared = RunStateStoreContractTests.AwkwardText(30_000);
        Session first = Session.Create("first");
        Step step = first.AddTask("t").AddStep("s");
        step.AddToolCall("read", "{}").Succeed(shared);
        step.AddToolCall("read", "{}").Succeed("only in the first " + shared);
        first.AddArtifact("only.log", ArtifactKind.Log, "text/plain", Encoding.UTF8.GetBytes("artifact only in the first " + shared));
        Session second = Session.Create("second");
        second.AddTask("t").AddStep("s").AddToolCall("read", "{}").Succeed(shared);
        await store.SaveAllAsync([first, second]);
        Assert.Equal(3L, SqliteProbe.Count(_temp.DatabasePath, "SELECT count(*) FROM blobs;"));
        await new SqliteOutbox(db).ClaimAsync("test", 1000, TimeSpan.FromMinutes(1)).ContinueWith(async t => await new SqliteOutbox(db).AcknowledgeAsync("test", t.Result.Select(r => r.Id).ToArray())).Unwrap();

        Assert.True(await store.DeleteSessionAsync(first.Id));

        // Its delivered records are retained (for 'acode db sync retry --processed') and keep their blobs until the outbox retention prunes them.
        Assert.Equal(3L, SqliteProbe.Count(_temp.DatabasePath, "SELECT count(*) FROM blobs;"));
        await new SqliteOutbox(db).PruneProcessedAsync(TimeSpan.Zero);
        Assert.Equal([BlobCodec.Hash(Encoding.UTF8.GetBytes(shared))], SqliteProbe.Rows(_temp.DatabasePath, "SELECT hash FROM blobs;").Select(r => (string)r["hash"]!));
        Assert.Equal(shared, (await store.GetSessionAsync(second.Id))!.Tasks[0].Steps[0].ToolCalls[0].Result);
    }

    [Fact]
    public async Task A_blob_named_by_an_undelivered_outbox_record_outlives_its_deleted_session_until_delivered()
    {
        using SqliteWorkspaceDatabase db = _temp.Open();
        var store = new SqliteRunStateStore(db);
        Session session = Session.Create("deleted before sync");
        session.AddTask("t").AddStep("s").AddToolCall("read", "{}").Succeed(RunStateStoreContractTests.AwkwardText(30_000));
        await store.SaveAsync(session);

        Assert.True(await store.DeleteSessionAsync(session.Id));

        // The sync still sends the tool call's upsert before the tombstone: its blob must still be there to send.
        Assert.Equal(1L, SqliteProbe.Count(_temp.DatabasePath, "SELECT count(*) FROM blobs;"));
    }

    [Fact]
    public async Task Secrets_are_replaced_before_the_content_is_hashed_and_stored()
    {
        using SqliteWorkspaceDatabase db = _temp.Open();
        string key = "AKIA" + "Z7QHXKJ4M2PLWN5R";
        Session session = Session.Create("secret in a large result");
        ToolCall call = session.AddTask("t").AddStep("s").AddToolCall("env", "{}");
        call.Succeed(RunStateStoreContractTests.AwkwardText(20_000) + " aws_access_key_id=" + key + " " + RunStateStoreContractTests.AwkwardText(5_000));
        await new SqliteRunStateStore(db).SaveAsync(session);

        var blob = SqliteProbe.Rows(_temp.DatabasePath, "SELECT codec, raw_length, content FROM blobs;").Single();
        string stored = Encoding.UTF8.GetString(BlobCodec.Decompress((string)blob["codec"]!, (byte[])blob["content"]!, (long)blob["raw_length"]!));
        Assert.DoesNotContain(key, stored, StringComparison.Ordinal);
        Assert.Contains("[REDACTED:", stored, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("AC", "AC-012")]
    public async Task Migrating_a_1_4_0_workspace_moves_its_large_values_into_blobs_and_reads_them_back_whole()
    {
        string large = RunStateStoreContractTests.AwkwardText(100_000) + "\0 nul inside";
        string largeArguments = "{\"content\":\"" + new string('q', 9000) + "\"}";
        byte[] artifact = Encoding.UTF8.GetBytes("+ upsilondiff\n" + RunStateStoreContractTests.AwkwardText(20_000));
        string tc1 = Acode.Domain.Ids.ToolCallId.New().Value, tc2 = Acode.Domain.Ids.ToolCallId.New().Value, tc3 = Acode.Domain.Ids.ToolCallId.New().Value, art = Acode.Domain.Ids.ArtifactId.New().Value;
        (string sess, string step) = CreateStepAt140();

        SqliteProbe.Execute(_temp.DatabasePath, $"""
            INSERT INTO tool_calls VALUES ('{tc1}', '{sess}', '{step}', 'read', $args, 'Succeeded', CAST($large AS TEXT), NULL, NULL, NULL, NULL, 1, '{Ts}', '{Ts}');
            INSERT INTO tool_calls VALUES ('{tc2}', '{sess}', '{step}', 'read', $empty, 'Succeeded', CAST($large AS TEXT), NULL, NULL, NULL, NULL, 1, '{Ts}', '{Ts}');
            INSERT INTO tool_calls VALUES ('{tc3}', '{sess}', '{step}', 'small', $empty, 'Succeeded', 'small result', NULL, NULL, NULL, NULL, 1, '{Ts}', '{Ts}');
            INSERT INTO artifacts VALUES ('{art}', '{sess}', '{step}', '{tc1}', 'a.diff', 'Diff', 'text/x-diff', $size, 'h', $artifact, 1, '{Ts}', '{Ts}');
            """, ("$args", largeArguments), ("$large", Encoding.UTF8.GetBytes(large)), ("$artifact", artifact), ("$size", (long)artifact.Length), ("$empty", "{}"));

        using SqliteWorkspaceDatabase migrated = _temp.Open();

        Assert.Equal(ShippedSchema.Latest, migrated.GetMigrationStatus().CurrentText);

        // All of 1.5.0 ran, not only its first statements: the schema is the one a new workspace gets, partial indexes included.
        const string Schema = "SELECT type || ' ' || name || ' ' || ifnull(sql, '') AS s FROM sqlite_schema ORDER BY name;";
        using (var fresh = new TempWorkspace())
        {
            fresh.Open().Dispose();
            Assert.Equal(SqliteProbe.Rows(fresh.DatabasePath, Schema).Select(r => r["s"]), SqliteProbe.Rows(_temp.DatabasePath, Schema).Select(r => r["s"]));
        }

        Assert.Equal(["ix_artifacts_content_blob", "ix_tool_calls_arguments_blob", "ix_tool_calls_result_blob"],
            SqliteProbe.Rows(_temp.DatabasePath, "SELECT name FROM sqlite_schema WHERE type = 'index' AND name LIKE '%\\_blob' ESCAPE '\\' AND sql LIKE '%WHERE % IS NOT NULL' ORDER BY name;").Select(r => (string)r["name"]!));
        Assert.Equal(
            new[] { BlobCodec.Hash(Encoding.UTF8.GetBytes(large)), BlobCodec.Hash(Encoding.UTF8.GetBytes(largeArguments)), BlobCodec.Hash(artifact) }.Order(StringComparer.Ordinal),
            SqliteProbe.Rows(_temp.DatabasePath, "SELECT hash FROM blobs ORDER BY hash;").Select(r => (string)r["hash"]!));
        Assert.Equal(1L, SqliteProbe.Count(_temp.DatabasePath, "SELECT count(*) FROM tool_calls WHERE id = $id AND arguments_blob = $h AND arguments = $p;",
            ("$id", tc1), ("$h", BlobCodec.Hash(Encoding.UTF8.GetBytes(largeArguments))), ("$p", DocumentBlobs.Prefix(largeArguments))));
        Assert.Equal(2L, SqliteProbe.Count(_temp.DatabasePath, "SELECT count(*) FROM tool_calls WHERE result_blob = $h AND result = $p;", ("$h", BlobCodec.Hash(Encoding.UTF8.GetBytes(large))), ("$p", DocumentBlobs.Prefix(large))));
        Assert.Equal("small result", SqliteProbe.Scalar(_temp.DatabasePath, "SELECT result FROM tool_calls WHERE id = $id AND result_blob IS NULL;", ("$id", tc3)));
        Assert.Equal(1L, SqliteProbe.Count(_temp.DatabasePath, "SELECT count(*) FROM artifacts WHERE content_blob IS NOT NULL AND length(content) BETWEEN 509 AND 512;"));
        Assert.Equal(0L, SqliteProbe.Count(_temp.DatabasePath, "SELECT count(*) FROM search_entries WHERE length(text) > 512;"));
        // 1.6.0: the moved values are searched through their blobs, the rows' kept prefixes are not indexed a second time.
        Assert.Equal(0L, SqliteProbe.Count(_temp.DatabasePath, "SELECT count(*) FROM search_index WHERE search_index MATCH 'upsilondiff';"));
        Assert.Equal(1L, SqliteProbe.Count(_temp.DatabasePath, "SELECT count(*) FROM blob_search_index WHERE blob_search_index MATCH 'upsilondiff';"));
        Assert.Equal(3L, SqliteProbe.Count(_temp.DatabasePath, "SELECT count(*) FROM blob_search_entries e JOIN blobs b ON b.hash = e.hash;"));

        Session loaded = (await new SqliteRunStateStore(migrated).GetSessionAsync(Acode.Domain.Ids.SessionId.Parse(sess)))!;
        Assert.Equal(large, loaded.FindToolCall(Acode.Domain.Ids.ToolCallId.Parse(tc1))!.Result);
        Assert.Equal(largeArguments, loaded.FindToolCall(Acode.Domain.Ids.ToolCallId.Parse(tc1))!.ArgumentsJson);
        Assert.Equal(large, loaded.FindToolCall(Acode.Domain.Ids.ToolCallId.Parse(tc2))!.Result);
        Assert.Equal(artifact, loaded.Artifacts[0].Content!.Value.ToArray());
    }

    [Fact]
    [Trait("AC", "AC-012")]
    [Trait("Issue", "13.3")]
    public async Task Migrating_a_1_5_0_workspace_indexes_its_blobs_whole_and_drops_the_prefix_entries()
    {
        string log = "phiopening line\n" + string.Concat(Enumerable.Range(0, 3000).Select(i => $"step {i} passed\n")) + "chiclosing line";
        byte[] binary = [0xFF, 0xFE, .. Encoding.UTF8.GetBytes("psibinary " + new string('z', 4000))];
        string tc = Acode.Domain.Ids.ToolCallId.New().Value, art = Acode.Domain.Ids.ArtifactId.New().Value;
        List<Migration> upTo150 = ShippedSchema.Sqlite.Where(m => m.Version < new Version(1, 6, 0)).ToList();
        (string sess, string step) = CreateStepAt140();

        SqliteProbe.Execute(_temp.DatabasePath, $"""
            INSERT INTO tool_calls VALUES ('{tc}', '{sess}', '{step}', 'run_tests', $empty, 'Succeeded', $log, NULL, NULL, NULL, NULL, 1, '{Ts}', '{Ts}');
            INSERT INTO artifacts VALUES ('{art}', '{sess}', '{step}', '{tc}', 'a.bin', 'Log', 'text/plain', $size, 'h', $binary, 1, '{Ts}', '{Ts}');
            """, ("$log", log), ("$binary", binary), ("$size", (long)binary.Length), ("$empty", "{}"));
        using (SqliteWorkspaceDatabase at150 = _temp.Open(migrations: upTo150))
        {
            Assert.Equal("1.5.0", at150.GetMigrationStatus().CurrentText);
        }

        // At 1.5.0 the result's row kept its first 512 characters, and the search indexed only those.
        Assert.Equal(1L, SqliteProbe.Count(_temp.DatabasePath, "SELECT count(*) FROM search_entries WHERE entity_id = $id AND field = 'result';", ("$id", tc)));

        using SqliteWorkspaceDatabase migrated = _temp.Open();
        Assert.Equal(ShippedSchema.Latest, migrated.GetMigrationStatus().CurrentText);
        Assert.Equal(0L, SqliteProbe.Count(_temp.DatabasePath, "SELECT count(*) FROM search_entries WHERE entity_id IN ($tc, $art) AND field IN ('result', 'content');", ("$tc", tc), ("$art", art)));
        Assert.Equal(1L, SqliteProbe.Count(_temp.DatabasePath, "SELECT count(*) FROM blob_search_entries;")); // the log; the artifact's bytes are not UTF-8
        var search = new Acode.Infrastructure.Search.SqliteSessionSearch(migrated);
        foreach (string word in new[] { "phiopening", "chiclosing", "\"step 2999 passed\"" })
        {
            var hit = Assert.Single((await search.SearchAsync(Acode.Application.Search.SearchQuery.Parse(word), Acode.Application.Queries.SessionFilter.All, new Acode.Application.Queries.PaginationOptions())).Items);
            Assert.Equal((tc, "result"), (hit.EntityId, hit.Field));
        }

        Assert.Empty((await search.SearchAsync(Acode.Application.Search.SearchQuery.Parse("psibinary"), Acode.Application.Queries.SessionFilter.All, new Acode.Application.Queries.PaginationOptions())).Items);
        Assert.True(migrated.Check().IsHealthy);

        // The index goes with the blob: deleting the session sweeps the blob, and its entry and index entry with it.
        Assert.True(await new SqliteRunStateStore(migrated).DeleteSessionAsync(Acode.Domain.Ids.SessionId.Parse(sess)));
        Assert.Equal(0L, SqliteProbe.Count(_temp.DatabasePath, "SELECT count(*) FROM blob_search_entries;"));
        Assert.Equal(0L, SqliteProbe.Count(_temp.DatabasePath, "SELECT count(*) FROM blob_search_index_docsize;"));
        Assert.Equal(0L, SqliteProbe.Count(_temp.DatabasePath, "SELECT count(*) FROM blob_search_index WHERE blob_search_index MATCH 'chiclosing';"));
    }

    /// <summary>A workspace at schema 1.4.0 (before blobs) holding one session with one task and one step, written as rows; returns their ids.</summary>
    private (string Session, string Step) CreateStepAt140()
    {
        string session = Acode.Domain.Ids.SessionId.New().Value, task = Acode.Domain.Ids.TaskId.New().Value, step = Acode.Domain.Ids.StepId.New().Value;
        using (SqliteWorkspaceDatabase old = _temp.Open(migrations: ShippedSchema.Sqlite.Where(m => m.Version < new Version(1, 5, 0)).ToList()))
        {
            Assert.Equal("1.4.0", old.GetMigrationStatus().CurrentText);
        }

        SqliteProbe.Execute(_temp.DatabasePath, $"""
            INSERT INTO sessions VALUES ('{session}', 'old', NULL, 'Executing', 1, '{Ts}', '{Ts}');
            INSERT INTO session_tasks VALUES ('{task}', '{session}', 1, 't', NULL, 'Running', NULL, NULL, 1, '{Ts}', '{Ts}');
            INSERT INTO steps VALUES ('{step}', '{session}', '{task}', 1, 's', NULL, 'Running', NULL, NULL, 1, '{Ts}', '{Ts}');
            """);
        return (session, step);
    }
}
