using Acode.Application.Errors;
using Acode.Infrastructure.Postgres;
using Acode.Testing;
using Npgsql;

namespace Acode.Infrastructure.Tests.Postgres;

/// <summary>The test server itself: fault tests rely on stopping and restarting it mid-run.</summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class PostgresServerTests(PostgresFixture fixture)
{
    private PostgresServer Server => fixture.Server;

    [Fact]
    public async Task CreateDatabaseAsync_returns_a_fresh_empty_database_each_time()
    {
        string first = await fixture.CreateDatabaseAsync();
        string second = await fixture.CreateDatabaseAsync();

        Assert.NotEqual(new NpgsqlConnectionStringBuilder(first).Database, new NpgsqlConnectionStringBuilder(second).Database);
        await using var connection = new NpgsqlConnection(first);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM pg_tables WHERE schemaname = 'public';", connection);
        Assert.Equal(0L, await command.ExecuteScalarAsync());
    }

    [Fact]
    public void Server_listens_on_loopback_with_a_password()
    {
        Assert.Equal("127.0.0.1", Server.Host);
        Assert.InRange(Server.Port, 1, 65535);
        Assert.False(string.IsNullOrEmpty(Server.Password));
        if (!Server.IsExternal)
        {
            Assert.NotNull(Server.ProcessId);
            Assert.True(File.Exists(Path.Combine(Server.DataDirectory!, "postmaster.pid")));
        }
    }

    [Fact]
    public async Task A_wrong_password_is_refused()
    {
        var builder = new NpgsqlConnectionStringBuilder(Server.AdminConnectionString) { Password = "not-the-password" };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);

        PostgresException ex = await Assert.ThrowsAsync<PostgresException>(() => connection.OpenAsync());

        Assert.Equal(PostgresErrorCodes.InvalidPassword, ex.SqlState);
    }

    [Fact]
    public async Task StopAsync_then_StartAsync_restarts_the_same_cluster_with_its_data()
    {
        string connectionString = await fixture.CreateDatabaseAsync();
        await Execute(connectionString, "CREATE TABLE kept (id int); INSERT INTO kept VALUES (42);");
        int? pidBefore = Server.ProcessId;
        PostgresConnectionSettings settings = PostgresConnectionSettings.Parse(connectionString, "test");
        await using NpgsqlDataSource dataSource = PostgresDataSourceFactory.Create(settings);

        await Server.StopAsync();
        try
        {
            Assert.False(Server.IsRunning);
            Assert.Null(Server.ProcessId);
            AcodeDbException down = await Assert.ThrowsAsync<AcodeDbException>(() => PostgresDataSourceFactory.OpenConnectionAsync(dataSource));
            Assert.Equal(AcodeErrorCode.PostgresUnavailable, down.ErrorCode);
        }
        finally
        {
            await Server.StartAsync();
        }

        Assert.True(Server.IsRunning);
        Assert.NotNull(Server.ProcessId);
        Assert.NotEqual(pidBefore, Server.ProcessId);
        Assert.Equal(Server.Port, new NpgsqlConnectionStringBuilder(connectionString).Port);
        await using NpgsqlConnection connection = await PostgresDataSourceFactory.OpenConnectionAsync(dataSource);
        await using var command = new NpgsqlCommand("SELECT id FROM kept;", connection);
        Assert.Equal(42, await command.ExecuteScalarAsync());
    }

    private static async Task Execute(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
