namespace Acode.Infrastructure.Migrations;

/// <summary>A row of <c>schema_version</c>: a migration that was applied (AC-009).</summary>
public sealed record AppliedMigration(Version Version, string Name, string Checksum, DateTimeOffset AppliedAt)
{
    /// <summary><see cref="Version"/> as three numbers, <c>1.4.0</c>.</summary>
    public string VersionText => Version.ToString(3);
}
