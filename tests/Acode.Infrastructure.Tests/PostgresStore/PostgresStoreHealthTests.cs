using Acode.Application;
using Acode.Application.Options;
using Acode.Infrastructure.Migrations;
using Acode.Infrastructure.Tests.Support;
using Acode.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Acode.Infrastructure.Tests.PostgresStore;

/// <summary>
/// Issue 12: a host whose only store is PostgreSQL (<c>persistence:store:kind = postgres</c>) reports that server's health
/// (reachable, schema current) and no SQLite, outbox or sync check, and opens no workspace file for it.
/// </summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class PostgresStoreHealthTests(PostgresFixture fixture)
{
    [Fact]
    public async Task The_host_reports_the_store_server_and_its_schema_and_creates_no_workspace_file()
    {
        using var workspace = new TempWorkspace();
        string connectionString = await fixture.CreateDatabaseAsync();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [StoreOptions.KindKey] = "postgres",
            [PostgresOptions.ConnectionStringKey] = connectionString,
        }).Build();
        HostApplicationBuilder builder = Host.CreateApplicationBuilder();
        builder.Services.AddAcodePersistence(workspace.Workspace, configuration);
        using IHost host = builder.Build();
        await host.StartAsync();
        try
        {
            HealthCheckService health = host.Services.GetRequiredService<HealthCheckService>();
            HealthReport before = await health.CheckHealthAsync();
            await host.Services.GetRequiredService<IRunStateStore>().CreateSessionAsync("on a server");
            HealthReport after = await health.CheckHealthAsync();

            string latest = new PostgresMigrator().Latest.ToString(3);
            Assert.Equal(["postgres"], before.Entries.Keys.ToArray());
            Assert.Equal(HealthStatus.Degraded, before.Status);
            Assert.Equal("none", before.Entries["postgres"].Data["schemaVersion"]);
            Assert.Equal(["postgres"], after.Entries.Keys.ToArray());
            Assert.Equal(HealthStatus.Healthy, after.Status);
            Assert.Equal(latest, after.Entries["postgres"].Data["schemaVersion"]);
            Assert.Contains($"schema {latest}, current", after.Entries["postgres"].Description, StringComparison.Ordinal);
            Assert.DoesNotContain(new NpgsqlConnectionStringBuilder(connectionString).Password!, after.Entries["postgres"].Description, StringComparison.Ordinal);
        }
        finally
        {
            await host.StopAsync();
        }

        Assert.False(Directory.Exists(workspace.Workspace.AgentDirectory), "a workspace folder was created");
    }

    [Fact]
    public async Task An_unreachable_store_server_is_unhealthy_with_ACODE_DB_006()
    {
        using var workspace = new TempWorkspace();
        var unreachable = new NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = 1, Username = "nobody", Password = "secret-pw", Database = "none", Timeout = 2 };
        var options = new PersistenceOptions
        {
            Postgres = new PostgresOptions { ConnectionString = unreachable.ConnectionString },
            Store = new StoreOptions { Kind = RunStateStoreKind.Postgres },
        };
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddAcodePersistence(workspace.Workspace, options);
        await using ServiceProvider provider = services.BuildServiceProvider();

        HealthReport report = await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync();

        Assert.Equal(HealthStatus.Unhealthy, report.Status);
        HealthReportEntry entry = Assert.Single(report.Entries).Value;
        Assert.StartsWith("ACODE-DB-006", entry.Description, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-pw", entry.Description, StringComparison.Ordinal);
        Assert.DoesNotContain("Local work continues", entry.Description, StringComparison.Ordinal); // the store keeps nothing locally
        Assert.False(Directory.Exists(workspace.Workspace.AgentDirectory), "a workspace folder was created");
    }
}
