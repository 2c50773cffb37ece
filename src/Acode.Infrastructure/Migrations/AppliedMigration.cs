namespace Acode.Infrastructure.Migrations;

/// <summary>A row of <c>schema_version</c>: a migration that was applied (AC-009).</summary>
public sealed record AppliedMigration(Version Version, string Name, string Checksum, DateTimeOffset AppliedAt)
{
    public string VersionText => Version.ToString(3);
}
