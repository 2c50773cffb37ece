using Acode.Application.Errors;
using Acode.Application.Outbox;
using Acode.Application.Serialization;
using Acode.Infrastructure.Blobs;
using Acode.Infrastructure.Sqlite;
using Acode.Infrastructure.Tests.Support;

namespace Acode.Infrastructure.Tests.Sqlite;

// Outbox records that refer to their entity's row instead of copying it (schema 1.7.0, docs/architecture.md "Outbox
// records by reference"): what is stored, what the sync reads, and that a record still delivers the very version it
// was written for after its row changes or goes.
public sealed partial class SqliteOutboxTests
{
    private const string Owner = "test-sync";

    /// <summary>Characters SQLite's json_object and System.Text.Json escape differently, and some that must survive both.</summary>
    private const string Hostile = "quote \" backslash \\ tag <b>&amp;</b> 'single' tab\t bell\u0007 line\nbreak é ß 😀 \u2028";

    [Fact]
    public async Task A_saved_upsert_stores_no_payload_but_an_artifact_does_and_each_delivers_the_document_it_was_saved_as()
    {
        Session session = TestSessions.Rich(Hostile);
        session.AppendEvent("note", $$"""{"text":{{System.Text.Json.JsonSerializer.Serialize(Hostile)}}}""");
        List<Entity> changed = [.. session.PendingChanges];
        await _store.SaveAsync(session);
        Dictionary<string, string> saved = changed.ToDictionary(e => e.EntityId, StoredFormOf, StringComparer.Ordinal);

        List<Dictionary<string, object?>> rows = SqliteProbe.Rows(_temp.DatabasePath, $"{SqliteProbe.OutboxRecordsSql} ORDER BY o.id;");
        Assert.Equal(changed.Count, rows.Count);
        Assert.All(rows.Where(r => (string)r["entity_type"]! != nameof(EntityType.Artifact)), r => Assert.Equal("", r["stored_payload"]));
        Assert.All(rows.Where(r => (string)r["entity_type"]! == nameof(EntityType.Artifact)), r => Assert.NotEqual("", r["stored_payload"]));

        IReadOnlyList<OutboxRecord> claimed = await _outbox.ClaimAsync(Owner, 1000, TimeSpan.FromMinutes(1));
        Assert.Equal(changed.Count, claimed.Count);
        foreach (OutboxRecord record in claimed)
        {
            Assert.Equal(saved[record.EntityId], Reserialized(record.Payload));
        }

        Assert.Contains(claimed, r => EntityJson.Deserialize(r.Payload) is SessionDocument { Title: Hostile });
    }

    [Fact]
    public async Task An_update_while_the_record_is_undelivered_copies_the_saved_version_into_the_record_first()
    {
        Session session = Session.Create("first title", "goal");
        await _store.SaveAsync(session);
        session.Rename("second title");
        await _store.SaveAsync(session);

        List<Dictionary<string, object?>> rows = SqliteProbe.Rows(_temp.DatabasePath, $"{SqliteProbe.OutboxRecordsSql} WHERE o.entity_type = 'Session' ORDER BY o.id;");
        Assert.Equal([1L, 2L], rows.Select(r => (long)r["version"]!));
        Assert.Equal("first title", Assert.IsType<SessionDocument>(EntityJson.Deserialize((string)rows[0]["stored_payload"]!)).Title);
        Assert.Equal("", rows[1]["stored_payload"]);

        IReadOnlyList<OutboxRecord> claimed = await _outbox.ClaimAsync(Owner, 100, TimeSpan.FromMinutes(1));
        Assert.Equal(
            ["first title", "second title"],
            claimed.Where(r => r.EntityType == EntityType.Session).Select(r => ((SessionDocument)EntityJson.Deserialize(r.Payload)).Title));
    }

    [Fact]
    public async Task Deleting_a_session_copies_each_undelivered_child_s_document_before_the_cascade_removes_its_row()
    {
        Session session = TestSessions.Rich();
        List<Entity> changed = [.. session.PendingChanges];
        await _store.SaveAsync(session);
        Dictionary<string, string> saved = changed.ToDictionary(e => e.EntityId, StoredFormOf, StringComparer.Ordinal);

        Assert.True(await _store.DeleteSessionAsync(session.Id));

        Assert.Equal(0, SqliteProbe.Count(_temp.DatabasePath, "SELECT count(*) FROM outbox WHERE payload = '';"));
        IReadOnlyList<OutboxRecord> claimed = await _outbox.ClaimAsync(Owner, 1000, TimeSpan.FromMinutes(1));
        Assert.Equal(changed.Count + 1, claimed.Count);
        foreach (OutboxRecord record in claimed.Where(r => r.Operation == OutboxOperation.Upsert))
        {
            Assert.Equal(saved[record.EntityId], Reserialized(record.Payload));
        }

        Assert.Equal(OutboxOperation.Delete, claimed[^1].Operation);
    }

