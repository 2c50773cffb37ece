using Acode.Infrastructure.Postgres;
using Acode.Testing;
using Npgsql;

namespace Acode.Infrastructure.Tests.Postgres;

/// <summary>How acode's data sources hand out pooled connections (docs/postgres.md, "Pooled connections").</summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class PostgresDataSourceFactoryTests(PostgresFixture fixture)
{
    [Fact]
    public async Task A_pooled_connection_comes_back_without_a_reset_but_with_an_unfinished_transaction_rolled_back()
    {
        await using NpgsqlDataSource dataSource = PostgresDataSourceFactory.Create(PostgresConnectionSettings.Parse(await fixture.CreateDatabaseAsync(), "test"));
        int backend;
        await using (NpgsqlConnection first = await dataSource.OpenConnectionAsync())
        {
            backend = await ScalarAsync<int>(first, "SELECT pg_backend_pid();");
            await ScalarAsync<int>(first, "CREATE TEMP TABLE IF NOT EXISTS kept (n int); SELECT 1;");
            await using NpgsqlTransaction unfinished = await first.BeginTransactionAsync();
            await ScalarAsync<int>(first, "INSERT INTO kept VALUES (1); SELECT 1;");
        }

        await using NpgsqlConnection second = await dataSource.OpenConnectionAsync();

        Assert.Equal(backend, await ScalarAsync<int>(second, "SELECT pg_backend_pid();"));
        Assert.Equal(0L, await ScalarAsync<long>(second, "SELECT count(*) FROM kept;"));
    }

    [Fact]
    public async Task A_reset_asked_for_in_the_connection_string_is_kept()
    {
        string connectionString = new NpgsqlConnectionStringBuilder(await fixture.CreateDatabaseAsync()) { NoResetOnClose = false }.ConnectionString;
        await using NpgsqlDataSource dataSource = PostgresDataSourceFactory.Create(PostgresConnectionSettings.Parse(connectionString, "test"));
        await using (NpgsqlConnection first = await dataSource.OpenConnectionAsync())
        {
            await ScalarAsync<int>(first, "CREATE TEMP TABLE IF NOT EXISTS dropped (n int); SELECT 1;");
        }

        await using NpgsqlConnection second = await dataSource.OpenConnectionAsync();

        Assert.Equal(0L, await ScalarAsync<long>(second, "SELECT count(*) FROM pg_tables WHERE tablename = 'dropped';"));
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }
}
