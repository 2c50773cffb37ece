using Acode.Application.Options;
using Acode.Application.Outbox;
using Acode.Application.Serialization;
using Acode.Infrastructure.Migrations;
using Acode.Infrastructure.Sqlite;
using Acode.Infrastructure.Tests.Support;

namespace Acode.Infrastructure.Tests.Migrations.Sqlite;

/// <summary>Schema 1.7.0: outbox records refer to their rows; records written before it keep their payloads.</summary>
public sealed class OutboxByReferenceMigrationTests : IDisposable
{
    private readonly TempWorkspace _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    [Trait("AC", "AC-012")]
    public async Task Records_written_at_1_6_0_keep_their_payloads_and_deliver_them_after_the_migration_and_new_saves_refer_to_rows()
    {
        Session session = TestSessions.Rich();
        Dictionary<string, string> before;
        using (SqliteWorkspaceDatabase old = Open(Before170()))
        {
            await OldSchemaSessions.SaveAsync(old, session);
            before = Payloads();
        }

        Assert.DoesNotContain("", before.Values);
        using SqliteWorkspaceDatabase migrated = Open(null);
        Assert.Equal(Acode.Testing.ShippedSchema.Latest, migrated.GetMigrationStatus().CurrentText);
        Assert.Equal(before, Payloads());

        // A change of a row whose record holds its payload leaves that payload as it was.
        var store = new SqliteRunStateStore(migrated);
        Session loaded = (await store.GetSessionAsync(session.Id))!;
        loaded.Rename("renamed after the upgrade");
        await store.SaveAsync(loaded);

        var outbox = new SqliteOutbox(migrated);
        IReadOnlyList<OutboxRecord> claimed = await outbox.ClaimAsync("test-sync", 1000, TimeSpan.FromMinutes(1));
        Assert.Equal(before.Count + 1, claimed.Count);
        Assert.All(claimed.Take(before.Count), r => Assert.Equal(before[r.IdempotencyKey], r.Payload));
        Assert.Equal("renamed after the upgrade", Assert.IsType<SessionDocument>(EntityJson.Deserialize(claimed[^1].Payload)).Title);
        Assert.Equal("", SqliteProbe.Scalar(_temp.DatabasePath, "SELECT payload FROM outbox WHERE id = $id;", ("$id", claimed[^1].Id)));
    }

    private static List<Migration> Before170() => [.. MigrationCatalog.For(MigrationCatalog.Sqlite).Where(m => m.Version < new Version(1, 7, 0))];

    private Dictionary<string, string> Payloads()
        => SqliteProbe.Rows(_temp.DatabasePath, "SELECT idempotency_key, payload FROM outbox;").ToDictionary(r => (string)r["idempotency_key"]!, r => (string)r["payload"]!, StringComparer.Ordinal);

    private SqliteWorkspaceDatabase Open(IReadOnlyList<Migration>? migrations)
        => SqliteWorkspaceDatabase.Open(_temp.Workspace, new SqliteOptions(), migrations: migrations);
}
