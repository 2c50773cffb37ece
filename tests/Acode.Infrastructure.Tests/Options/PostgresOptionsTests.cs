using Acode.Application.Errors;
using Acode.Application.Options;
using Microsoft.Extensions.Configuration;

namespace Acode.Infrastructure.Tests.Options;

public sealed class PostgresOptionsTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("acode-options-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    [Trait("AC", "AC-028")]
    public void Defaults_are_the_documented_constants()
    {
        var options = new PostgresOptions();

        Assert.Null(options.ConnectionString);
        Assert.False(options.IsConfigured);
        Assert.Equal(PostgresOptions.ConnectionStringKey, options.ConnectionStringSource);
        Assert.Equal(10, options.PoolSize);
        Assert.Equal(PostgresOptions.DefaultPoolSize, options.PoolSize);
        Assert.Equal(30, options.CommandTimeoutSeconds);
        Assert.Equal(5, options.ConnectTimeoutSeconds);
        options.Validate();
    }

    [Fact]
    public void PostgreSQL_is_not_configured_by_default_or_with_an_empty_connection_string()
    {
        var persistence = new PersistenceOptions();
        Assert.Null(persistence.Postgres);
        Assert.False(persistence.PostgresConfigured);

        persistence.Postgres = new PostgresOptions { ConnectionString = "  " };
        Assert.False(persistence.PostgresConfigured);

        persistence.Postgres.ConnectionString = "postgresql://acode@db/acode";
        Assert.True(persistence.PostgresConfigured);
    }

    [Theory]
    [InlineData("poolSize", 0, "1 to 1000")]
    [InlineData("poolSize", 1001, "1 to 1000")]
    [InlineData("commandTimeoutSeconds", 0, "1 to 3600")]
    [InlineData("connectTimeoutSeconds", 0, "1 to 1024")]
    [InlineData("connectTimeoutSeconds", 1025, "1 to 1024")]
    public void Validate_names_the_key_the_value_and_the_accepted_values(string key, int value, string accepted)
    {
        var options = new PostgresOptions();
        typeof(PostgresOptions).GetProperty(char.ToUpperInvariant(key[0]) + key[1..])!.SetValue(options, value);

        AcodeDbException ex = Assert.Throws<AcodeDbException>(() => options.Validate());

        Assert.Equal(AcodeErrorCode.InvalidConfiguration, ex.ErrorCode);
        Assert.Equal("ACODE-DB-007", ex.Code);
        Assert.Equal($"Invalid configuration: persistence:postgres:{key} = '{value}'.", ex.Message);
        Assert.Contains($"Accepted values for persistence:postgres:{key}:", ex.Hint, StringComparison.Ordinal);
        Assert.Contains(accepted, ex.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public void PersistenceOptions_Validate_checks_the_postgres_section()
    {
        var options = new PersistenceOptions { Postgres = new PostgresOptions { PoolSize = 0 } };

        AcodeDbException ex = Assert.Throws<AcodeDbException>(options.Validate);

        Assert.Contains("persistence:postgres:poolSize", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OverrideConnectionString_records_where_the_value_came_from()
    {
        var options = new PostgresOptions { ConnectionString = "postgresql://file@db/acode" };

        options.OverrideConnectionString("postgresql://env@db/acode", PostgresOptions.EnvironmentVariable);

        Assert.Equal("postgresql://env@db/acode", options.ConnectionString);
        Assert.Equal("ACODE_POSTGRES_URL", options.ConnectionStringSource);
    }

    [Fact]
    [Trait("AC", "AC-023")]
    [Trait("AC", "AC-028")]
    public void The_persistence_postgres_and_sync_sections_of_the_config_file_bind_to_PersistenceOptions()
    {
        PersistenceOptions options = Bind("""
            {
              "persistence": {
                "sqlite": { "busyTimeoutSeconds": 12 },
                "postgres": {
                  "connectionString": "postgresql://acode@db.example.com:5433/runs?sslmode=require",
                  "poolSize": 25,
                  "commandTimeoutSeconds": 45,
                  "connectTimeoutSeconds": 9
                },
                "sync": {
                  "batchSize": 100,
                  "pollIntervalSeconds": 2,
                  "leaseSeconds": 120,
                  "maxAttempts": 7,
                  "baseBackoffSeconds": 3,
                  "maxBackoffSeconds": 600
                }
              }
            }
            """);

        Assert.Equal(12, options.Sqlite.BusyTimeoutSeconds);
        PostgresOptions postgres = Assert.IsType<PostgresOptions>(options.Postgres);
        Assert.True(options.PostgresConfigured);
        Assert.Equal("postgresql://acode@db.example.com:5433/runs?sslmode=require", postgres.ConnectionString);
        Assert.Equal(PostgresOptions.ConnectionStringKey, postgres.ConnectionStringSource);
        Assert.Equal(25, postgres.PoolSize);
        Assert.Equal(100, options.Sync.BatchSize);
        Assert.Equal(2, options.Sync.PollIntervalSeconds);
        Assert.Equal(120, options.Sync.LeaseSeconds);
        Assert.Equal(7, options.Sync.MaxAttempts);
        Assert.Equal(3, options.Sync.BaseBackoffSeconds);
        Assert.Equal(600, options.Sync.MaxBackoffSeconds);
        Assert.Equal(45, postgres.CommandTimeoutSeconds);
        Assert.Equal(9, postgres.ConnectTimeoutSeconds);
        options.Validate();
    }

    [Fact]
    public void ConnectionStringSource_is_not_a_setting_and_is_refused_as_unknown()
    {
        AcodeDbException ex = Assert.Throws<AcodeDbException>(() => Bind("""{ "persistence": { "postgres": { "connectionStringSource": "ACODE_POSTGRES_URL" } } }"""));

        Assert.StartsWith("Invalid configuration: persistence:postgres:connectionStringSource (from ", ex.Message, StringComparison.Ordinal);
        Assert.EndsWith("is not a setting acode knows.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("AC", "AC-023")]
    public void A_config_file_without_a_postgres_section_leaves_PostgreSQL_unconfigured()
    {
        PersistenceOptions options = Bind("""{ "persistence": { "sqlite": { "busyTimeoutSeconds": 30 } } }""");

        Assert.Null(options.Postgres);
        Assert.False(options.PostgresConfigured);
        options.Validate();
    }

    [Fact]
    [Trait("AC", "AC-023")]
    public void A_postgres_section_without_a_connection_string_keeps_its_defaults_and_is_not_configured()
    {
        PersistenceOptions options = Bind("""{ "persistence": { "postgres": { "poolSize": 3 } } }""");

        Assert.NotNull(options.Postgres);
        Assert.Equal(3, options.Postgres.PoolSize);
        Assert.Equal(30, options.Postgres.CommandTimeoutSeconds);
        Assert.False(options.PostgresConfigured);
    }

    private PersistenceOptions Bind(string json)
    {
        string path = Path.Combine(_folder, "config.json");
        File.WriteAllText(path, json);
        IConfigurationRoot configuration = new ConfigurationBuilder().AddJsonFile(path, optional: false, reloadOnChange: false).Build();
        var options = new PersistenceOptions();
        Configuration.PersistenceConfigurationBinder.Bind(configuration, options);
        return options;
    }
}
