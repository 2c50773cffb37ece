using Acode.Application.Errors;
using Acode.Application.Options;
using Acode.Infrastructure.Postgres;
using Npgsql;

namespace Acode.Infrastructure.Tests.Postgres;

public sealed class PostgresConnectionSettingsTests
{
    private const string Password = "Zq9xKv-Wm4tR";
    private const string EnvKey = PostgresOptions.EnvironmentVariable;

    [Theory]
    [Trait("AC", "AC-024")]
    [InlineData("postgresql://acode:Zq9xKv-Wm4tR@db.example.com:5433/runs?sslmode=require")]
    [InlineData("postgres://acode:Zq9xKv-Wm4tR@db.example.com:5433/runs?sslmode=require")]
    [InlineData("POSTGRESQL://acode:Zq9xKv-Wm4tR@db.example.com:5433/runs?sslmode=require")]
    [InlineData("Host=db.example.com;Port=5433;Username=acode;Password=Zq9xKv-Wm4tR;Database=runs;SSL Mode=Require")]
    [InlineData("  host=db.example.com; port=5433; user id=acode; password=Zq9xKv-Wm4tR; database=runs; sslmode=require  ")]
    public void Parse_accepts_the_URL_and_the_key_value_form(string value)
    {
        PostgresConnectionSettings settings = PostgresConnectionSettings.Parse(value, EnvKey);

        var builder = new NpgsqlConnectionStringBuilder(settings.ConnectionString);
        Assert.Equal("db.example.com", builder.Host);
        Assert.Equal(5433, builder.Port);
        Assert.Equal("acode", builder.Username);
        Assert.Equal(Password, builder.Password);
        Assert.Equal("runs", builder.Database);
        Assert.Equal(SslMode.Require, builder.SslMode);
        Assert.True(settings.HasPassword);
        Assert.Equal("db.example.com", settings.Host);
        Assert.Equal(5433, settings.Port);
        Assert.Equal("runs", settings.Database);
        Assert.Equal("acode", settings.Username);
        Assert.Equal(EnvKey, settings.SourceKey);
        Assert.Equal("postgresql://acode@db.example.com:5433/runs", settings.Redacted);
        Assert.Equal(settings.Redacted, settings.ToString());
    }

    [Fact]
    [Trait("AC", "AC-024")]
    public void Parse_percent_decodes_every_part_of_a_URL()
    {
        PostgresConnectionSettings settings = PostgresConnectionSettings.Parse(
            "postgresql://team%40acode:p%40ss%3Aw%2Frd%23%3F%26@db.example.com/run%20state?application_name=my%20agent", EnvKey);

        var builder = new NpgsqlConnectionStringBuilder(settings.ConnectionString);
        Assert.Equal("team@acode", builder.Username);
        Assert.Equal("p@ss:w/rd#?&", builder.Password);
        Assert.Equal("run state", builder.Database);
        Assert.Equal("my agent", builder.ApplicationName);
        Assert.Equal(5432, builder.Port);
        Assert.Equal("postgresql://team%40acode@db.example.com:5432/run%20state", settings.Redacted);
    }

    [Fact]
    [Trait("AC", "AC-024")]
    public void Parse_maps_the_libpq_URL_parameters()
    {
        PostgresConnectionSettings settings = PostgresConnectionSettings.Parse(
            "postgresql://db.example.com/runs?user=acode&password=Zq9xKv-Wm4tR&port=6000&sslmode=verify-full&gssencmode=require&target_session_attrs=read-write&Keepalive=30", EnvKey);

        var builder = new NpgsqlConnectionStringBuilder(settings.ConnectionString);
        Assert.Equal("acode", builder.Username);
        Assert.Equal(Password, builder.Password);
        Assert.Equal(6000, builder.Port);
        Assert.Equal(SslMode.VerifyFull, builder.SslMode);
        Assert.Equal(GssEncryptionMode.Require, builder.GssEncryptionMode);
        Assert.Equal("read-write", builder.TargetSessionAttributes);
        Assert.Equal(30, builder.KeepAlive);
    }

