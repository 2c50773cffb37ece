using Acode.Application.Errors;
using Acode.Application.Options;
using Acode.Infrastructure;
using Acode.Infrastructure.Postgres;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Json;

namespace Acode.Cli;

/// <summary>
/// Reads <see cref="PersistenceOptions"/> from <c>.agent/config.json</c> (section <c>persistence</c>), overridden by
/// <c>ACODE_</c> environment variables (<c>ACODE_PERSISTENCE__SQLITE__BUSYTIMEOUTSECONDS=5</c>), and validates them once.
/// <c>ACODE_POSTGRES_URL</c> overrides <c>persistence:postgres:connectionString</c> (AC-024); a password written in the
/// file is accepted but produces a warning.
/// </summary>
internal static class WorkspaceConfiguration
{
    public static LoadedConfiguration Load(Workspace workspace)
    {
        IConfigurationRoot configuration;
        try
        {
            configuration = new ConfigurationBuilder()
                .AddJsonFile(workspace.ConfigPath, optional: true, reloadOnChange: false)
                .AddEnvironmentVariables("ACODE_")
                .Build();
        }
        catch (Exception ex) when (ex is FormatException or InvalidDataException or System.Text.Json.JsonException)
        {
            throw AcodeErrors.InvalidConfiguration(workspace.ConfigPath, "(unreadable)", $"a JSON object such as {{\"persistence\": {{\"sqlite\": {{\"busyTimeoutSeconds\": 30}}}}}} ({ex.Message})");
        }

        var options = new PersistenceOptions();
        try
        {
            configuration.GetSection(PersistenceOptions.SectionName).Bind(options);
        }
        catch (InvalidOperationException ex)
        {
            (string key, string value) = FindUnconvertible(configuration);
            throw AcodeErrors.InvalidConfiguration(key, value, AcceptedValuesOf(key) + $" ({ex.Message.Split(". ")[0].TrimEnd('.')})");
        }

        options.Validate();
        IReadOnlyList<string> warnings = PostgresConfiguration.Apply(
            options,
            FileValue(configuration, PostgresOptions.ConnectionStringKey),
            Environment.GetEnvironmentVariable(PostgresOptions.EnvironmentVariable),
            workspace.ConfigPath);
        return new LoadedConfiguration(options, warnings);
    }

    /// <summary>A value as written in the config file itself, ignoring environment overrides.</summary>
    private static string? FileValue(IConfigurationRoot configuration, string key)
    {
        foreach (IConfigurationProvider provider in configuration.Providers)
        {
            if (provider is JsonConfigurationProvider && provider.TryGet(key, out string? value))
            {
                return value;
            }
        }

        return null;
    }

    private static (string Key, string Value) FindUnconvertible(IConfiguration configuration)
    {
        IEnumerable<IConfigurationSection> children = configuration.GetSection("persistence:sqlite").GetChildren()
            .Concat(configuration.GetSection("persistence:postgres").GetChildren())
            .Concat(configuration.GetSection("persistence:retention").GetChildren());
        foreach (IConfigurationSection child in children)
        {
            bool ok = child.Key.ToUpperInvariant() switch
            {
                "SYNCHRONOUS" => Enum.TryParse<SqliteSynchronous>(child.Value, true, out _),
                "CONNECTIONSTRING" or "STATES" => true,
                _ => int.TryParse(child.Value, out _),
            };
            if (!ok)
            {
                return (child.Path, child.Value ?? string.Empty);
            }
        }

        return ("persistence", "(unreadable)");
    }

    private static string AcceptedValuesOf(string key) => key.ToUpperInvariant() switch
    {
        var k when k.EndsWith("SYNCHRONOUS", StringComparison.Ordinal) => "Normal, Full (default) or Extra",
        var k when k.EndsWith("BUSYTIMEOUTSECONDS", StringComparison.Ordinal) => "a whole number of seconds from 1 to 3600 (default 30)",
        var k when k.EndsWith("OUTBOXRETENTIONDAYS", StringComparison.Ordinal) => "a whole number of days from 0 to 3650 (default 7)",
        var k when k.EndsWith("POSTGRES:POOLSIZE", StringComparison.Ordinal) => "a whole number of connections from 1 to 1000 (default 10)",
        var k when k.EndsWith("POSTGRES:BATCHSIZE", StringComparison.Ordinal) => "a whole number of records from 1 to 10000 (default 500)",
        var k when k.EndsWith("POSTGRES:POLLINTERVALSECONDS", StringComparison.Ordinal) => "a whole number of seconds from 1 to 3600 (default 5)",
        var k when k.EndsWith("POSTGRES:LEASESECONDS", StringComparison.Ordinal) => "a whole number of seconds from 5 to 3600 (default 60)",
        var k when k.EndsWith("POSTGRES:MAXATTEMPTS", StringComparison.Ordinal) => "a whole number of attempts from 1 to 1000 (default 10)",
        var k when k.EndsWith("POSTGRES:BASEBACKOFFSECONDS", StringComparison.Ordinal) => "a whole number of seconds from 1 to 3600 (default 5)",
        var k when k.EndsWith("POSTGRES:MAXBACKOFFSECONDS", StringComparison.Ordinal) => "a whole number of seconds from 1 to 86400 (default 3600)",
        var k when k.EndsWith("POSTGRES:COMMANDTIMEOUTSECONDS", StringComparison.Ordinal) => "a whole number of seconds from 1 to 3600 (default 30)",
        var k when k.EndsWith("POSTGRES:CONNECTTIMEOUTSECONDS", StringComparison.Ordinal) => "a whole number of seconds from 1 to 1024 (default 5)",
        var k when k.EndsWith("RETENTION:OLDERTHANDAYS", StringComparison.Ordinal) => "a whole number of days from 1 to 36500, or 0 to turn retention off (default 0)",
        _ => "see the README's configuration table",
    };
}
