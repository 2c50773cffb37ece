using System.Diagnostics;

namespace Acode.Infrastructure.Migrations;

/// <summary>The <c>acode.migration</c> span of one pending migration, tagged with its version and name.</summary>
internal static class MigrationActivity
{
    /// <summary>Null when nothing listens; <c>acode.migration.applied</c> is set by the caller (false: another process applied it first).</summary>
    public static Activity? Start(string system, Migration migration)
    {
        Activity? activity = AcodeActivities.Start("acode.migration", system);
        activity?.SetTag("acode.migration.version", migration.VersionText);
        activity?.SetTag("acode.migration.name", migration.Name);
        return activity;
    }
}
