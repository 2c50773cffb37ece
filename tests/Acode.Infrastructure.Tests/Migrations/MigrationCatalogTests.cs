using Acode.Infrastructure.Migrations;

namespace Acode.Infrastructure.Tests.Migrations;

public sealed class MigrationCatalogTests
{
    [Fact]
    [Trait("AC", "AC-010")]
    public void For_Sqlite_starts_with_V1_0_0_InitialSchema()
    {
        IReadOnlyList<Migration> migrations = MigrationCatalog.For(MigrationCatalog.Sqlite);

        Migration first = migrations[0];
        Assert.Equal("V1_0_0_InitialSchema", first.Id);
        Assert.Equal("1.0.0", first.VersionText);
        Assert.Contains("CREATE TABLE sessions", first.Script, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("AC", "AC-010")]
    public void For_Sqlite_lists_migrations_in_strictly_increasing_version_order()
    {
        IReadOnlyList<Migration> migrations = MigrationCatalog.For(MigrationCatalog.Sqlite);

        Assert.True(migrations.Zip(migrations.Skip(1)).All(p => p.First.Version < p.Second.Version));
        Assert.All(migrations, m => Assert.Matches("^V[0-9]+_[0-9]+_[0-9]+_[A-Za-z0-9]+$", m.Id));
    }

    [Fact]
    public void For_an_unknown_engine_is_empty()
    {
        Assert.Empty(MigrationCatalog.For("Oracle"));
    }
}
