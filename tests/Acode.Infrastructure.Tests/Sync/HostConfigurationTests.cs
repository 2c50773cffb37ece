using System.Text.Json;
using Acode.Application;
using Acode.Application.Options;
using Acode.Infrastructure.Configuration;
using Acode.Infrastructure.Tests.Support;
using Acode.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Acode.Infrastructure.Tests.Sync;

/// <summary>
/// Issue 10 item 12: a host loads exactly the CLI's configuration (<c>.agent/config.json</c> and <c>ACODE_</c> variables)
/// with <c>AddAcodePersistence(workspace)</c>, validated on start, and one save logs no per-command or per-record line
/// at Information.
/// </summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class HostConfigurationTests(PostgresFixture fixture) : IDisposable
{
    private readonly TempWorkspace _workspace = new();

    [Fact]
    public async Task A_config_json_value_reaches_the_options_of_the_host()
    {
        WriteConfig("""{ "persistence": { "sync": { "pollIntervalSeconds": 7 }, "sqlite": { "synchronous": "normal" } } }""");
        HostApplicationBuilder builder = Host.CreateApplicationBuilder();
        builder.Services.AddAcodePersistence(_workspace.Workspace);
        using IHost host = builder.Build();

        await host.StartAsync();
        try
        {
            PersistenceOptions options = host.Services.GetRequiredService<PersistenceOptions>();
            Assert.Equal(7, options.Sync.PollIntervalSeconds);
            Assert.Equal(SqliteSynchronous.Normal, options.Sqlite.Synchronous);
            Assert.False(options.PostgresConfigured);
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Theory]
    [InlineData("""{ "persistence": { "sync": { "batchSize": "abc" } } }""", "persistence:sync:batchSize = 'abc' (from {0})", "a whole number of records from 1 to 10000")]
    [InlineData("""{ "persistence": { "sync": { "batchSize": 0 } } }""", "persistence:sync:batchSize = '0' (from {0})", "a whole number of records from 1 to 10000")]
    [InlineData("""{ "persistence": { "sqlite": { "synchronous": true } } }""", "persistence:sqlite:synchronous = 'True' (from {0})", "Normal, Full (default) or Extra")]
    [InlineData("""{ "persistence": { "sqlite": { "busyTimeout": 5 } } }""", "persistence:sqlite:busyTimeout (from {0}) is not a setting acode knows; did you mean persistence:sqlite:busyTimeoutSeconds?", "Known settings:")]
    [InlineData("{ \"persistence\": {\n \"sync\": 5,\n", "{0} is not valid JSON: the file ends before its JSON is complete", "Fix the file")]
    [InlineData("{ \"persistence\": {\n \"sync\": 5\n \"store\": 1 } }", "{0} is not valid JSON: line 3, column 2:", "Fix the file")]
    [InlineData("{ \"persistance\": { \"sync\": { \"batchSize\": 5 } } }", "'persistance' at the top of {0} is not a section acode knows; did you mean persistence?", "Fix or remove it in ")]
    [InlineData("""{ "persistence": { "token=ghp_Zq8Kx1Lm2Np3Rs4Tu5Vw6Xy7Ab8Cd9Ef0GhIj": 1 } }""", "persistence:token=[REDACTED:github-token] (from {0}) is not a setting acode knows", "Known settings:")] // trial AV F9: a secret pasted as a key
    [InlineData("""{ "token=ghp_Zq8Kx1Lm2Np3Rs4Tu5Vw6Xy7Ab8Cd9Ef0GhIj": 1 }""", "'token=[REDACTED:github-token]' at the top of {0} is not a section acode knows", "Fix or remove it in ")]
    public async Task An_invalid_setting_in_config_json_stops_the_host_on_start_naming_the_key(string json, string expected, string accepted)
    {
        WriteConfig(json);

        OptionsValidationException ex = await StartFailsAsync();

        Assert.StartsWith("ACODE-DB-007: Invalid configuration: ", ex.Message, StringComparison.Ordinal);
        Assert.Contains(string.Format(System.Globalization.CultureInfo.InvariantCulture, expected, _workspace.Workspace.ConfigPath), ex.Message, StringComparison.Ordinal);
        Assert.Contains(accepted, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_invalid_ACODE_variable_stops_the_host_on_start_naming_the_variable()
    {
        const string variable = "ACODE_PERSISTENCE__SYNC__MAXATTEMPTS";

        OptionsValidationException ex = await StartFailsAsync(variable, "many");

        Assert.Contains($"persistence:sync:maxAttempts = 'many' (from the environment variable {variable})", ex.Message, StringComparison.Ordinal);
        Assert.Contains("a whole number of attempts from 1 to 1000 (default 10)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_ACODE_variable_holding_a_secret_is_named_with_its_marker()
    {
        // Trial AW W4: the key was redacted, but the variable named as its source was quoted whole (upper case, so a ghp_
        // token was not found), twice.
        OptionsValidationException ex = await StartFailsAsync("ACODE_PERSISTENCE__AKIA" + "QWERTYZ234567ABC", "1");

        Assert.Contains("(from the environment variable ACODE_PERSISTENCE__[REDACTED:aws-access-key-id])", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("QWERTYZ234567ABC", ex.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task The_CLI_and_the_host_load_the_same_options_from_the_same_sources()
    {
        WriteConfig("""{ "persistence": { "postgres": { "connectionString": "postgresql://acode@db.example/runs", "poolSize": 3 }, "sync": { "leaseSeconds": 90 } } }""");
        LoadedPersistenceOptions cli = AcodeConfiguration.Load(_workspace.Workspace);
        var services = new ServiceCollection().AddLogging();
        services.AddAcodePersistence(_workspace.Workspace);
        await using ServiceProvider provider = services.BuildServiceProvider();

        PersistenceOptions host = provider.GetRequiredService<PersistenceOptions>();

        foreach (OptionDescriptor option in PersistenceOptionCatalog.All)
        {
            Assert.Equal(Value(cli.Options, option), Value(host, option));
        }

        Assert.Equal(3, host.Postgres!.PoolSize);
        Assert.Equal(90, host.Sync.LeaseSeconds);
    }

    [Fact]
    public async Task One_save_with_PostgreSQL_logs_no_per_command_or_per_record_line_at_Information()
    {
        IReadOnlyCollection<(LogLevel Level, string Category, string Message)> information = await SaveAndSyncOnceAsync(await fixture.CreateDatabaseAsync(), LogLevel.Information);
        IReadOnlyCollection<(LogLevel Level, string Category, string Message)> debug = await SaveAndSyncOnceAsync(await fixture.CreateDatabaseAsync(), LogLevel.Debug);

        string shown = string.Join("\n", information.Select(e => $"{e.Level} {e.Category}: {e.Message}"));
        Assert.False(information.Any(e => e.Level == LogLevel.Information && e.Category.StartsWith("Npgsql", StringComparison.Ordinal)), shown);
        Assert.False(information.Any(e => e.Level == LogLevel.Information && e.Message.StartsWith("Applied ", StringComparison.Ordinal) && e.Category.Contains("Sync", StringComparison.Ordinal)), shown);
        // The sync says what it did once per run; migrations say so once per database.
        Assert.True(information.Count(e => e.Level == LogLevel.Information && e.Category.StartsWith("Acode.Infrastructure.Sync", StringComparison.Ordinal)) == 1, shown);
        Assert.True(information.Count(e => e.Level == LogLevel.Warning) == 1, shown); // the password written in the file, once
        // Nothing is lost: at Debug, Npgsql's commands and acode's per-record lines are there.
        Assert.Contains(debug, e => e.Level == LogLevel.Debug && e.Category.StartsWith("Npgsql.Command", StringComparison.Ordinal));
        Assert.Contains(debug, e => e.Level == LogLevel.Debug && e.Message.StartsWith("Applied Session:", StringComparison.Ordinal));
    }

    public void Dispose() => _workspace.Dispose();

    private static object? Value(PersistenceOptions options, OptionDescriptor option)
    {
        object? section = options.SectionOf(option.Section);
        return section?.GetType().GetProperties().Single(p => string.Equals(p.Name, option.Name, StringComparison.OrdinalIgnoreCase)).GetValue(section);
    }

    private static async Task<IReadOnlyCollection<(LogLevel Level, string Category, string Message)>> SaveAndSyncOnceAsync(string connectionString, LogLevel minimum)
    {
        using var workspace = new TempWorkspace();
        Directory.CreateDirectory(workspace.Workspace.AgentDirectory);
        File.WriteAllText(workspace.Workspace.ConfigPath, JsonSerializer.Serialize(new { persistence = new { postgres = new { connectionString }, sync = new { pollIntervalSeconds = 3600 } } }));
        using var logs = new FakeLoggerProvider();
        HostApplicationBuilder builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders().AddProvider(logs).SetMinimumLevel(minimum);
        builder.Services.AddAcodePersistence(workspace.Workspace);
        using IHost host = builder.Build();
        await host.StartAsync();
        try
        {
            IRunStateStore store = host.Services.GetRequiredService<IRunStateStore>();
            Session session = await store.CreateSessionAsync("one save");
            session.AddTask("plan").AddStep("think").AddToolCall("read_file", """{"path":"a"}""").Succeed("text");
            await store.SaveAsync(session);
            for (int i = 0; i < 300 && await CountAsync(connectionString) < 1; i++)
            {
                await Task.Delay(100);
            }

            Assert.Equal(1, await CountAsync(connectionString));
        }
        finally
        {
            await host.StopAsync();
        }

        return logs.Collector.GetSnapshot().Select(r => (r.Level, r.Category ?? "", r.Message)).ToList();
    }

    private static async Task<long> CountAsync(string connectionString)
    {
        try
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT count(*) FROM tool_calls", connection);
            return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (PostgresException)
        {
            return 0;
        }
    }

    private void WriteConfig(string json)
    {
        Directory.CreateDirectory(_workspace.Workspace.AgentDirectory);
        File.WriteAllText(_workspace.Workspace.ConfigPath, json);
    }

    /// <summary>
    /// Builds a host with acode's persistence over the workspace, with <paramref name="variable"/> set to
    /// <paramref name="value"/> while it builds and starts (unset after), and gives the error its start throws.
    /// </summary>
    private async Task<OptionsValidationException> StartFailsAsync(string? variable = null, string? value = null)
    {
        if (variable is not null)
        {
            Environment.SetEnvironmentVariable(variable, value);
        }

        try
        {
            HostApplicationBuilder builder = Host.CreateApplicationBuilder();
            builder.Services.AddAcodePersistence(_workspace.Workspace);
            using IHost host = builder.Build();
            return await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        }
        finally
        {
            if (variable is not null)
            {
                Environment.SetEnvironmentVariable(variable, null);
            }
        }
    }
}
