using Acode.Application.Errors;
using Acode.Application.Options;
using Acode.Infrastructure.Postgres;
using Microsoft.Extensions.Configuration;

namespace Acode.Infrastructure.Tests.Postgres;

/// <summary>AC-023/AC-024: the config file's section, the <c>ACODE_POSTGRES_URL</c> override and the password warning, loaded as the CLI loads them.</summary>
public sealed class PostgresConfigurationTests : IDisposable
{
    private const string Password = "Zq9xKv-Wm4tR";
    private readonly string _folder = Directory.CreateTempSubdirectory("acode-config-").FullName;

    private string ConfigPath => Path.Combine(_folder, "config.json");

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    [Trait("AC", "AC-023")]
    public void The_file_configures_PostgreSQL_without_warnings_when_it_holds_no_password()
    {
        (PersistenceOptions options, IReadOnlyList<string> warnings) = Load("""{ "persistence": { "postgres": { "connectionString": "postgresql://acode@db/runs", "poolSize": 4 } } }""", environmentUrl: null);

        Assert.True(options.PostgresConfigured);
        Assert.Equal("postgresql://acode@db/runs", options.Postgres!.ConnectionString);
        Assert.Equal(PostgresOptions.ConnectionStringKey, options.Postgres.ConnectionStringSource);
        Assert.Equal(4, PostgresConnectionSettings.From(options.Postgres).PoolSize);
        Assert.Empty(warnings);
    }

    [Fact]
    [Trait("AC", "AC-024")]
    public void ACODE_POSTGRES_URL_overrides_the_connection_string_of_the_file()
    {
        (PersistenceOptions options, _) = Load(
            """{ "persistence": { "postgres": { "connectionString": "Host=file-db;Username=acode", "poolSize": 4 } } }""",
            environmentUrl: "postgresql://acode@env-db:5433/runs");

        Assert.Equal("postgresql://acode@env-db:5433/runs", options.Postgres!.ConnectionString);
        Assert.Equal(PostgresOptions.EnvironmentVariable, options.Postgres.ConnectionStringSource);
        Assert.Equal(4, options.Postgres.PoolSize);
        Assert.Equal("postgresql://acode@env-db:5433/runs", PostgresConnectionSettings.From(options.Postgres).Redacted);
    }

    [Fact]
    public void A_connect_timeout_in_the_URL_that_the_settings_replace_is_warned_about()
    {
        (_, IReadOnlyList<string> warnings) = Load(
            """{ "persistence": { "postgres": { "connectTimeoutSeconds": 7 } } }""",
            environmentUrl: "postgresql://acode@env-db/runs?connect_timeout=20");

        Assert.Equal(
            [$"The connection string ({PostgresOptions.EnvironmentVariable}) sets a connect timeout of 20 s (persistence:postgres:connectTimeoutSeconds, 7 s, is used): acode's settings decide these; set the key (in {ConfigPath} or as ACODE_PERSISTENCE__POSTGRES__…) and drop it from the connection string."],
            warnings);
    }

    [Fact]
    [Trait("AC", "AC-024")]
    public void ACODE_POSTGRES_URL_alone_configures_PostgreSQL_with_default_options()
    {
        (PersistenceOptions options, IReadOnlyList<string> warnings) = Load("""{ "persistence": { } }""", environmentUrl: $"Host=env-db;Username=acode;Password={Password}");

        Assert.True(options.PostgresConfigured);
        Assert.Equal(PostgresOptions.EnvironmentVariable, options.Postgres!.ConnectionStringSource);
        Assert.Equal(10, options.Postgres.PoolSize);
        Assert.Empty(warnings); // a password in the environment is the recommended place
    }

