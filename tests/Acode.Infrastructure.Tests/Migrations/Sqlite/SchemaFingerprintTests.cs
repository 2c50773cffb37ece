using Acode.Infrastructure.Migrations;
using Acode.Infrastructure.Tests.Support;
using Microsoft.Data.Sqlite;

namespace Acode.Infrastructure.Tests.Migrations.Sqlite;

/// <summary>
/// A database holding exactly the shipped schema is recognized by its fingerprint without replaying the migrations;
/// every other database is still compared with the replay, so the fingerprint never accepts what the replay refuses.
/// </summary>
public sealed class SchemaFingerprintTests : IDisposable
{
    private static readonly IReadOnlyList<Migration> Shipped = MigrationCatalog.For(MigrationCatalog.Sqlite);

    private readonly TempWorkspace _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void The_shipped_fingerprint_is_that_of_the_embedded_migrations_replayed()
    {
        string replayed = SqliteSchema.FingerprintOf(Shipped, SqliteSchema.DefinedBy(Shipped));

        Assert.True(
            replayed == SqliteSchema.ShippedFingerprint,
            $"A migration was added or changed: set SqliteSchema.ShippedFingerprint to \"{replayed}\" (it is \"{SqliteSchema.ShippedFingerprint}\").");
    }

    [Fact]
    public void A_new_workspace_database_on_disk_has_the_shipped_fingerprint()
    {
        _temp.Open().Dispose();

        Assert.Equal(SqliteSchema.ShippedFingerprint, SqliteSchema.FingerprintOf(Shipped, ReadSchema()));
    }

    [Fact]
    public void Objects_a_user_added_change_the_fingerprint_and_are_still_accepted_by_the_replay()
    {
        _temp.Open().Dispose();
        SqliteProbe.Execute(_temp.DatabasePath, "CREATE INDEX my_sessions_by_title ON sessions (title);");

        SqliteSchema actual = ReadSchema();

        Assert.NotEqual(SqliteSchema.ShippedFingerprint, SqliteSchema.FingerprintOf(Shipped, actual));
        Assert.Empty(actual.DifferencesFrom(Shipped));
    }

    [Fact]
    public void A_changed_definition_changes_the_fingerprint_and_the_replay_names_it()
    {
        _temp.Open().Dispose();
        SqliteProbe.Execute(_temp.DatabasePath, "DROP INDEX ix_outbox_status; CREATE INDEX ix_outbox_status ON outbox (id, status);");

        SqliteSchema actual = ReadSchema();

        Assert.NotEqual(SqliteSchema.ShippedFingerprint, SqliteSchema.FingerprintOf(Shipped, actual));
        Assert.Equal(["index 'ix_outbox_status' is defined differently"], actual.DifferencesFrom(Shipped));
    }

    [Fact]
    public void The_fingerprint_covers_the_migrations_as_well_as_the_definitions()
    {
        _temp.Open().Dispose();
        SqliteSchema actual = ReadSchema();
        Migration last = Shipped[^1];
        var edited = new Migration(last.Version, last.Name, last.Script + "\n-- edited\n");

        Assert.NotEqual(SqliteSchema.FingerprintOf(Shipped, actual), SqliteSchema.FingerprintOf([.. Shipped.SkipLast(1), edited], actual));
        Assert.NotEqual(SqliteSchema.FingerprintOf(Shipped, actual), SqliteSchema.FingerprintOf(Shipped.SkipLast(1).ToList(), actual));
    }

    private SqliteSchema ReadSchema()
    {
        using SqliteConnection connection = SqliteProbe.Open(_temp.DatabasePath);
        return SqliteSchema.Read(connection);
    }
}