    [Fact]
    [Trait("AC", "AC-024")]
    public void Parse_accepts_several_hosts_IPv6_and_Unix_sockets()
    {
        PostgresConnectionSettings several = PostgresConnectionSettings.Parse("postgresql://acode@db1:5433,db2:5434/runs", EnvKey);
        Assert.Equal("db1:5433,db2:5434", several.Host);
        Assert.Equal("postgresql://acode@db1:5433,db2:5434/runs", several.Redacted);

        PostgresConnectionSettings ipv6 = PostgresConnectionSettings.Parse("postgresql://acode@[::1]:5433/runs", EnvKey);
        Assert.Equal("::1", ipv6.Host);
        Assert.Equal(5433, ipv6.Port);
        Assert.Equal("postgresql://acode@[::1]:5433/runs", ipv6.Redacted);

        PostgresConnectionSettings socket = PostgresConnectionSettings.Parse("postgresql:///runs?host=%2Fvar%2Frun%2Fpostgresql", EnvKey);
        Assert.Equal("/var/run/postgresql", socket.Host);
        Assert.Equal("postgresql:///runs?host=%2Fvar%2Frun%2Fpostgresql&port=5432", socket.Redacted);
    }

    [Theory]
    [InlineData("postgresql://r_quote%3ASecret9InUser@db:5433/runs", "postgresql://r_quote%3A***@db:5433/runs")]
    [InlineData("Host=db;Port=5433;Username=\"r_semi;Password=Secret9InUser\";Database=runs", "postgresql://r_semi%3B***@db:5433/runs")]
    [InlineData("postgresql://team%40acode@db:5433/runs", "postgresql://team%40acode@db:5433/runs")]
    public void A_user_name_holding_a_colon_or_a_semicolon_is_shown_up_to_it(string connectionString, string redacted)
    {
        // Trial AU 7: a password put in the user name by mistake was shown in the target, in every message naming it.
        PostgresConnectionSettings settings = PostgresConnectionSettings.Parse(connectionString, EnvKey);

        Assert.Equal(redacted, settings.Redacted);
        Assert.Equal(redacted, PostgresConnectionSettings.Redact(settings.ConnectionString));
    }

    [Fact]
    [Trait("AC", "AC-024")]
    public void A_connection_string_without_a_password_says_so()
    {
        PostgresConnectionSettings settings = PostgresConnectionSettings.Parse("postgresql://acode@db/runs", EnvKey);

        Assert.False(settings.HasPassword);
        Assert.Null(new NpgsqlConnectionStringBuilder(settings.ConnectionString).Password);
    }

