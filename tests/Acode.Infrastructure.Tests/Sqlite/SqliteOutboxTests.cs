using System.Text.RegularExpressions;
using Acode.Application.Outbox;
using Acode.Application.Serialization;
using Acode.Infrastructure.Blobs;
using Acode.Infrastructure.Sqlite;
using Acode.Infrastructure.Tests.Support;
using Microsoft.Data.Sqlite;

namespace Acode.Infrastructure.Tests.Sqlite;

/// <summary>The outbox records a save leaves behind (spec §6, §8), read back through an independent connection.</summary>
public sealed partial class SqliteOutboxTests : IDisposable
{
    private readonly TempWorkspace _temp = new();
    private readonly SqliteWorkspaceDatabase _db;
    private readonly SqliteRunStateStore _store;
    private readonly SqliteOutbox _outbox;

    public SqliteOutboxTests()
    {
        _db = _temp.Open();
        _store = new SqliteRunStateStore(_db);
        _outbox = new SqliteOutbox(_db);
    }

    public void Dispose()
    {
        _db.Dispose();
        _temp.Dispose();
    }

    [Fact]
    [Trait("AC", "AC-029")]
    [Trait("AC", "AC-043")]
    public async Task SaveAsync_appends_one_record_per_changed_entity_with_a_unique_idempotency_key()
    {
        (Session session, List<Entity> changed, List<Dictionary<string, object?>> records) = await SaveRichSession();

        Assert.Equal(changed.Count, records.Count);
        Assert.Equal(changed.Select(e => e.EntityId).Order(StringComparer.Ordinal), records.Select(r => (string)r["entity_id"]!).Order(StringComparer.Ordinal));
        Assert.Equal(records.Count, records.Select(r => r["idempotency_key"]).Distinct().Count());
        // Unique through ix_outbox_entity (entity_id, hlc), from which the key is derived (schema 1.11.0).
        Assert.Equal("ix_outbox_entity", SqliteProbe.Scalar(_temp.DatabasePath, "SELECT group_concat(name) FROM pragma_index_list('outbox') WHERE \"unique\" = 1;"));
        Assert.Equal("entity_id,hlc", SqliteProbe.Scalar(_temp.DatabasePath, "SELECT group_concat(name) FROM (SELECT name FROM pragma_index_info('ix_outbox_entity') ORDER BY seqno);"));
        Assert.All(records, r => Assert.Equal(session.Id.Value, r["session_id"]));
    }

    [Fact]
    [Trait("AC", "AC-044")]
    [Trait("AC", "AC-029")]
    public async Task Idempotency_keys_are_entity_type_id_and_updated_at_to_100_ns()
    {
        (_, List<Entity> changed, List<Dictionary<string, object?>> records) = await SaveRichSession();

        foreach (Entity entity in changed)
        {
            Dictionary<string, object?> record = records.Single(r => (string)r["entity_id"]! == entity.EntityId);
            string key = (string)record["idempotency_key"]!;
            Assert.Equal($"{entity.EntityType}:{entity.EntityId}:{UtcTimestamp.Format(entity.UpdatedAt)}", key);
            Assert.Matches(KeyFormat(), key);
            string table = TableOf(entity.EntityType);
            string rowUpdatedAt = (string)SqliteProbe.Scalar(_temp.DatabasePath, $"SELECT updated_at FROM {table} WHERE id = $id;", ("$id", entity.EntityId))!;
            Assert.EndsWith(":" + rowUpdatedAt, key, StringComparison.Ordinal);
        }
    }

    [Fact]
    [Trait("AC", "AC-029")]
    public async Task A_second_save_of_one_changed_tool_call_adds_exactly_one_record_and_changes_one_row()
    {
        (Session session, _, List<Dictionary<string, object?>> first) = await SaveRichSession();
        Dictionary<string, string> stamps = SqliteProbe.EntityStamps(_temp.DatabasePath);
        ToolCall call = session.Tasks[1].Steps[0].ToolCalls[0];

        call.Start();
        await _store.SaveAsync(session);

        List<Dictionary<string, object?>> all = Records();
        Dictionary<string, object?> added = Assert.Single(all.Skip(first.Count));
        Assert.Equal("ToolCall", added["entity_type"]);
        Assert.Equal(call.Id.Value, added["entity_id"]);
        Assert.Equal(1L, added["base_version"]);
        Assert.Equal(2L, added["version"]);
        Dictionary<string, string> after = SqliteProbe.EntityStamps(_temp.DatabasePath);
        Assert.Equal([$"tool_calls:{call.Id.Value}"], after.Where(kv => stamps[kv.Key] != kv.Value).Select(kv => kv.Key));
        Assert.Equal(all.Count, all.Select(r => r["idempotency_key"]).Distinct().Count());
    }

