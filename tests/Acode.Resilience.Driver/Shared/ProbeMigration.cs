using Acode.Infrastructure.Migrations;

namespace Acode.Resilience.Driver.Shared;

/// <summary>
/// A heavy extra migration (version 99.0.0, beyond anything shipped) for the crash-during-migration scenario: it
/// creates and fills a table, indexes it and changes an existing table, so a kill lands inside it with good odds.
/// Applied, it leaves exactly <see cref="Rows"/> rows in <c>probe_rows</c> and every session marked.
/// </summary>
public static class ProbeMigration
{
    public const int Rows = 120_000;

    public static readonly Version Version = new(99, 0, 0);

    public static string Script { get; } = $"""
        CREATE TABLE probe_rows (id INTEGER PRIMARY KEY, payload TEXT NOT NULL) STRICT;
        WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {Rows})
        INSERT INTO probe_rows (id, payload) SELECT i, hex(randomblob(48)) FROM n;
        CREATE INDEX ix_probe_rows_payload ON probe_rows (payload);
        ALTER TABLE sessions ADD COLUMN probe_note TEXT;
        UPDATE sessions SET probe_note = 'migrated';
        """;

    public static Migration Create() => new(Version, "ResilienceProbe", Script);

    /// <summary>The migrations shipped with acode plus the probe.</summary>
    public static IReadOnlyList<Migration> WithShipped() => [.. MigrationCatalog.For(MigrationCatalog.Sqlite), Create()];
}
