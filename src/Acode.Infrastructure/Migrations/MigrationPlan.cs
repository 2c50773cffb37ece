using Acode.Application.Errors;

namespace Acode.Infrastructure.Migrations;

/// <summary>
/// The migrations one engine knows, in version order, and the rules every engine applies to a database's
/// applied history: a version this program does not know (or one newer than its latest) is ACODE-DB-004, and an
/// applied migration whose script changed since is ACODE-DB-003.
/// </summary>
internal sealed class MigrationPlan
{
    private readonly IReadOnlyList<Migration> _migrations;
    private readonly string _database;

    /// <param name="migrations">The migrations of one engine.</param>
    /// <param name="paramName">The caller's parameter that gave them (for its argument errors).</param>
    /// <param name="database">What errors call the database: <c>workspace database</c> or <c>PostgreSQL database</c>.</param>
    /// <exception cref="ArgumentException">No migration, or two with the same version.</exception>
    public MigrationPlan(IReadOnlyList<Migration> migrations, string paramName, string database)
    {
        _database = database;
        if (migrations.Count == 0)
        {
            throw new ArgumentException("At least one migration is required.", paramName);
        }

        if (migrations.GroupBy(m => m.Version).FirstOrDefault(g => g.Count() > 1) is { } duplicate)
        {
            throw new ArgumentException($"Migrations {string.Join(" and ", duplicate.Select(m => m.Id))} have the same version {duplicate.First().VersionText}; every version must be unique.", paramName);
        }

        // Applied, reported and compared (Latest) in version order, whatever order the caller listed them in.
        _migrations = [.. migrations.OrderBy(m => m.Version)];
    }

    public Version Latest => _migrations[^1].Version;

    /// <summary>Checks <paramref name="applied"/> and returns where the database stands.</summary>
    /// <exception cref="AcodeDbException">ACODE-DB-003 (edited migration) or ACODE-DB-004 (database newer than this program).</exception>
    public MigrationStatus StatusOf(IReadOnlyList<AppliedMigration> applied)
    {
        Validate(applied);
        var appliedVersions = applied.Select(a => a.Version).ToHashSet();
        return new MigrationStatus(applied, _migrations.Where(m => !appliedVersions.Contains(m.Version)).ToList(), applied.Count == 0 ? null : applied.Max(a => a.Version), Latest);
    }

    /// <summary>The migrations behind <paramref name="applied"/> (validated with <see cref="Validate"/>), in version order.</summary>
    public IReadOnlyList<Migration> Behind(IReadOnlyList<AppliedMigration> applied)
    {
        var appliedVersions = applied.Select(a => a.Version).ToHashSet();
        return [.. _migrations.Where(m => appliedVersions.Contains(m.Version))];
    }

    /// <exception cref="AcodeDbException">ACODE-DB-003 (edited migration) or ACODE-DB-004 (database newer than this program).</exception>
    public void Validate(IReadOnlyList<AppliedMigration> applied)
    {
        if (applied.Count == 0)
        {
            return;
        }

        Version newest = applied.Max(a => a.Version)!;
        if (newest > Latest)
        {
            throw AcodeErrors.SchemaTooNew(newest.ToString(3), Latest.ToString(3), _database);
        }

        foreach (AppliedMigration row in applied)
        {
            Migration? known = _migrations.FirstOrDefault(m => m.Version == row.Version);
            if (known is null)
            {
                throw AcodeErrors.SchemaTooNew(row.VersionText + " (unknown to this program)", Latest.ToString(3), _database);
            }

            if (!string.Equals(known.Checksum, row.Checksum, StringComparison.Ordinal))
            {
                throw AcodeErrors.MigrationChanged(known.Id, row.Checksum, known.Checksum);
            }
        }
    }
}
