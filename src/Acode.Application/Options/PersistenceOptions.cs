using Acode.Application.Errors;

namespace Acode.Application.Options;

/// <summary>All persistence settings (configuration section <c>persistence</c> of <c>.agent/config.json</c>).</summary>
public sealed class PersistenceOptions
{
    /// <summary>The configuration section all settings live under: <c>persistence</c> (<c>persistence:sqlite:busyTimeoutSeconds</c>, …).</summary>
    public const string SectionName = "persistence";

    /// <summary>The local SQLite store (<c>persistence:sqlite</c>).</summary>
    public SqliteOptions Sqlite { get; set; } = new();

    /// <summary>
    /// The shared PostgreSQL database (section <c>persistence:postgres</c>); null, or a null/empty connection
    /// string, means PostgreSQL is not configured and nothing is synced (see <see cref="PostgresConfigured"/>).
    /// </summary>
    public PostgresOptions? Postgres { get; set; }

    /// <summary>How the outbox is delivered to PostgreSQL (section <c>persistence:sync</c>).</summary>
    public Sync.SyncOptions Sync { get; set; } = new();

    /// <summary>Automatic removal of old sessions (section <c>persistence:retention</c>); off by default.</summary>
    public RetentionOptions Retention { get; set; } = new();

    /// <summary>Secret redaction before anything is stored (section <c>persistence:redaction</c>).</summary>
    public RedactionOptions Redaction { get; set; } = new();

    /// <summary>Which run-state store an agent host uses (section <c>persistence:store</c>); SQLite by default.</summary>
    public StoreOptions Store { get; set; } = new();

    /// <summary>True when <see cref="Postgres"/> names a server to sync with.</summary>
    public bool PostgresConfigured => Postgres is { IsConfigured: true };

    /// <summary>The options object that holds the settings of <paramref name="section"/> (a <see cref="OptionDescriptor.Section"/>); <see cref="Postgres"/> is created when <paramref name="create"/>.</summary>
    /// <returns>The section object, or null for <see cref="Postgres"/> when it is unset and not created.</returns>
    /// <exception cref="ArgumentException">No such section.</exception>
    public object? SectionOf(string section, bool create = false) => section switch
    {
        SectionName + ":sqlite" => Sqlite,
        SectionName + ":postgres" => create ? Postgres ??= new PostgresOptions() : Postgres,
        SectionName + ":sync" => Sync,
        SectionName + ":retention" => Retention,
        SectionName + ":redaction" => Redaction,
        SectionName + ":store" => Store,
        _ => throw new ArgumentException($"No options section '{section}'.", nameof(section)),
    };

    /// <summary>Checks every section (<see cref="Sqlite"/>, PostgreSQL, sync, redaction, retention, store) and their combinations.</summary>
    /// <exception cref="Errors.AcodeDbException">ACODE-DB-007 naming the first invalid key.</exception>
    public void Validate()
    {
        Sqlite.Validate();
        Postgres?.Validate();
        Sync.Validate();
        Retention.Validate();
        Redaction.Validate();
        Store.Validate();
        if (Store.Kind == RunStateStoreKind.Postgres && !PostgresConfigured)
        {
            throw AcodeErrors.InvalidConfiguration(
                StoreOptions.KindKey, Store.Kind.ToString(),
                $"Sqlite, or Postgres together with {PostgresOptions.ConnectionStringKey} (or {PostgresOptions.EnvironmentVariable})");
        }

        // A lease that can expire while its batch is still being pushed lets another process claim the same
        // records: harmless (idempotency keys), but wasted work on every slow batch. Checked whether or not a
        // PostgreSQL is configured (against the default command timeout when none is), so that a setting is refused
        // by every command alike, not only by the ones that sync.
        int commandTimeoutSeconds = Postgres?.CommandTimeoutSeconds ?? PostgresOptions.DefaultCommandTimeoutSeconds;
        if (Sync.LeaseSeconds <= commandTimeoutSeconds)
        {
            throw AcodeErrors.InvalidConfiguration(
                $"{SectionName}:sync:leaseSeconds",
                Sync.LeaseSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
                $"a whole number of seconds greater than {SectionName}:postgres:commandTimeoutSeconds ({commandTimeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)}) and at most 3600 (default 60), or a lower {SectionName}:postgres:commandTimeoutSeconds");
        }
    }
}
