using Acode.Application.Errors;
using Acode.Application.Options;
using Acode.Infrastructure;
using Microsoft.Extensions.Configuration;

namespace Acode.Cli;

/// <summary>
/// Reads <see cref="PersistenceOptions"/> from <c>.agent/config.json</c> (section <c>persistence</c>), overridden by
/// <c>ACODE_</c> environment variables (<c>ACODE_PERSISTENCE__SQLITE__BUSYTIMEOUTSECONDS=5</c>), and validates them once.
/// </summary>
internal static class WorkspaceConfiguration
{
    public static PersistenceOptions Load(Workspace workspace)
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
            throw AcodeErrors.InvalidConfiguration(key, value, AcceptedValuesOf(key) + $" ({ex.Message.Split('.')[0]})");
        }

        options.Validate();
        return options;
    }

    private static (string Key, string Value) FindUnconvertible(IConfiguration configuration)
    {
        IConfigurationSection sqlite = configuration.GetSection("persistence:sqlite");
        foreach (IConfigurationSection child in sqlite.GetChildren())
        {
            bool ok = child.Key.ToUpperInvariant() switch
            {
                "SYNCHRONOUS" => Enum.TryParse<SqliteSynchronous>(child.Value, true, out _),
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
        _ => "see the README's configuration table",
    };
}