    [Fact]
    [Trait("AC", "AC-030")]
    public async Task Records_name_the_entity_type()
    {
        (_, List<Entity> changed, List<Dictionary<string, object?>> records) = await SaveRichSession();

        Assert.Equal(changed.Select(e => e.EntityType.ToString()), records.Select(r => r["entity_type"]));
        Assert.Equal(Enum.GetNames<EntityType>().Order(StringComparer.Ordinal), records.Select(r => (string)r["entity_type"]!).Distinct().Order(StringComparer.Ordinal));
    }

    [Fact]
    [Trait("AC", "AC-031")]
    public async Task Records_name_the_entity_id_of_a_row_that_exists()
    {
        (_, List<Entity> changed, List<Dictionary<string, object?>> records) = await SaveRichSession();

        Assert.Equal(changed.Select(e => e.EntityId), records.Select(r => r["entity_id"]));
        foreach (Dictionary<string, object?> record in records)
        {
            string table = TableOf(Enum.Parse<EntityType>((string)record["entity_type"]!));
            Assert.Equal(1, SqliteProbe.Count(_temp.DatabasePath, $"SELECT count(*) FROM {table} WHERE id = $id;", ("$id", record["entity_id"])));
        }
    }

    [Fact]
    [Trait("AC", "AC-032")]
    public async Task Payload_is_the_full_entity_as_json_that_EntityJson_reads_back()
    {
        (Session session, List<Entity> changed, List<Dictionary<string, object?>> records) = await SaveRichSession();

        for (int i = 0; i < changed.Count; i++)
        {
            string payload = (string)records[i]["payload"]!;
            EntityDocument document = EntityJson.Deserialize(payload);
            Assert.Equal(changed[i].EntityId, document.Id);
            Assert.Equal((long)records[i]["version"]!, document.Version);

            // 1.5.0: a value above the blob threshold travels in its stored form, prefix and blob name (docs/storage.md);
            // with the blob the payload names, it is the full entity again.
            // 1.7.0: a record that refers to its row delivers the document SQLite rebuilds from it, the same JSON value.
            EntityDocument full = EntityDocuments.From(changed[i]);
            Assert.Equal(EntityJson.Serialize(DocumentBlobs.Externalize(full, DocumentBlobs.DefaultThresholdBytes, (_, _) => { })), EntityJson.Serialize(document));
            Assert.Equal(EntityJson.Serialize(full), EntityJson.Serialize(DocumentBlobs.Resolve(document, Blob)));
        }

        Assert.Contains(records, r => ((string)r["payload"]!).Contains("\"resultBlob\":\"", StringComparison.Ordinal)); // the 1 MB log

        ToolCallDocument nul = records.Select(r => EntityJson.Deserialize((string)r["payload"]!)).OfType<ToolCallDocument>().First();
        Assert.Equal(TestSessions.NulResult, nul.Result);
        Assert.DoesNotContain('\0', (string)records.First(r => (string)r["entity_id"]! == nul.Id)["payload"]!);
        ArtifactDocument artifact = records.Select(r => EntityJson.Deserialize((string)r["payload"]!)).OfType<ArtifactDocument>().First();
        Assert.Equal(TestSessions.AllBytes, artifact.Content);
        Assert.Equal(session.Id.Value, artifact.SessionId);
    }

    [Fact]
    [Trait("AC", "AC-033")]
    public async Task Records_carry_created_at_of_the_save()
    {
        DateTimeOffset before = DateTimeOffset.UtcNow.AddSeconds(-1);
        (_, _, List<Dictionary<string, object?>> records) = await SaveRichSession();
        DateTimeOffset after = DateTimeOffset.UtcNow.AddSeconds(1);

        Assert.All(records, r =>
        {
            DateTimeOffset created = UtcTimestamp.Parse((string)r["created_at"]!);
            Assert.InRange(created, before, after);
            Assert.Equal(r["created_at"], r["updated_at"]);
            Assert.Equal(r["created_at"], r["next_attempt_at"]);
        });
    }