    [Fact]
    [Trait("AC", "AC-028")]
    public void The_pool_size_is_10_by_default()
    {
        PostgresConnectionSettings settings = PostgresConnectionSettings.Parse("postgresql://acode@db/runs", EnvKey);

        var builder = new NpgsqlConnectionStringBuilder(settings.ConnectionString);
        Assert.Equal(10, builder.MaxPoolSize);
        Assert.Equal(10, settings.PoolSize);
        Assert.Contains("Maximum Pool Size=10", settings.ConnectionString, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("AC", "AC-028")]
    public void The_options_set_the_pool_size_and_timeouts_over_the_connection_string()
    {
        var options = new PostgresOptions
        {
            ConnectionString = "Host=db;Username=acode;Maximum Pool Size=99;Minimum Pool Size=50;Timeout=60;Command Timeout=0;Include Error Detail=true;Persist Security Info=true",
            PoolSize = 25,
            ConnectTimeoutSeconds = 7,
            CommandTimeoutSeconds = 40,
        };

        PostgresConnectionSettings settings = PostgresConnectionSettings.From(options);

        var builder = new NpgsqlConnectionStringBuilder(settings.ConnectionString);
        Assert.Equal(25, builder.MaxPoolSize);
        Assert.Equal(25, builder.MinPoolSize);
        Assert.Equal(7, builder.Timeout);
        Assert.Equal(40, builder.CommandTimeout);
        Assert.False(builder.IncludeErrorDetail);
        Assert.False(builder.PersistSecurityInfo);
        Assert.Equal("acode", builder.ApplicationName);
        Assert.Equal(PostgresOptions.ConnectionStringKey, settings.SourceKey);
        Assert.Equal(
            ["a connect timeout of 60 s (persistence:postgres:connectTimeoutSeconds, 7 s, is used)", "a command timeout of 0 s (persistence:postgres:commandTimeoutSeconds, 40 s, is used)", "a pool of 99 connections (persistence:postgres:poolSize, 25, is used)"],
            settings.ReplacedSettings);
    }

    /// <summary>
    /// A URL's <c>connect_timeout</c> (or <c>Timeout=</c>) the options replace is said, also at Npgsql's own default
    /// value (15 s); one equal to the option's, or none, is not (trial X: it was range-checked, then silently replaced).
    /// </summary>
    [Theory]
    [InlineData("postgresql://acode@db/acode?connect_timeout=20", "a connect timeout of 20 s (persistence:postgres:connectTimeoutSeconds, 5 s, is used)")]
    [InlineData("postgresql://acode@db/acode?connect_timeout=15", "a connect timeout of 15 s (persistence:postgres:connectTimeoutSeconds, 5 s, is used)")]
    [InlineData("Host=db;Username=acode;Timeout=20", "a connect timeout of 20 s (persistence:postgres:connectTimeoutSeconds, 5 s, is used)")]
    [InlineData("postgresql://acode@db/acode?connect_timeout=5", null)]
    [InlineData("postgresql://acode@db/acode", null)]
    public void The_settings_the_options_replace_are_named(string connectionString, string? replaced)
    {
        PostgresConnectionSettings settings = PostgresConnectionSettings.From(new PostgresOptions { ConnectionString = connectionString });

        Assert.Equal(replaced is null ? [] : [replaced], settings.ReplacedSettings);
    }

    [Fact]
    public void From_refuses_options_without_a_connection_string()
    {
        Assert.Throws<InvalidOperationException>(() => PostgresConnectionSettings.From(new PostgresOptions()));
    }

    [Theory]
    [Trait("AC", "AC-024")]
    [Trait("AC", "AC-058")]
    [InlineData("", "it is empty")]
    [InlineData("Zq9xKv-Wm4tR", "it is neither a postgresql:// URL nor key=value pairs")]
    [InlineData("mysql://acode:Zq9xKv-Wm4tR@db/runs", "it is neither a postgresql:// URL nor key=value pairs")]
    [InlineData("postgresql://acode:Zq9xKv-Wm4tR@/runs", "it names no host")]
    [InlineData("postgresql://acode:Zq9xKv-Wm4tR@db:port/runs", "the port is not a number from 1 to 65535")]
    [InlineData("postgresql://acode:Zq9xKv-Wm4tR@db:70000/runs", "the port is not a number from 1 to 65535")]
    [InlineData("postgresql://acode:Zq9xKv/Wm4tR@db/runs", "the port is not a number from 1 to 65535")]
    [InlineData("postgresql://acode:Zq9xKv-Wm4tR@db/runs/extra", "the URL path must be just the database name")]
    [InlineData("postgresql://acode:Zq9xKv#Wm4tR@db/runs", "the URL contains '#'")]
    [InlineData("postgresql://acode:Zq9x%ZZKvWm4tR@db/runs", "the URL contains a '%' that is not followed by two hexadecimal digits")]
    [InlineData("postgresql://acode:Zq9xKvWm4tR%@db/runs", "the URL contains a '%' that is not followed by two hexadecimal digits")]
    [InlineData("postgresql://acode:Zq9xKv-Wm4tR@db/runs%2", "the URL contains a '%' that is not followed by two hexadecimal digits")]
    [InlineData("postgresql://acode:Zq9xKv-Wm4tR@db/runs?sslmode=sometimes", "sslmode is not one of disable, allow, prefer, require, verify-ca, verify-full")]
    [InlineData("postgresql://acode:Zq9xKv-Wm4tR@db/runs?gssencmode=allow", "gssencmode is not one of disable, prefer, require")]
    [InlineData("postgresql://acode:Zq9xKv-Wm4tR@db/runs?Zq9xKv=1", "a URL parameter is unknown (it is not shown: it may be part of a password; accepted: sslmode, ")]
    [InlineData("postgresql://acode:Zq9xKv-Wm4tR@db/runs?sslmdoe=require", "the URL parameter 'sslmdoe' is unknown (did you mean 'sslmode'?)")]
    [InlineData("postgresql://acode:Zq9xKv-Wm4tR@db/runs?Pooling=Zq9xKv", "the URL parameter 'Pooling' has a value of the wrong type")]
    [InlineData("postgresql://acode:Zq9xKv-Wm4tR@db/runs?connect_timeout=soon", "connect_timeout is not a number of seconds from 0 to 1024")]
    [InlineData("postgresql://acode:Zq9xKv-Wm4tR@db/runs?novalue", "a URL parameter is not of the form name=value")]
    [InlineData("postgresql://acode:Zq9xKv-Wm4tR@[::1/runs", "an IPv6 host is not written [address] or [address]:port")]
    [InlineData("Host=db;Password=Zq9xKv;Wm4tR;Username=acode", "a keyword is not one Npgsql knows (it is not shown")]
    [InlineData("Host=db;Password=Zq9xKv;Wm4tR=x;Username=acode", "a keyword is not one Npgsql knows (it is not shown")]
    [InlineData("Host=db;Pasword=Zq9xKv-Wm4tR", "the keyword 'Pasword' is not one Npgsql knows (did you mean 'Password'?)")]
    [InlineData("host=localhost port=5432 user=acode dbname=runs password=Zq9xKv-Wm4tR", "it reads as libpq's keyword=value pairs separated by spaces")] // trial AM 2: the host was the rest, password included
    [InlineData("password=Zq9xKv-Wm4tR host=localhost dbname=runs", "it reads as libpq's keyword=value pairs separated by spaces")]
    [InlineData("Host=db password=Zq9xKv-Wm4tR;Database=runs", "it reads as libpq's keyword=value pairs separated by spaces")]
    [InlineData("Host=db;Port=Zq9xKv-Wm4tR", "the keyword 'Port' has a value of the wrong type")]
    [InlineData("Username=acode;Password=Zq9xKv-Wm4tR", "it names no host")]
    public void Parse_errors_name_the_key_and_never_echo_the_value(string value, string problem)
    {
        AcodeDbException ex = Assert.Throws<AcodeDbException>(() => PostgresConnectionSettings.Parse(value, EnvKey));

        Assert.Equal(AcodeErrorCode.InvalidConfiguration, ex.ErrorCode);
        Assert.StartsWith($"Invalid configuration: {EnvKey} is not a usable PostgreSQL connection string: {problem}", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"Accepted values for {EnvKey}: a URL such as postgresql://", ex.Hint, StringComparison.Ordinal);
        Assert.Null(ex.InnerException);
        foreach (string text in new[] { ex.Message, ex.Hint, ex.ToString() })
        {
            Assert.DoesNotContain("Zq9xKv", text, StringComparison.Ordinal);
            Assert.DoesNotContain("Wm4tR", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    [Trait("AC", "AC-024")]
    public void Parse_errors_name_the_config_key_when_the_value_came_from_the_file()
    {
        var options = new PostgresOptions { ConnectionString = "postgresql://acode:Zq9xKv-Wm4tR@db:x/runs" };

        AcodeDbException ex = Assert.Throws<AcodeDbException>(() => PostgresConnectionSettings.From(options));

        Assert.StartsWith("Invalid configuration: persistence:postgres:connectionString is not a usable", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, ex.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [Trait("AC", "AC-058")]
    [InlineData("Host=db;Port=5433;Username=acode;Password=Zq9xKv-Wm4tR;Database=runs", "postgresql://acode@db:5433/runs")]
    [InlineData("Host=db;Password=Zq9xKv-Wm4tR", "postgresql://db:5432/")]
    [InlineData("Host=db;Nonsense=Zq9xKv-Wm4tR", "PostgreSQL (unreadable connection string)")]
    [InlineData(null, "postgresql:///")]
    public void Redact_never_returns_the_password_and_never_throws(string? connectionString, string expected)
    {
        Assert.Equal(expected, PostgresConnectionSettings.Redact(connectionString));
    }
}
