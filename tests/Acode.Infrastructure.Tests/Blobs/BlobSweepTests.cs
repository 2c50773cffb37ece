using System.Text;
using System.Text.Json.Nodes;
using Acode.Application.Outbox;
using Acode.Application.Serialization;
using Acode.Domain.Entities;
using Acode.Infrastructure.Blobs;
using Acode.Infrastructure.Sqlite;
using Acode.Infrastructure.Tests.Contract;
using Acode.Infrastructure.Tests.Support;
using Acode.Infrastructure.Tests.Sync;
using Acode.Testing;

namespace Acode.Infrastructure.Tests.Blobs;

/// <summary>
/// Which blobs the workspace database's sweep keeps (docs/storage.md, "Which blobs a sweep keeps"): every blob a row or a
/// retained outbox record names, whatever the record's status, so that <c>acode db sync retry --processed</c> can send a
/// delivered record again with its blob; a blob goes once the outbox retention has pruned the last record naming it.
/// And what the sync does with a record whose blob is missing all the same (a workspace damaged by hand or by an older acode).
/// </summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class BlobSweepTests(PostgresFixture fixture) : IDisposable
{
    private readonly TempWorkspace _temp = new();

    public void Dispose() => _temp.Dispose();

    public static TheoryData<string> Statuses => new() { "Pending", "Failed", "Processed" };

    [Theory]
    [MemberData(nameof(Statuses))]
    public async Task A_blob_only_an_outbox_record_names_outlives_its_row_s_change_and_a_sweep_whatever_the_record_s_status(string status)
    {
        using SqliteWorkspaceDatabase db = _temp.Open();
        var store = new SqliteRunStateStore(db);
        var outbox = new SqliteOutbox(db);
        (Session session, ToolCall call) = await SaveWithLargeResultAsync(store, "first output ");
        string first = ResultBlob(call.Id.Value);
        await SettleAsync(outbox, status);

        await ReplaceResultAsync(store, session.Id, call.Id.Value, "second output ");
        await DeleteAnotherSessionAsync(store);

        // The record of the first version now holds its document (the 1.7.0 triggers copied it when the row changed) and names the first blob.
        Assert.Equal(first, SqliteProbe.Scalar(_temp.DatabasePath, "SELECT json_extract(payload, '$.resultBlob') FROM outbox WHERE entity_id = $id AND payload <> '';", ("$id", call.Id.Value)));
        Assert.NotEqual(first, ResultBlob(call.Id.Value));
        Assert.Contains(first, Blobs());
        Assert.Contains(ResultBlob(call.Id.Value), Blobs());
    }

    [Fact]
    public async Task The_outbox_retention_removes_the_blobs_only_the_records_it_prunes_named_and_keeps_the_others()
    {
        using SqliteWorkspaceDatabase db = _temp.Open();
        var store = new SqliteRunStateStore(db);
        var outbox = new SqliteOutbox(db);
        (Session session, ToolCall call) = await SaveWithLargeResultAsync(store, "first output ");
        string first = ResultBlob(call.Id.Value);
        await SettleAsync(outbox, "Processed");
        await ReplaceResultAsync(store, session.Id, call.Id.Value, "second output ");
        string second = ResultBlob(call.Id.Value);
        (_, ToolCall pending) = await SaveWithLargeResultAsync(store, "undelivered output ");
        string undelivered = ResultBlob(pending.Id.Value);
        SqliteProbe.Execute(_temp.DatabasePath, "DELETE FROM tool_calls WHERE id = $id;", ("$id", pending.Id.Value)); // its pending record keeps its document
        await SettleAsync(outbox, "Processed", except: pending.Id.Value);

        Assert.Equal(0, await outbox.PruneProcessedAsync(TimeSpan.FromDays(1)));
        Assert.Contains(first, Blobs());

        Assert.True(await outbox.PruneProcessedAsync(TimeSpan.Zero) > 0);

        // The first blob went with the last record naming it; the row names the second; a pending record the third.
        Assert.Equal(new[] { second, undelivered }.Order(StringComparer.Ordinal), Blobs().Order(StringComparer.Ordinal));
        Assert.Equal("second output ", (await store.GetSessionAsync(session.Id))!.Tasks[0].Steps[0].ToolCalls[0].Result![..14]);
    }

    [Fact]
    public async Task Deleting_a_session_keeps_the_blobs_its_delivered_records_name_until_the_retention_prunes_them()
    {
        using SqliteWorkspaceDatabase db = _temp.Open();
        var store = new SqliteRunStateStore(db);
        var outbox = new SqliteOutbox(db);
        string text = RunStateStoreContractTests.AwkwardText(30_000);
        Session session = Session.Create("deleted after sync");
        session.AddTask("t").AddStep("s").AddToolCall("read", "{}").Succeed(text);
        session.AddArtifact("out.log", ArtifactKind.Log, "text/plain", Encoding.UTF8.GetBytes("artifact " + text));
        await store.SaveAsync(session);
        await SettleAsync(outbox, "Processed");

        Assert.True(await store.DeleteSessionAsync(session.Id));

        // 'acode db sync retry --processed' sends the delivered upserts again before the tombstone: their blobs are still there.
        Assert.Equal(2, Blobs().Count);
        await SettleAsync(outbox, "Processed");
        await outbox.PruneProcessedAsync(TimeSpan.Zero);
        Assert.Empty(Blobs());
    }

    [Fact]
    public async Task Retry_processed_after_a_prune_refills_an_empty_PostgreSQL_with_the_blob_of_a_changed_row()
    {
        using SyncHarness h = await SyncHarness.CreateAsync(fixture);
        (Session session, ToolCall call) = await SaveWithLargeResultAsync(h.Store, "first output ");
        string first = ResultBlob(call.Id.Value, h.DatabasePath);
        await h.Sync.SyncAsync();
        await ReplaceResultAsync(h.Store, session.Id, call.Id.Value, "second output ");
        await h.Sync.SyncAsync();
        await DeleteAnotherSessionAsync(h.Store);
        await h.Sync.SyncAsync();
        await h.PgCountAsync("DROP SCHEMA public CASCADE; CREATE SCHEMA public; SELECT 0;");

        await h.Outbox.RequeueProcessedAsync();
        var run = await h.Sync.SyncAsync();

        Assert.Equal((0L, 0L, 0L), (run.Retried, run.DeadLettered, run.Remaining));
        Assert.Equal(1L, await h.PgCountAsync("SELECT count(*) FROM blobs WHERE hash = $1", first));
        Assert.Equal(1L, await h.PgCountAsync("SELECT count(*) FROM tool_calls WHERE id = $1 AND left(result, 14) = 'second output '", call.Id.Value));
    }

    [Fact]
    public async Task A_record_naming_a_missing_blob_fails_alone_with_a_message_naming_it_and_the_others_are_delivered()
    {
        using SyncHarness h = await SyncHarness.CreateAsync(fixture);
        (Session damaged, ToolCall call) = await SaveWithLargeResultAsync(h.Store, "lost output ");
        string hash = ResultBlob(call.Id.Value, h.DatabasePath);
        (Session sound, _) = await SaveWithLargeResultAsync(h.Store, "kept output ");
        SqliteProbe.Execute(h.DatabasePath, "DELETE FROM blobs WHERE hash = $h;", ("$h", hash));
        long id = (long)SqliteProbe.Scalar(h.DatabasePath, "SELECT id FROM outbox WHERE entity_id = $id;", ("$id", call.Id.Value))!;
        long version = (long)SqliteProbe.Scalar(h.DatabasePath, "SELECT version FROM outbox WHERE id = $id;", ("$id", id))!;

        var run = await h.Sync.SyncAsync();

        Assert.False(run.Paused);
        Assert.Equal((1L, 0L), (run.Retried, run.DeadLettered));
        Assert.Equal(1L, await h.PgCountAsync("SELECT count(*) FROM sessions WHERE id = $1", sound.Id.Value));
        Assert.Equal(1L, await h.PgCountAsync("SELECT count(*) FROM sessions WHERE id = $1", damaged.Id.Value));
        Assert.Equal(0L, await h.PgCountAsync("SELECT count(*) FROM tool_calls WHERE id = $1", call.Id.Value));
        var record = SqliteProbe.Rows(h.DatabasePath, "SELECT status, attempts, last_error FROM outbox WHERE id = $id;", ("$id", id)).Single();
        Assert.Equal(("Pending", 1L), ((string)record["status"]!, (long)record["attempts"]!));
        string error = (string)record["last_error"]!;
        Assert.StartsWith($"ACODE-DB-002: outbox record {id} (ToolCall {call.Id.Value}, version {version}) names blob {hash[..12]} of large content, which the workspace database lacks", error, StringComparison.Ordinal);
        Assert.Contains("acode db check", error, StringComparison.Ordinal);
        Assert.Equal(1L, SqliteProbe.Count(h.DatabasePath, "SELECT count(*) FROM outbox WHERE status <> 'Processed';"));
    }

    private static async Task<(Session Session, ToolCall Call)> SaveWithLargeResultAsync(SqliteRunStateStore store, string head)
    {
        Session session = Session.Create(head.Trim());
        Step step = session.AddTask("t").AddStep("s");
        ToolCall call = step.AddToolCall("run_tests", "{}");
        call.Start();
        call.Succeed(head + RunStateStoreContractTests.AwkwardText(20_000));
        await store.SaveAsync(session);
        return (session, call);
    }

    /// <summary>Imports the session again with the tool call at the next version, its result starting with <paramref name="head"/> (as 'acode session import' of a newer export does).</summary>
    private static async Task ReplaceResultAsync(SqliteRunStateStore store, SessionId sessionId, string callId, string head)
    {
        Session loaded = (await store.GetSessionAsync(sessionId))!;
        var builder = new SessionGraphBuilder();
        foreach (string line in TestSessions.Documents(loaded).Concat(TestSessions.Documents(await store.ReadEventsAsync(loaded))))
        {
            JsonNode node = JsonNode.Parse(line)!;
            if ((string?)node["id"] == callId)
            {
                node["result"] = head + RunStateStoreContractTests.AwkwardText(20_000);
                node["version"] = (long)node["version"]! + 1;
                node["updatedAt"] = UtcTimestamp.Format(UtcTimestamp.Parse((string)node["updatedAt"]!).AddSeconds(1));
            }

            builder.Add(EntityJson.Deserialize(node.ToJsonString()));
        }

        await store.ImportAsync(builder.Session!, builder.Events);
    }

    private static async Task DeleteAnotherSessionAsync(SqliteRunStateStore store)
    {
        (Session other, _) = await SaveWithLargeResultAsync(store, "another output ");
        Assert.True(await store.DeleteSessionAsync(other.Id));
    }

    private static async Task SettleAsync(SqliteOutbox outbox, string status, string? except = null)
    {
        if (status == "Pending")
        {
            return;
        }

        IReadOnlyList<OutboxRecord> claimed = await outbox.ClaimAsync("test", 10_000, TimeSpan.FromMinutes(1));
        foreach (OutboxRecord record in claimed)
        {
            if (record.EntityId == except)
            {
                await outbox.ReleaseAsync("test", [record.Id]);
            }
            else if (status == "Failed")
            {
                await outbox.RecordFailureAsync("test", record.Id, "test: dead-lettered", DateTimeOffset.UtcNow, deadLetter: true);
            }
            else
            {
                await outbox.AcknowledgeAsync("test", [record.Id]);
            }
        }
    }

    private string ResultBlob(string callId, string? path = null)
        => (string)SqliteProbe.Scalar(path ?? _temp.DatabasePath, "SELECT result_blob FROM tool_calls WHERE id = $id;", ("$id", callId))!;

    private List<string> Blobs() => SqliteProbe.Rows(_temp.DatabasePath, "SELECT hash FROM blobs;").Select(r => (string)r["hash"]!).ToList();
}
