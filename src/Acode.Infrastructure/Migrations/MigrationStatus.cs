namespace Acode.Infrastructure.Migrations;

/// <summary>Where a database stands: what was applied, what this program would apply, and the versions at each end.</summary>
public sealed record MigrationStatus(IReadOnlyList<AppliedMigration> Applied, IReadOnlyList<Migration> Pending, Version? Current, Version Latest)
{
    /// <summary>The applied version as three numbers (<c>1.4.0</c>), or <c>none</c> for an empty database.</summary>
    public string CurrentText => Current?.ToString(3) ?? "none";

    /// <summary>The latest version this program knows, as three numbers.</summary>
    public string LatestText => Latest.ToString(3);
}
