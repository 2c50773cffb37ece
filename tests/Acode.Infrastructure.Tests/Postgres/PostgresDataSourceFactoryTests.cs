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

    [Theory]
    [InlineData("No Reset On Close=false")]
    [InlineData("noresetonclose=FALSE")] // a synonym, in any casing, is the same setting
    public async Task A_reset_asked_for_in_the_connection_string_is_kept(string setting)
    {
        string connectionString = $"{await fixture.CreateDatabaseAsync()};{setting}";
        await using NpgsqlDataSource dataSource = PostgresDataSourceFactory.Create(PostgresConnectionSettings.Parse(connectionString, "test"));
        await using (NpgsqlConnection first = await dataSource.OpenConnectionAsync())
        {
            await ScalarAsync<int>(first, "CREATE TEMP TABLE IF NOT EXISTS dropped (n int); SELECT 1;");
        }

        await using NpgsqlConnection second = await dataSource.OpenConnectionAsync();

        Assert.Equal(0L, await ScalarAsync<long>(second, "SELECT count(*) FROM pg_tables WHERE tablename = 'dropped';"));
    }

    [Theory]
    [InlineData("", true)]
    [InlineData(";Max Auto Prepare=0", false)]
    [InlineData(";maxautoprepare=0", false)] // a synonym, in any casing, is the same setting
    [InlineData(";Auto Prepare Min Usages=2", true)] // only Max Auto Prepare turns acode's default off
    [InlineData(";Auto Prepare Min Usages=5;Max Auto Prepare=0", false)]
    public async Task A_statement_run_again_and_again_is_prepared_unless_the_connection_string_says_otherwise(string setting, bool prepared)
    {
        await using NpgsqlDataSource dataSource = PostgresDataSourceFactory.Create(PostgresConnectionSettings.Parse(await fixture.CreateDatabaseAsync() + setting, "test"));
        await using NpgsqlConnection connection = await dataSource.OpenConnectionAsync();
        for (int i = 0; i < 10; i++)
        {
            await ScalarAsync<int>(connection, "SELECT 1;");
        }

        Assert.Equal(prepared, await ScalarAsync<long>(connection, "SELECT count(*) FROM pg_prepared_statements;") > 0);
    }

    [Theory]
    [InlineData("", "off")]
    [InlineData(";Options='-c jit=on'", "on")]
    [InlineData(";options='-c search_path=public'", "off")] // other options are kept, jit is still turned off
    public async Task JIT_is_off_unless_the_connection_string_turns_it_on(string setting, string jit)
    {
        await using NpgsqlDataSource dataSource = PostgresDataSourceFactory.Create(PostgresConnectionSettings.Parse(await fixture.CreateDatabaseAsync() + setting, "test"));
        await using NpgsqlConnection connection = await dataSource.OpenConnectionAsync();

        Assert.Equal(jit, await ScalarAsync<string>(connection, "SHOW jit;"));
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }
}