    [Fact]
    [Trait("AC", "AC-034")]
    public async Task Records_are_pending_with_processed_at_null()
    {
        (_, _, List<Dictionary<string, object?>> records) = await SaveRichSession();

        Assert.All(records, r =>
        {
            Assert.Null(r["processed_at"]);
            Assert.Equal("Pending", r["status"]);
            Assert.Null(r["last_error"]);
        });
        Assert.Equal(0, SqliteProbe.Count(_temp.DatabasePath, "SELECT count(*) FROM outbox_leases;"));
        Assert.All(await _outbox.ReadAsync(OutboxStatus.Pending, 100), r => Assert.Equal((null, null), (r.LeaseOwner, r.LeaseUntil)));
    }

    [Fact]
    [Trait("AC", "AC-035")]
    public async Task Records_start_with_zero_attempts()
    {
        (_, _, List<Dictionary<string, object?>> records) = await SaveRichSession();

        Assert.All(records, r => Assert.Equal(0L, r["attempts"]));
        Assert.All(await _outbox.ReadAsync(OutboxStatus.Pending, 100), r => Assert.Equal(0, r.Attempts));
    }

    [Fact]
    public async Task Records_carry_the_origin_workspace_and_the_versions_of_the_change()
    {
        (_, List<Entity> changed, List<Dictionary<string, object?>> records) = await SaveRichSession();

        Assert.All(records, r => Assert.Equal(_db.WorkspaceId, r["origin"]));
        Assert.All(records, r => Assert.Equal(0L, r["base_version"]));
        Assert.All(records, r => Assert.Equal(1L, r["version"]));
        Assert.All(records, r => Assert.Equal("Upsert", r["operation"]));
        Assert.Equal(changed.Count, records.Count);
    }

    [Fact]
    public async Task ReadAsync_returns_pending_records_oldest_first()
    {
        (_, List<Entity> changed, _) = await SaveRichSession();

        IReadOnlyList<OutboxRecord> firstFive = await _outbox.ReadAsync(OutboxStatus.Pending, 5);
        IReadOnlyList<OutboxRecord> all = await _outbox.ReadAsync(OutboxStatus.Pending, 1000);

        Assert.Equal(changed.Take(5).Select(e => e.EntityId), firstFive.Select(r => r.EntityId));
        Assert.Equal(changed.Select(e => e.EntityId), all.Select(r => r.EntityId));
        Assert.True(all.Zip(all.Skip(1)).All(p => p.First.Id < p.Second.Id));
        Assert.Empty(await _outbox.ReadAsync(OutboxStatus.Processed, 10));
    }

