using System.Text.Json.Nodes;
using Acode.Application;
using Acode.Application.Outbox;
using Acode.Application.Serialization;
using Acode.Infrastructure.Imports;
using Acode.Infrastructure.Tests.Support;

namespace Acode.Infrastructure.Tests.Sqlite;

// Each version its own stamp (docs/architecture.md): an import of a version raised by hand over the stored one, its
// updatedAt kept, gets an outbox record of its own, and both records deliver the versions they were written for.
public sealed partial class SqliteOutboxTests
{
    [Fact]
    public async Task An_imported_version_raised_over_the_stored_one_with_the_same_updatedAt_gets_its_own_record_and_key()
    {
        Session session = Session.Create("first title", "goal");
        await _store.SaveAsync(session);
        DateTimeOffset stored = session.UpdatedAt;
        JsonObject document = JsonNode.Parse(EntityJson.Serialize(EntityDocuments.From(session)))!.AsObject();
        document["version"] = 2;
        document["title"] = "imported title";
        var builder = new SessionGraphBuilder();
        builder.Add(EntityJson.Deserialize(document.ToJsonString()));

        ImportResult first = await _store.ImportAsync(builder.Session!, builder.Events);
        ImportResult second = await _store.ImportAsync(builder.Session!, builder.Events);

        Assert.Equal((1, 0), (first.Updated, second.Updated));
        DateTimeOffset imported = (await _store.GetSessionAsync(session.Id))!.UpdatedAt;
        Assert.InRange(imported.UtcTicks - stored.UtcTicks, 1, ImportedStamp.Spread);
        List<Dictionary<string, object?>> rows = SqliteProbe.Rows(_temp.DatabasePath, $"{SqliteProbe.OutboxRecordsSql} WHERE o.entity_type = 'Session' ORDER BY o.id;");
        Assert.Equal([1L, 2L], rows.Select(r => (long)r["version"]!));
        Assert.Equal(
            [IdempotencyKey.For(EntityType.Session, session.Id.Value, stored), IdempotencyKey.For(EntityType.Session, session.Id.Value, imported)],
            rows.Select(r => (string)r["idempotency_key"]!));

        // The first record got its copy when the import replaced its row; the second is rebuilt from the row, stamp and all.
        List<OutboxRecord> claimed = [.. (await _outbox.ClaimAsync(Owner, 100, TimeSpan.FromMinutes(1))).Where(r => r.EntityType == EntityType.Session)];
        Assert.Equal(
            [("first title", UtcTimestamp.Format(stored)), ("imported title", UtcTimestamp.Format(imported))],
            claimed.Select(r => (SessionDocument)EntityJson.Deserialize(r.Payload)).Select(d => (d.Title, d.UpdatedAt)));
        Assert.Equal([stored, imported], claimed.Select(r => r.ChangedAt));
    }
}
