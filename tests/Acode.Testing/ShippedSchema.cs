using Acode.Infrastructure.Migrations;

namespace Acode.Testing;

/// <summary>The migrations this build ships, so that tests about "the latest version" do not pin a number the next migration changes.</summary>
public static class ShippedSchema
{
    public static IReadOnlyList<Migration> Sqlite => MigrationCatalog.For(MigrationCatalog.Sqlite);

    public static IReadOnlyList<Migration> Postgres => MigrationCatalog.For(MigrationCatalog.Postgres);

    /// <summary>The latest version, e.g. <c>1.2.0</c>; PostgreSQL has the same versions (AC-010).</summary>
    public static string Latest => Sqlite[^1].VersionText;

    /// <summary>Every shipped version in order, comma-separated, as <c>group_concat</c> over <c>schema_version</c> prints them.</summary>
    public static string AllVersions => string.Join(",", Sqlite.Select(m => m.VersionText));

    /// <summary>A version after the latest, for test migrations that must come after everything shipped.</summary>
    public static Version Next => new(Sqlite[^1].Version.Major, Sqlite[^1].Version.Minor + 1, 0);

    /// <summary>A test migration at <see cref="Next"/>.</summary>
    public static Migration NextMigration(string name, string script) => new(Next, name, script);
}
