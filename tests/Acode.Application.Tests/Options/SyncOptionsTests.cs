using Acode.Application.Errors;
using Acode.Application.Options;
using Acode.Application.Sync;

namespace Acode.Application.Tests.Options;

public sealed class SyncOptionsTests
{
    [Theory]
    [InlineData(200, "\U0001F600", true)] // 200 emoji: 400 UTF-16 units, 200 characters
    [InlineData(201, "\U0001F600", false)]
    [InlineData(200, "x", true)]
    [InlineData(201, "x", false)]
    public void A_workspace_name_is_measured_in_characters_not_UTF16_units(int count, string character, bool accepted)
    {
        var options = new SyncOptions { WorkspaceName = string.Concat(Enumerable.Repeat(character, count)) };

        if (accepted)
        {
            options.Validate();
            return;
        }

        var ex = Assert.Throws<AcodeDbException>(options.Validate);
        Assert.Contains($"({count} characters)", ex.Message, StringComparison.Ordinal);
        Assert.Contains(string.Concat(Enumerable.Repeat(character, 20)) + "...", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_control_character_in_a_workspace_name_is_shown_as_its_escape()
    {
        var ex = Assert.Throws<AcodeDbException>(new SyncOptions { WorkspaceName = "evil\u001b[31mname" }.Validate);

        Assert.Contains("'evil\\u001B[31mname'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Defaults_are_the_documented_constants()
    {
        var options = new SyncOptions();

        Assert.Equal(500, options.BatchSize);
        Assert.Equal(16 * 1024 * 1024, options.MaxBatchBytes);
        Assert.Equal(5, options.PollIntervalSeconds);
        Assert.Equal(TimeSpan.FromMinutes(1), options.Lease);
        Assert.Equal(10, options.MaxAttempts);
        Assert.Equal(TimeSpan.FromSeconds(5), options.BaseBackoff);
        Assert.Equal(TimeSpan.FromHours(1), options.MaxBackoff);
        Assert.Equal(TimeSpan.FromMinutes(5), options.MaxClockSkew);
        options.Validate();
    }

    [Theory]
    [InlineData("batchSize", 0, "1 to 10000")]
    [InlineData("batchSize", 10001, "1 to 10000")]
    [InlineData("maxBatchBytes", 65535, "from 65536 to 268435456")]
    [InlineData("maxBatchBytes", 268435457, "from 65536 to 268435456")]
    [InlineData("pollIntervalSeconds", 0, "1 to 3600")]
    [InlineData("leaseSeconds", 4, "5 to 3600")]
    [InlineData("leaseSeconds", 3601, "5 to 3600")]
    [InlineData("maxAttempts", 0, "1 to 1000")]
    [InlineData("baseBackoffSeconds", 0, "1 to 3600")]
    [InlineData("maxBackoffSeconds", 86401, "1 to 86400")]
    [InlineData("maxClockSkewSeconds", 0, "1 to 86400")]
    public void Validate_names_the_key_the_value_and_the_accepted_values(string key, int value, string accepted)
    {
        var options = new SyncOptions();
        typeof(SyncOptions).GetProperty(char.ToUpperInvariant(key[0]) + key[1..])!.SetValue(options, value);

        AcodeDbException ex = Assert.Throws<AcodeDbException>(() => options.Validate());

        Assert.Equal("ACODE-DB-007", ex.Code);
        Assert.Equal($"Invalid configuration: persistence:sync:{key} = '{value}'.", ex.Message);
        Assert.Contains(accepted, ex.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_refuses_a_backoff_cap_below_the_first_delay()
    {
        var options = new SyncOptions { BaseBackoffSeconds = 60, MaxBackoffSeconds = 30 };

        AcodeDbException ex = Assert.Throws<AcodeDbException>(() => options.Validate());

        Assert.Equal("Invalid configuration: persistence:sync:maxBackoffSeconds = '30'.", ex.Message);
        Assert.Contains("from persistence:sync:baseBackoffSeconds (60)", ex.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public void PersistenceOptions_refuses_a_lease_that_can_expire_during_a_command()
    {
        var options = new PersistenceOptions
        {
            Postgres = new PostgresOptions { ConnectionString = "postgresql://a@db/x", CommandTimeoutSeconds = 30 },
            Sync = new SyncOptions { LeaseSeconds = 30 },
        };

        AcodeDbException ex = Assert.Throws<AcodeDbException>(options.Validate);

        Assert.Equal("Invalid configuration: persistence:sync:leaseSeconds = '30'.", ex.Message);
        Assert.Contains("greater than persistence:postgres:commandTimeoutSeconds (30)", ex.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public void PersistenceOptions_refuses_such_a_lease_also_without_PostgreSQL_against_the_default_command_timeout()
    {
        var options = new PersistenceOptions { Sync = new SyncOptions { LeaseSeconds = 10 } };

        AcodeDbException ex = Assert.Throws<AcodeDbException>(options.Validate);

        Assert.Equal("Invalid configuration: persistence:sync:leaseSeconds = '10'.", ex.Message);
        Assert.Contains("greater than persistence:postgres:commandTimeoutSeconds (30)", ex.Hint, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1, 5)]
    [InlineData(2, 10)]
    [InlineData(3, 20)]
    [InlineData(4, 40)]
    [InlineData(9, 1280)]
    [InlineData(10, 2560)]
    [InlineData(11, 3600)]
    [InlineData(50, 3600)]
    [Trait("AC", "AC-040")]
    public void Backoff_doubles_from_5_seconds_and_is_capped_at_3600(int attempts, int seconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(seconds), Backoff.Delay(attempts, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(3600)));
    }
}
