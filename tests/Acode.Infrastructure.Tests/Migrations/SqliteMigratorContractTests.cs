using System.Globalization;
using Acode.Application.Errors;
using Acode.Infrastructure.Migrations;
using Acode.Infrastructure.Tests.Support;
using Acode.Testing;
using Microsoft.Data.Sqlite;

namespace Acode.Infrastructure.Tests.Migrations;

/// <summary>The migrator contract on a fresh SQLite file (a temporary workspace per test).</summary>
public sealed class SqliteMigratorContractTests : MigratorContractTests, IDisposable
{
    private readonly TempWorkspace _temp = new();
    private readonly SqliteConnection _connection;

    public SqliteMigratorContractTests()
    {
        Directory.CreateDirectory(_temp.Workspace.AgentDirectory);
        _connection = new SqliteConnection($"Data Source={_temp.DatabasePath};Pooling=False");
        _connection.Open();
    }

    protected override IReadOnlyList<Migration> Shipped => ShippedSchema.Sqlite;

    protected override Type DriverException => typeof(SqliteException);

    public void Dispose()
    {
        _connection.Dispose();
        _temp.Dispose();
    }

    protected override Task<IReadOnlyList<Migration>> MigrateAsync(IReadOnlyList<Migration>? migrations = null)
        => Task.FromResult(new SqliteMigrator(migrations).Migrate(_connection));

    protected override Task<MigrationStatus> GetStatusAsync(IReadOnlyList<Migration>? migrations = null)
        => Task.FromResult(new SqliteMigrator(migrations).GetStatus(_connection));

    protected override void CreateMigrator(IReadOnlyList<Migration> migrations) => _ = new SqliteMigrator(migrations);

    protected override Task<IReadOnlyList<string>> QueryAsync(string sql)
        => Task.FromResult<IReadOnlyList<string>>([.. SqliteProbe.Rows(_connection, sql).Select(r => Convert.ToString(r.Values.First(), CultureInfo.InvariantCulture)!)]);

    protected override Task<IReadOnlyList<string>> TablesAsync()
        => QueryAsync("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite%' ORDER BY name;");

    protected override Task<IReadOnlyList<string>> ColumnsAsync(string table)
        => QueryAsync($"SELECT name FROM pragma_table_info('{table}') ORDER BY cid;");

    protected override void AssertNamesStatement(AcodeDbException error, int number, int count, string statement)
        => Assert.Contains($" in statement {number} of {count} ({statement}). ", error.Message, StringComparison.Ordinal);

    protected override Task AssertRolledBackAsync(AcodeDbException error)
    {
        Assert.Equal(
            "Migration V1_1_0_Broken failed and was rolled back: SQLite Error 1: 'no such table: no_such_table' in statement 3 of 3 (SELECT * FROM no_such_table;). The database is still at version 1.0.0.",
            error.Message);

        // 1.0.0 was applied by the same run: the hint says the database changed, where it once said it had not.
        Assert.StartsWith("Nothing was lost: the migrations before it were applied (the database moved from none to 1.0.0) and this one was rolled back, and an acode whose newest schema is 1.0.0 still opens it.", error.Hint, StringComparison.Ordinal);
        return Task.CompletedTask;
    }

    [Fact]
    public void A_failing_migration_that_was_the_runs_first_says_the_database_was_not_changed()
    {
        new SqliteMigrator([Shipped[0]]).Migrate(_connection);
        var broken = new Migration(new Version(1, 1, 0), "Broken", "SELECT * FROM no_such_table;");

        AcodeDbException error = Assert.Throws<AcodeDbException>(() => new SqliteMigrator([Shipped[0], broken]).Migrate(_connection));

        Assert.StartsWith("Nothing was lost: the database was not changed, and an acode whose newest schema is 1.0.0 still opens it.", error.Hint, StringComparison.Ordinal);
        Assert.Contains("run 'acode db check'", error.Hint, StringComparison.Ordinal);
    }

    protected override string CreateTable(string table) => $"CREATE TABLE {table} (x INTEGER) STRICT;";

    protected override Task RecordVersionFromTheFutureAsync()
    {
        SqliteProbe.Execute(_connection, "INSERT INTO schema_version VALUES ('9.0.0', 'FromTheFuture', 'abc', '2030-01-01T00:00:00.0000000Z');");
        return Task.CompletedTask;
    }

    /// <summary>Four starters, each with its own connection (waiting up to 30 s for the write lock) and migrator.</summary>
    protected override async Task<IReadOnlyList<Migration>[]> MigrateConcurrentlyAsync()
        => await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            using var connection = new SqliteConnection($"Data Source={_temp.DatabasePath};Pooling=False;Default Timeout=30");
            connection.Open();
            return new SqliteMigrator().Migrate(connection);
        })));
}
