using Acode.Infrastructure.Migrations;

namespace Acode.Cli.Output;

/// <summary>
/// The line said on standard error (standard output may be JSON) before an upgrade of an existing schema, by
/// <c>acode db migrate</c> and by any command that opens an older workspace: which versions it goes between, since a
/// migration that re-indexes a large database works for a while before it is done (1.12.0: seconds for a workspace
/// database of hundreds of MiB, about a minute for a PostgreSQL holding 20,000 large results; docs/search.md).
/// </summary>
internal static class MigrationNotice
{
    /// <param name="engine">What is migrated, as the user knows it: <c>SQLite</c>, or <c>PostgreSQL (host…)</c> (redacted).</param>
    /// <param name="before">The schema's status before; creating a schema in an empty database is quick and says nothing.</param>
    public static void TellMigrating(string engine, MigrationStatus before)
    {
        if (before.Current is not null && before.Pending.Count > 0)
        {
            Console.Error.WriteLine(CommandAction.Printable(
                $"{engine}: migrating from {before.CurrentText} to {before.LatestText} ({before.Pending.Count} migration{(before.Pending.Count == 1 ? "" : "s")}: {string.Join(", ", before.Pending.Select(m => m.Id))})…"));
        }
    }
}
