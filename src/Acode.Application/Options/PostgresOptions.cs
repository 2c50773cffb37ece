using Acode.Application.Errors;

namespace Acode.Application.Options;

/// <summary>
/// Settings of the shared PostgreSQL database (configuration section <c>persistence:postgres</c>, AC-023); how the
/// outbox is delivered to it is <see cref="Sync.SyncOptions"/> (<c>persistence:sync</c>). PostgreSQL is optional: with no <see cref="ConnectionString"/> nothing is
/// synced and everything local keeps working (AC-025). The environment variable <c>ACODE_POSTGRES_URL</c>
/// overrides the connection string of the file (AC-024).
/// </summary>
public sealed class PostgresOptions
{
    /// <summary>The configuration key of <see cref="ConnectionString"/>, as named in error messages.</summary>
    public const string ConnectionStringKey = "persistence:postgres:connectionString";

    /// <summary>The environment variable that overrides <see cref="ConnectionString"/> (URL or key=value form).</summary>
    public const string EnvironmentVariable = "ACODE_POSTGRES_URL";

    /// <summary>Default of <see cref="PoolSize"/>: 10 connections.</summary>
    public const int DefaultPoolSize = 10;
    /// <summary>Default of <see cref="CommandTimeoutSeconds"/>: 30 seconds.</summary>
    public const int DefaultCommandTimeoutSeconds = 30;
    /// <summary>Default of <see cref="ConnectTimeoutSeconds"/>: 5 seconds.</summary>
    public const int DefaultConnectTimeoutSeconds = 5;

    /// <summary>
    /// Where the server is: a <c>postgresql://user:password@host:port/database?sslmode=…</c> URL or Npgsql
    /// <c>Host=…;Username=…;Database=…</c> pairs. Null or empty (the default): PostgreSQL is not configured.
    /// A password here is accepted but warned about; prefer <c>ACODE_POSTGRES_URL</c>, <c>PGPASSWORD</c> or <c>~/.pgpass</c>.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// The key <see cref="ConnectionString"/> came from, for error messages: <see cref="ConnectionStringKey"/> unless
    /// <see cref="OverrideConnectionString"/> replaced it. Not bindable from configuration.
    /// </summary>
    public string ConnectionStringSource { get; private set; } = ConnectionStringKey;

    /// <summary>Most connections open at once to PostgreSQL (Npgsql <c>Maximum Pool Size</c>). Default 10; 1 to 1000 (AC-028).</summary>
    public int PoolSize { get; set; } = DefaultPoolSize;

    /// <summary>Seconds one PostgreSQL command may run before it is cancelled (Npgsql <c>Command Timeout</c>). Default 30; 1 to 3600.</summary>
    public int CommandTimeoutSeconds { get; set; } = DefaultCommandTimeoutSeconds;

    /// <summary>Seconds to wait for a connection before reporting PostgreSQL unavailable (Npgsql <c>Timeout</c>). Default 5; 1 to 1024.</summary>
    public int ConnectTimeoutSeconds { get; set; } = DefaultConnectTimeoutSeconds;

    /// <summary>True when a connection string is set: PostgreSQL sync is wanted.</summary>
    public bool IsConfigured => !string.IsNullOrWhiteSpace(ConnectionString);

    /// <summary><see cref="CommandTimeoutSeconds"/> as a <see cref="TimeSpan"/>.</summary>
    public TimeSpan CommandTimeout => TimeSpan.FromSeconds(CommandTimeoutSeconds);

    /// <summary><see cref="ConnectTimeoutSeconds"/> as a <see cref="TimeSpan"/>.</summary>
    public TimeSpan ConnectTimeout => TimeSpan.FromSeconds(ConnectTimeoutSeconds);

    /// <summary>Replaces the connection string with one from another source (e.g. <see cref="EnvironmentVariable"/>), remembering where it came from.</summary>
    public void OverrideConnectionString(string connectionString, string sourceKey)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        ArgumentException.ThrowIfNullOrWhiteSpace(sourceKey);
        ConnectionString = connectionString;
        ConnectionStringSource = sourceKey;
    }

    /// <summary>The declarations of this section's settings: key, range, default, meaning (README table, binding, <see cref="Validate"/>).</summary>
    internal static IReadOnlyList<OptionDescriptor> Descriptors { get; } =
    [
        Section.Text("connectionString", "a `postgresql://` URL or Npgsql `key=value` pairs", o => o.ConnectionString, (o, v) => o.ConnectionString = v,
            "the shared PostgreSQL, as a URL (`postgresql://user@host:5432/db?sslmode=require`, parts percent-encoded) or Npgsql `Host=…;Username=…;Database=…` pairs. Unset: nothing is synced, everything local works. `ACODE_POSTGRES_URL` overrides it. A password here works but is warned about: prefer `ACODE_POSTGRES_URL`, `PGPASSWORD` or `~/.pgpass`. A pool size or timeout it sets (`connect_timeout`, `Timeout`, `Command Timeout`, `Maximum Pool Size`) is replaced by the keys below, with a warning.",
            secret: true),
        Section.Integer("poolSize", "connections", DefaultPoolSize, 1, 1000, o => o.PoolSize, (o, v) => o.PoolSize = (int)v,
            "most connections open at once"),
        Section.Integer("connectTimeoutSeconds", "seconds", DefaultConnectTimeoutSeconds, 1, 1024, o => o.ConnectTimeoutSeconds, (o, v) => o.ConnectTimeoutSeconds = (int)v,
            "wait for a connection before reporting ACODE-DB-006"),
        Section.Integer("commandTimeoutSeconds", "seconds", DefaultCommandTimeoutSeconds, 1, 3600, o => o.CommandTimeoutSeconds, (o, v) => o.CommandTimeoutSeconds = (int)v,
            "longest PostgreSQL command"),
    ];

    private static OptionSection<PostgresOptions> Section => new("persistence:postgres");

    /// <summary>Checks every value against its declaration in <see cref="Descriptors"/>. The connection string itself is parsed by the infrastructure.</summary>
    /// <exception cref="AcodeDbException">ACODE-DB-007 naming the first invalid key and its accepted values.</exception>
    public void Validate()
    {
        foreach (OptionDescriptor descriptor in Descriptors)
        {
            descriptor.Check(this);
        }
    }
}
