namespace Acode.Infrastructure.Migrations;

/// <summary>Where a database stands: what was applied, what this program would apply, and the versions at each end.</summary>
public sealed record MigrationStatus(IReadOnlyList<AppliedMigration> Applied, IReadOnlyList<Migration> Pending, Version? Current, Version Latest)
{
    public string CurrentText => Current?.ToString(3) ?? "none";

    public string LatestText => Latest.ToString(3);
}
