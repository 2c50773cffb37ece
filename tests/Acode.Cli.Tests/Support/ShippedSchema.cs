using Acode.Infrastructure.Migrations;

namespace Acode.Cli.Tests.Support;

/// <summary>The schema versions this build ships, so that output checks do not pin a number the next migration changes.</summary>
internal static class ShippedSchema
{
    public static IReadOnlyList<Migration> Sqlite => MigrationCatalog.For(MigrationCatalog.Sqlite);

    /// <summary>The latest version, e.g. <c>1.1.0</c>; PostgreSQL has the same versions (AC-010).</summary>
    public static string Latest => Sqlite[^1].VersionText;
}
