using Acode.Application;
using Acode.Application.Options;
using Acode.Infrastructure.PostgresStore;
using Acode.Infrastructure.Tests.Support;
using Acode.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Acode.Infrastructure.Tests.Sync;

/// <summary>
/// The README's set-up of an agent on a server without a durable disk: <c>ACODE_PERSISTENCE__STORE__KIND=Postgres</c>
/// with <c>ACODE_POSTGRES_URL</c>, and nothing in a file, gives the host the PostgreSQL store (the variable is the
/// connection string <c>persistence:store:kind = Postgres</c> needs).
/// </summary>
[Collection(ProcessEnvironmentCollectionDefinition.Name)]
public sealed class HostEnvironmentStoreTests(PostgresFixture fixture)
{
    private const string KindVariable = "ACODE_PERSISTENCE__STORE__KIND";

    [Fact]
    public async Task The_store_kind_and_ACODE_POSTGRES_URL_from_the_environment_start_a_host_on_the_PostgreSQL_store()
    {
        using var workspace = new TempWorkspace();
        string connectionString = await fixture.CreateDatabaseAsync();
        Environment.SetEnvironmentVariable(PostgresOptions.EnvironmentVariable, PostgresServer.ToUrl(connectionString));
        Environment.SetEnvironmentVariable(KindVariable, "Postgres");
        try
        {
            HostApplicationBuilder builder = Host.CreateApplicationBuilder();
            builder.Services.AddAcodePersistence(workspace.Workspace);
            using IHost host = builder.Build();
            await host.StartAsync();
            try
            {
                PersistenceOptions options = host.Services.GetRequiredService<PersistenceOptions>();
                Assert.Equal(RunStateStoreKind.Postgres, options.Store.Kind);
                Assert.Equal(PostgresOptions.EnvironmentVariable, options.Postgres!.ConnectionStringSource);
                IRunStateStore store = host.Services.GetRequiredService<IRunStateStore>();
                Assert.IsType<PostgresRunStateStore>(store);
                Session session = await store.CreateSessionAsync("on a server");
                Assert.Equal("on a server", (await store.GetSessionAsync(session.Id))?.Title);
            }
            finally
            {
                await host.StopAsync();
            }
        }
        finally
        {
            Environment.SetEnvironmentVariable(PostgresOptions.EnvironmentVariable, null);
            Environment.SetEnvironmentVariable(KindVariable, null);
        }

        Assert.Equal(1L, await CountSessionsAsync(connectionString));
        Assert.False(Directory.Exists(workspace.Workspace.AgentDirectory), "a workspace folder was created");
    }

    [Fact]
    public async Task The_store_kind_without_any_connection_string_still_stops_the_host_with_ACODE_DB_007()
    {
        using var workspace = new TempWorkspace();
        Environment.SetEnvironmentVariable(KindVariable, "Postgres");
        try
        {
            HostApplicationBuilder builder = Host.CreateApplicationBuilder();
            builder.Services.AddAcodePersistence(workspace.Workspace);
            using IHost host = builder.Build();

            Microsoft.Extensions.Options.OptionsValidationException ex = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => host.StartAsync());

            Assert.Contains("ACODE-DB-007: Invalid configuration: persistence:store:kind = 'Postgres'", ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable(KindVariable, null);
        }
    }

    private static async Task<long> CountSessionsAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM sessions", connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
