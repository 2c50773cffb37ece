using System.Globalization;
using Acode.Application.Errors;
using Acode.Infrastructure.Migrations;
using Acode.Infrastructure.Postgres;
using Acode.Testing;
using Npgsql;

namespace Acode.Infrastructure.Tests.Migrations;

/// <summary>The migrator contract on a fresh PostgreSQL database (one per test, on the suite's throwaway server).</summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class PostgresMigratorContractTests(PostgresFixture fixture) : MigratorContractTests, IAsyncLifetime
{
    private string _connectionString = string.Empty;
    private NpgsqlDataSource _dataSource = null!;

    protected override IReadOnlyList<Migration> Shipped => ShippedSchema.Postgres;

    protected override Type DriverException => typeof(PostgresException);

    public async Task InitializeAsync()
    {
        _connectionString = await fixture.CreateDatabaseAsync();
        _dataSource = PostgresDataSourceFactory.Create(PostgresConnectionSettings.Parse(_connectionString, "test"));
    }

    public async Task DisposeAsync() => await _dataSource.DisposeAsync();

    [Fact]
    [Trait("Issue", "review25.parallel-unsafe")]
    public async Task Every_function_that_catches_an_error_is_labelled_parallel_unsafe()
    {
        // An EXCEPTION block opens a subtransaction, which PostgreSQL refuses in parallel mode; its manual requires such a
        // function to be PARALLEL UNSAFE (https://www.postgresql.org/docs/15/parallel-safety.html).
        await MigrateAsync();

        IReadOnlyList<string> catching = await QueryAsync("""
            SELECT p.proname || ':' || p.proparallel::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
            WHERE n.nspname = 'public' AND p.proname LIKE 'acode\_%' AND p.prosrc ~* '\mEXCEPTION\M' ORDER BY p.proname;
            """);
        Assert.Equal(["acode_json_text:u", "acode_search_text:u"], catching);
    }

    [Fact]
    public async Task A_starter_that_comes_while_another_migrates_an_empty_database_waits_and_finds_nothing_left()
    {
        await using NpgsqlDataSource second = PostgresDataSourceFactory.Create(PostgresConnectionSettings.Parse(_connectionString, "test"));
        Task<(Version? From, IReadOnlyList<Migration> Applied)> first = Task.Run(() => new PostgresMigrator().MigrateFromAsync(_dataSource));
        while (!first.IsCompleted && !(await QueryAsync("SELECT count(*) FROM pg_catalog.pg_tables WHERE tablename = 'schema_version';")).SequenceEqual(["1"]))
        {
            await Task.Delay(5);
        }

        // The first has applied a migration or more (its status said an empty database) and has more to go.
        (Version? From, IReadOnlyList<Migration> Applied) late = await new PostgresMigrator().MigrateFromAsync(second);
        (Version? From, IReadOnlyList<Migration> Applied) early = await first;

        Assert.Null(early.From);
        Assert.Equal(Shipped.Select(m => m.Id), early.Applied.Select(m => m.Id));
        Assert.Empty(late.Applied);
        Assert.Equal(ShippedSchema.Latest, late.From?.ToString(3));
    }

    protected override Task<IReadOnlyList<Migration>> MigrateAsync(IReadOnlyList<Migration>? migrations = null)
        => new PostgresMigrator(migrations).MigrateAsync(_dataSource);

    protected override Task<MigrationStatus> GetStatusAsync(IReadOnlyList<Migration>? migrations = null)
        => new PostgresMigrator(migrations).GetStatusAsync(_dataSource);

    protected override void CreateMigrator(IReadOnlyList<Migration> migrations) => _ = new PostgresMigrator(migrations);

    protected override async Task<IReadOnlyList<string>> QueryAsync(string sql)
    {
        await using NpgsqlConnection connection = await _dataSource.OpenConnectionAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using NpgsqlDataReader reader = await command.ExecuteReaderAsync();
        var values = new List<string>();
        while (await reader.ReadAsync())
        {
            values.Add(Convert.ToString(reader.GetValue(0), CultureInfo.InvariantCulture)!);
        }

        return values;
    }

    protected override Task<IReadOnlyList<string>> TablesAsync()
        => QueryAsync("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name;");


    protected override string CreateTable(string table) => $"CREATE TABLE {table} (x bigint);";

    protected override Task RecordVersionFromTheFutureAsync()
        => PostgresSql.ExecuteAsync(_connectionString, "INSERT INTO schema_version (version, name, checksum, applied_at) VALUES ('9.0.0', 'FromTheFuture', 'x', now());");

    protected override Task<IReadOnlyList<string>> ColumnsAsync(string table)
        => QueryAsync($"SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = '{table}' ORDER BY ordinal_position;");

    protected override Task AssertRolledBackAsync(AcodeDbException error)
    {
        Assert.Equal("Migration V1_1_0_Broken failed and was rolled back: SQLSTATE 42P01: relation \"no_such_table\" does not exist. The database is still at version 1.0.0.", error.Message);
        return Task.CompletedTask;
    }

    /// <summary>Six starters, each with its own connection pool and migrator.</summary>
    protected override async Task<IReadOnlyList<Migration>[]> MigrateConcurrentlyAsync()
    {
        var sources = Enumerable.Range(0, 6).Select(_ => PostgresDataSourceFactory.Create(PostgresConnectionSettings.Parse(_connectionString, "test"))).ToList();
        try
        {
            return await Task.WhenAll(sources.Select(s => Task.Run(() => new PostgresMigrator().MigrateAsync(s))));
        }
        finally
        {
            foreach (NpgsqlDataSource source in sources)
            {
                await source.DisposeAsync();
            }
        }
    }
}
