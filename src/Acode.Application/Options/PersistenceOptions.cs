namespace Acode.Application.Options;

/// <summary>All persistence settings (configuration section <c>persistence</c> of <c>.agent/config.json</c>).</summary>
public sealed class PersistenceOptions
{
    public const string SectionName = "persistence";

    public SqliteOptions Sqlite { get; set; } = new();

    /// <summary>
    /// The shared PostgreSQL database (section <c>persistence:postgres</c>); null, or a null/empty connection
    /// string, means PostgreSQL is not configured and nothing is synced (see <see cref="PostgresConfigured"/>).
    /// </summary>
    public PostgresOptions? Postgres { get; set; }

    /// <summary>How the outbox is delivered to PostgreSQL (section <c>persistence:sync</c>).</summary>
    public Sync.SyncOptions Sync { get; set; } = new();

    /// <summary>True when <see cref="Postgres"/> names a server to sync with.</summary>
    public bool PostgresConfigured => Postgres is { IsConfigured: true };

    /// <exception cref="Errors.AcodeDbException">ACODE-DB-007 naming the first invalid key.</exception>
    public void Validate()
    {
        Sqlite.Validate($"{SectionName}:sqlite");
        Postgres?.Validate($"{SectionName}:postgres");
        Sync.Validate($"{SectionName}:sync");
    }
}
