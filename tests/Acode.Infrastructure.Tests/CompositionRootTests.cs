using System.Diagnostics.Metrics;
using Acode.Application;
using Acode.Application.Errors;
using Acode.Application.Options;
using Acode.Application.Outbox;
using Acode.Infrastructure.Sqlite;
using Acode.Infrastructure.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Acode.Infrastructure.Tests;

/// <summary>
/// <c>AddAcodePersistence</c> is the one composition root (the CLI builds its services with it too); everything it
/// registers is <c>TryAdd</c>, so what a host registered first is what the store, the outbox and the sync are built with.
/// </summary>
public sealed class CompositionRootTests
{
    private static readonly DateTimeOffset HostNow = new(2031, 5, 6, 7, 8, 9, TimeSpan.Zero);

    [Fact]
    public async Task A_hosts_own_TimeProvider_meter_factory_and_logger_factory_registered_first_are_the_ones_used()
    {
        using var workspace = new TempWorkspace();
        var time = new FakeTimeProvider(HostNow);
        using var logs = new FakeLoggerProvider();
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(time);
        services.AddMetrics();
        services.AddLogging(builder => builder.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
        services.AddAcodePersistence(workspace.Workspace, new PersistenceOptions());
        await using ServiceProvider provider = services.BuildServiceProvider();
        using var saves = new MetricCollector<long>(provider.GetRequiredService<IMeterFactory>(), AcodeMetrics.MeterName, "acode.store.saves");

        IRunStateStore store = provider.GetRequiredService<IRunStateStore>();
        Session session = await store.CreateSessionAsync("stamped by the host's clock");
        Session? stored = await store.GetSessionAsync(session.Id);

        Assert.Same(time, provider.GetRequiredService<TimeProvider>());
        Assert.Equal(HostNow, stored!.CreatedAt);
        Assert.Equal(1, saves.GetMeasurementSnapshot().Sum(m => m.Value));
        Assert.Contains(logs.Collector.GetSnapshot(), r => r.Category == typeof(SqliteWorkspaceDatabase).FullName && r.Message.StartsWith("Opened workspace database", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_hosts_own_registration_of_an_acode_service_is_kept_and_the_rest_is_built_on_it()
    {
        using var workspace = new TempWorkspace();
        var time = new FakeTimeProvider(HostNow);
        using SqliteWorkspaceDatabase hostsDatabase = SqliteWorkspaceDatabase.Open(workspace.Workspace, time: time);
        var services = new ServiceCollection();
        services.AddSingleton(hostsDatabase);
        services.AddAcodePersistence(workspace.Workspace, new PersistenceOptions());
        await using ServiceProvider provider = services.BuildServiceProvider();

        Assert.Same(hostsDatabase, provider.GetRequiredService<SqliteWorkspaceDatabase>());
        IRunStateStore store = provider.GetRequiredService<IRunStateStore>();
        await store.CreateSessionAsync("written through the host's database");

        OutboxStatistics outbox = await provider.GetRequiredService<IOutbox>().GetStatisticsAsync();
        Assert.Equal(2, outbox.Pending); // the session and its session.created event
    }

    [Fact]
    public void An_invalid_option_set_in_code_is_refused_at_registration_naming_the_options_passed_in_code_not_config_json()
    {
        using var workspace = new TempWorkspace();
        var options = new PersistenceOptions { Sqlite = new SqliteOptions { BusyTimeoutSeconds = 0 } };

        AcodeDbException ex = Assert.Throws<AcodeDbException>(() => new ServiceCollection().AddAcodePersistence(workspace.Workspace, options));

        Assert.Equal(AcodeErrorCode.InvalidConfiguration, ex.ErrorCode);
        Assert.StartsWith("Invalid configuration: persistence:sqlite:busyTimeoutSeconds = '0' (from the PersistenceOptions passed to AddAcodePersistence).", ex.Message, StringComparison.Ordinal);
        Assert.EndsWith("Fix it in the PersistenceOptions passed to AddAcodePersistence.", ex.Hint, StringComparison.Ordinal);
        Assert.DoesNotContain("config.json", ex.Hint, StringComparison.Ordinal);
        Assert.DoesNotContain("ACODE_", ex.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_connection_string_set_in_code_is_refused_at_registration_naming_the_options_passed_in_code()
    {
        using var workspace = new TempWorkspace();
        var options = new PersistenceOptions { Postgres = new PostgresOptions { ConnectionString = "postgresql://acode:s3cret@db.example:notaport/acode" } };

        AcodeDbException ex = Assert.Throws<AcodeDbException>(() => new ServiceCollection().AddAcodePersistence(workspace.Workspace, options));

        Assert.Equal(AcodeErrorCode.InvalidConfiguration, ex.ErrorCode);
        Assert.StartsWith("Invalid configuration: persistence:postgres:connectionString (from the PersistenceOptions passed to AddAcodePersistence) is not a usable PostgreSQL connection string: ", ex.Message, StringComparison.Ordinal);
        Assert.EndsWith("Fix it in the PersistenceOptions passed to AddAcodePersistence.", ex.Hint, StringComparison.Ordinal);
        Assert.DoesNotContain("config.json", ex.Hint, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", ex.Message + ex.Hint, StringComparison.Ordinal);
    }
}