    [Fact]
    public async Task GetStatisticsAsync_and_PruneProcessedAsync_see_processed_records()
    {
        (_, List<Entity> changed, _) = await SaveRichSession();
        SqliteProbe.Execute(_temp.DatabasePath, "UPDATE outbox SET status = 'Processed', processed_at = '2000-01-01T00:00:00.0000000Z' WHERE id IN (SELECT id FROM outbox ORDER BY id LIMIT 3);");
        SqliteProbe.Execute(_temp.DatabasePath, "UPDATE outbox SET status = 'Failed', attempts = 10 WHERE id = (SELECT max(id) FROM outbox);");

        OutboxStatistics before = await _outbox.GetStatisticsAsync();
        int pruned = await _outbox.PruneProcessedAsync(TimeSpan.FromDays(7));
        OutboxStatistics after = await _outbox.GetStatisticsAsync();

        Assert.Equal((changed.Count - 4L, 1L, 3L), (before.Pending, before.Failed, before.Processed));
        Assert.NotNull(before.OldestPendingCreatedAt);
        Assert.Equal(new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero), before.LastProcessedAt);
        Assert.Equal(3, pruned);
        Assert.Equal((changed.Count - 4L, 1L, 0L), (after.Pending, after.Failed, after.Processed));
        Assert.Equal(changed.Count - 3, SqliteProbe.Count(_temp.DatabasePath, "SELECT count(*) FROM outbox;"));
    }

    [Fact]
    public async Task AppendAsync_joins_the_callers_transaction()
    {
        var entry = new OutboxEntry(EntityType.Session, "sess_external", "sess_external", OutboxOperation.Upsert, 0, 1, DateTimeOffset.UtcNow, "{}");
        using SqliteConnection connection = SqliteProbe.Open(_temp.DatabasePath);

        using (SqliteTransaction rolledBack = connection.BeginTransaction())
        {
            Assert.True(await _outbox.AppendAsync(rolledBack, entry, "ws_caller"));
            rolledBack.Rollback();
        }

        Assert.Equal(0, SqliteProbe.Count(_temp.DatabasePath, "SELECT count(*) FROM outbox;"));

        using (SqliteTransaction committed = connection.BeginTransaction())
        {
            Assert.True(await _outbox.AppendAsync(committed, entry, "ws_caller"));
            Assert.False(await _outbox.AppendAsync(committed, entry, "ws_caller"));
            committed.Commit();
        }

        Dictionary<string, object?> row = Assert.Single(Records());
        Assert.Equal(entry.IdempotencyKey, row["idempotency_key"]);
        Assert.Equal("ws_caller", row["origin"]);
    }

    [Fact]
    public async Task AppendAsync_keeps_the_base_stamp_it_is_given_and_the_claim_reads_it_back_exactly()
    {
        var basedOn = new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero).AddTicks(1234567);
        var entry = new OutboxEntry(EntityType.Session, "sess_external", "sess_external", OutboxOperation.Upsert, 3, 4, basedOn.AddSeconds(1), "{}") { BaseUpdatedAt = basedOn };
        var unknown = new OutboxEntry(EntityType.Session, "sess_other", "sess_other", OutboxOperation.Upsert, 3, 4, basedOn.AddSeconds(1), "{}");
        using SqliteConnection connection = SqliteProbe.Open(_temp.DatabasePath);
        using (SqliteTransaction transaction = connection.BeginTransaction())
        {
            Assert.True(await _outbox.AppendAsync(transaction, entry, "ws_caller"));
            Assert.True(await _outbox.AppendAsync(transaction, unknown, "ws_caller"));
            transaction.Commit();
        }

        IReadOnlyList<OutboxRecord> claimed = await _outbox.ClaimAsync("test-sync", 10, TimeSpan.FromMinutes(1));
        IReadOnlyList<OutboxRecord> read = await _outbox.ReadAsync(OutboxStatus.Pending, 10);

        Assert.Equal([basedOn.UtcTicks, null], claimed.Select(r => r.BaseChangedAt?.UtcTicks));
        Assert.Equal([basedOn.UtcTicks, null], read.Select(r => r.BaseChangedAt?.UtcTicks));
        Assert.Equal([basedOn.UtcTicks, null], SqliteProbe.Rows(_temp.DatabasePath, "SELECT base_hlc FROM outbox ORDER BY id;").Select(r => (long?)r["base_hlc"]));
    }

    [GeneratedRegex(@"^(Session|SessionTask|Step|ToolCall|Artifact|SessionEvent):[a-z]+_[0-9A-HJKMNP-TV-Z]{26}:\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{7}Z$")]
    private static partial Regex KeyFormat();

    private static string TableOf(EntityType type) => type switch
    {
        EntityType.Session => "sessions",
        EntityType.SessionTask => "session_tasks",
        EntityType.Step => "steps",
        EntityType.ToolCall => "tool_calls",
        EntityType.Artifact => "artifacts",
        EntityType.SessionEvent => "session_events",
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    /// <summary>Saves a new session with tasks, steps, tool calls, artifacts and events; returns what changed and the outbox in id order.</summary>
    private async Task<(Session Session, List<Entity> Changed, List<Dictionary<string, object?>> Records)> SaveRichSession()
    {
        Session session = TestSessions.Rich();
        List<Entity> changed = [.. session.PendingChanges];
        await _store.SaveAsync(session);
        return (session, changed, Records());
    }

    private byte[]? Blob(string hash)
        => SqliteProbe.Rows(_temp.DatabasePath, "SELECT codec, raw_length, content FROM blobs WHERE hash = $hash;", ("$hash", hash))
            .Select(r => BlobCodec.Decompress((string)r["codec"]!, (byte[])r["content"]!, (long)r["raw_length"]!)).SingleOrDefault();

    private List<Dictionary<string, object?>> Records() => SqliteProbe.Rows(_temp.DatabasePath, $"{SqliteProbe.OutboxRecordsSql} ORDER BY o.id;");
}
