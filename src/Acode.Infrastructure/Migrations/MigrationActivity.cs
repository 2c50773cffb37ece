using System.Diagnostics;

namespace Acode.Infrastructure.Migrations;

/// <summary>The <c>acode.migration</c> span of one pending migration, tagged with its version and name.</summary>
internal static class MigrationActivity
{
    /// <summary>Null when nothing listens; <c>acode.migration.applied</c> is set by the caller (false: another process applied it first).</summary>
    /// <param name="system">The database kind, <c>db.system.name</c>.</param>
    /// <param name="migration">The migration about to be applied.</param>
    /// <param name="database">The PostgreSQL database name (<c>db.namespace</c>), null for SQLite.</param>
    public static Activity? Start(string system, Migration migration, string? database = null)
    {
        Activity? activity = AcodeActivities.Start("acode.migration", system);
        activity?.SetTag("db.namespace", database);
        activity?.SetTag("acode.migration.version", migration.VersionText);
        activity?.SetTag("acode.migration.name", migration.Name);
        return activity;
    }
}