    [Fact]
    [Trait("AC", "AC-024")]
    [Trait("AC", "AC-058")]
    public void A_password_in_the_file_is_used_but_warned_about_without_showing_it()
    {
        (PersistenceOptions options, IReadOnlyList<string> warnings) = Load(
            $$"""{ "persistence": { "postgres": { "connectionString": "postgresql://acode:{{Password}}@db/runs" } } }""", environmentUrl: null);

        Assert.True(PostgresConnectionSettings.From(options.Postgres!).HasPassword);
        string warning = Assert.Single(warnings);
        Assert.Equal(
            $"{ConfigPath} holds a password in persistence:postgres:connectionString. Anyone who can read the file can read the password: prefer the ACODE_POSTGRES_URL environment variable, PGPASSWORD or a ~/.pgpass file.",
            warning);
        Assert.DoesNotContain(Password, warning, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("AC", "AC-024")]
    public void A_password_in_the_file_is_warned_about_even_when_the_environment_overrides_it()
    {
        (_, IReadOnlyList<string> warnings) = Load(
            $$"""{ "persistence": { "postgres": { "connectionString": "Host=db;Username=acode;Password={{Password}}" } } }""",
            environmentUrl: "postgresql://acode@env-db/runs");

        string warning = Assert.Single(warnings);
        Assert.Contains("(not used: ACODE_POSTGRES_URL overrides it)", warning, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, warning, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("AC", "AC-024")]
    [Trait("AC", "AC-058")]
    public void An_invalid_connection_string_in_the_file_is_ACODE_DB_007_naming_the_config_key()
    {
        AcodeDbException ex = Assert.Throws<AcodeDbException>(() => Load(
            $$"""{ "persistence": { "postgres": { "connectionString": "postgresql://acode:{{Password}}@db:x/runs" } } }""", environmentUrl: null));

        Assert.Equal(AcodeErrorCode.InvalidConfiguration, ex.ErrorCode);
        Assert.StartsWith("Invalid configuration: persistence:postgres:connectionString is not a usable PostgreSQL connection string", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    [Trait("AC", "AC-024")]
    [Trait("AC", "AC-058")]
    public void An_invalid_ACODE_POSTGRES_URL_is_ACODE_DB_007_naming_the_variable()
    {
        AcodeDbException ex = Assert.Throws<AcodeDbException>(() => Load("{}", environmentUrl: $"postgresql://acode:{Password}@db/runs?sslmode=maybe"));

        Assert.StartsWith("Invalid configuration: ACODE_POSTGRES_URL is not a usable PostgreSQL connection string: sslmode", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    [Trait("AC", "AC-024")]
    public void An_invalid_file_value_is_ignored_when_the_environment_overrides_it()
    {
        (PersistenceOptions options, IReadOnlyList<string> warnings) = Load(
            """{ "persistence": { "postgres": { "connectionString": "not a connection string" } } }""",
            environmentUrl: "postgresql://acode@env-db/runs");

        Assert.Equal(PostgresOptions.EnvironmentVariable, options.Postgres!.ConnectionStringSource);
        Assert.Empty(warnings);
    }

    [Fact]
    [Trait("AC", "AC-025")]
    public void No_PostgreSQL_anywhere_is_valid_and_silent()
    {
        (PersistenceOptions options, IReadOnlyList<string> warnings) = Load("{}", environmentUrl: null);

        Assert.False(options.PostgresConfigured);
        Assert.Empty(warnings);
    }

    /// <summary>What the CLI does: <see cref="Configuration.AcodeConfiguration.Bind"/> over the file, with the given <c>ACODE_POSTGRES_URL</c>.</summary>
    private (PersistenceOptions Options, IReadOnlyList<string> Warnings) Load(string json, string? environmentUrl)
    {
        File.WriteAllText(ConfigPath, json);
        IConfigurationRoot configuration = new ConfigurationBuilder().AddJsonFile(ConfigPath, optional: false, reloadOnChange: false).Build();
        var options = new PersistenceOptions();
        Configuration.PersistenceConfigurationBinder.Bind(configuration, options);
        options.Validate();
        IReadOnlyList<string> warnings = PostgresConfiguration.Apply(options, configuration[PostgresOptions.ConnectionStringKey], environmentUrl, ConfigPath);
        return (options, warnings);
    }
}