    [Fact]
    public async Task A_row_replaced_by_hand_with_insert_or_replace_or_update_or_replace_still_delivers_the_saved_versions()
    {
        Session session = TestSessions.Rich();
        List<Entity> changed = [.. session.PendingChanges];
        await _store.SaveAsync(session);
        Dictionary<string, string> saved = changed.ToDictionary(e => e.EntityId, StoredFormOf, StringComparer.Ordinal);

        // REPLACE removes the conflicting row without firing DELETE triggers (recursive_triggers is off).
        SqliteProbe.Execute(_temp.DatabasePath, """
            CREATE TEMP TABLE t AS SELECT * FROM session_tasks;
            UPDATE t SET title = 'replaced by hand';
            INSERT OR REPLACE INTO session_tasks SELECT * FROM t;
            CREATE TEMP TABLE s AS SELECT * FROM sessions;
            UPDATE s SET title = 'replaced by hand', version = version + 1;
            REPLACE INTO sessions SELECT * FROM s;
            UPDATE OR REPLACE session_events SET sequence = 1 WHERE sequence = 2;
            """);

        IReadOnlyList<OutboxRecord> claimed = await _outbox.ClaimAsync(Owner, 1000, TimeSpan.FromMinutes(1));
        Assert.Equal(changed.Count, claimed.Count);
        foreach (OutboxRecord record in claimed)
        {
            Assert.Equal(saved[record.EntityId], Reserialized(record.Payload));
        }

        Assert.Empty(await _outbox.ReadAsync(OutboxStatus.Failed, 10));
    }

    [Fact]
    public async Task A_delivered_record_whose_row_moved_on_is_sent_again_as_it_was_saved()
    {
        Session session = Session.Create("as delivered", "goal");
        await _store.SaveAsync(session);
        IReadOnlyList<OutboxRecord> first = await _outbox.ClaimAsync(Owner, 100, TimeSpan.FromMinutes(1));
        Assert.Equal(first.Count, await _outbox.AcknowledgeAsync(Owner, first.Select(r => r.Id).ToList()));
        session.Rename("changed later");
        await _store.SaveAsync(session);
        IReadOnlyList<OutboxRecord> second = await _outbox.ClaimAsync(Owner, 100, TimeSpan.FromMinutes(1));
        await _outbox.AcknowledgeAsync(Owner, second.Select(r => r.Id).ToList());

        Assert.Equal(first.Count + second.Count, await _outbox.RequeueProcessedAsync());

        IReadOnlyList<OutboxRecord> again = await _outbox.ClaimAsync(Owner, 100, TimeSpan.FromMinutes(1));
        Assert.Equal(
            ["as delivered", "changed later"],
            again.Where(r => r.EntityType == EntityType.Session).Select(r => ((SessionDocument)EntityJson.Deserialize(r.Payload)).Title));
    }

    [Fact]
    public async Task A_record_whose_row_changed_without_the_triggers_is_dead_lettered_with_what_to_do_and_the_rest_is_delivered()
    {
        Session lost = Session.Create("lost version", "goal");
        Session other = Session.Create("other", "goal");
        await _store.SaveAsync(lost);
        await _store.SaveAsync(other);
        string trigger = (string)SqliteProbe.Scalar(_temp.DatabasePath, "SELECT sql FROM sqlite_schema WHERE name = 'outbox_keep_session_update';")!;

        // Another program drops the trigger, changes the row by hand and puts the trigger back.
        SqliteProbe.Execute(_temp.DatabasePath, "DROP TRIGGER outbox_keep_session_update;");
        SqliteProbe.Execute(_temp.DatabasePath, "UPDATE sessions SET title = 'changed by hand', version = 2 WHERE id = $id;", ("$id", lost.Id.Value));
        SqliteProbe.Execute(_temp.DatabasePath, trigger + ";");

        IReadOnlyList<OutboxRecord> claimed = await _outbox.ClaimAsync(Owner, 100, TimeSpan.FromMinutes(1));

        OutboxRecord delivered = Assert.Single(claimed, r => r.EntityType == EntityType.Session);
        Assert.Equal(other.Id.Value, delivered.EntityId);
        OutboxRecord dead = Assert.Single(await _outbox.ReadAsync(OutboxStatus.Failed, 10));
        Assert.Equal((EntityType.Session, lost.Id.Value, 1L), (dead.EntityType, dead.EntityId, dead.Version));
        Assert.Contains("skipped the outbox triggers", dead.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_store_that_is_open_refuses_to_write_while_a_trigger_is_missing_as_opening_would()
    {
        Session session = Session.Create("kept", "goal");
        await _store.SaveAsync(session);
        SqliteProbe.Execute(_temp.DatabasePath, "DROP TRIGGER outbox_keep_session_update;");
        session.Rename("not written");

        var error = await Assert.ThrowsAsync<AcodeDbException>(() => _store.SaveAsync(session));

        Assert.Equal(AcodeErrorCode.NotAnAcodeDatabase, error.ErrorCode);
        Assert.Contains("outbox_keep_session_update", error.Message, StringComparison.Ordinal);
        Assert.Equal("kept", SqliteProbe.Scalar(_temp.DatabasePath, "SELECT title FROM sessions;"));
    }

    /// <summary>The entity's document in the stored form rows and payloads hold (large content as a prefix and a blob name).</summary>
    private static string StoredFormOf(Entity entity)
        => EntityJson.Serialize(DocumentBlobs.Externalize(EntityDocuments.From(entity), DocumentBlobs.DefaultThresholdBytes, (_, _) => { }));

    /// <summary>The payload as System.Text.Json writes the same document: equal for equal JSON values, whoever wrote the text.</summary>
    private static string Reserialized(string payload) => EntityJson.Serialize(EntityJson.Deserialize(payload));
}
