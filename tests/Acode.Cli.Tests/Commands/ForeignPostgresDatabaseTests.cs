using Acode.Cli.Tests.Support;
using Acode.Testing;
using static Acode.Testing.PostgresSql;

namespace Acode.Cli.Tests.Commands;

/// <summary>
/// A PostgreSQL database that is not acode's (another application's tables, a <c>schema_version</c> table of another
/// shape) is refused with ACODE-DB-006 saying so and naming what is there, before anything is created or changed:
/// acode creates its schema only in an empty database. Before, an unrelated table was silently joined by acode's,
/// a foreign <c>sessions</c> table ended in a "failed migration" of an "empty database", and a foreign
/// <c>schema_version</c> was taken for acode's own damaged journal, with advice to drop the tables.
/// </summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class ForeignPostgresDatabaseTests(PostgresFixture fixture) : IDisposable
{
    private const string PublicTables = "SELECT count(*) FROM pg_tables WHERE schemaname = 'public';";

    private readonly CliWorkspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    [Theory]
    [Trait("Issue", "foreign-postgres")]
    [InlineData("CREATE TABLE customers (id int PRIMARY KEY, name text); INSERT INTO customers VALUES (1, 'ada');", 1, "(customers)")]
    [InlineData("CREATE TABLE sessions (id int PRIMARY KEY, user_name text, expires timestamptz); INSERT INTO sessions VALUES (1, 'bob', now());", 1, "(sessions)")]
    public async Task A_database_holding_another_applications_tables_is_refused_and_left_as_it_was(string foreign, long tables, string named)
    {
        string url = await fixture.CreateDatabaseAsync();
        await ExecuteAsync(url, foreign);
        _workspace.Environment["ACODE_POSTGRES_URL"] = url;
        await _workspace.RunOkAsync("demo");

        AcodeResult sync = await _workspace.RunAsync("db", "sync");
        AcodeResult check = await _workspace.RunAsync("db", "check");

        Assert.True(sync.ExitCode == 16, sync.ToString());
        string said = TableText.Flowing(sync.Stderr);
        Assert.Contains("ACODE-DB-006", said, StringComparison.Ordinal);
        Assert.Contains($"the database holds tables acode did not record creating {named}", said, StringComparison.Ordinal);
        Assert.Contains("it is not an acode database", said, StringComparison.Ordinal);
        Assert.Contains("give acode an empty database of its own", said, StringComparison.Ordinal);
        Assert.DoesNotContain("drop acode's tables", said, StringComparison.Ordinal);
        Assert.Equal(tables, await CountAsync(url, PublicTables));
        Assert.True(check.ExitCode == 1, check.ToString());
        Assert.Contains("FAIL postgres", TableText.Flowing(check.Stdout), StringComparison.Ordinal);
        Assert.Contains("not an acode database", TableText.Flowing(check.Stdout), StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Issue", "foreign-postgres")]
    public async Task A_schema_version_table_of_another_shape_is_not_taken_for_acodes_damaged_journal()
    {
        string url = await fixture.CreateDatabaseAsync();
        await ExecuteAsync(url, "CREATE TABLE sessions (id int PRIMARY KEY); CREATE TABLE schema_version (version text); INSERT INTO schema_version VALUES ('3');");
        _workspace.Environment["ACODE_POSTGRES_URL"] = url;
        await _workspace.RunOkAsync("demo");

        AcodeResult sync = await _workspace.RunAsync("db", "sync");

        Assert.True(sync.ExitCode == 16, sync.ToString());
        string said = TableText.Flowing(sync.Stderr);
        Assert.Contains("its table schema_version is not acode's migration journal", said, StringComparison.Ordinal);
        Assert.Contains("it is not an acode database", said, StringComparison.Ordinal);
        Assert.DoesNotContain("drop acode's tables", said, StringComparison.Ordinal);
        Assert.Equal(2, await CountAsync(url, PublicTables));
    }

    [Fact]
    [Trait("Issue", "foreign-postgres")]
    public async Task An_empty_database_still_gets_acodes_schema_on_the_first_sync()
    {
        string url = await fixture.CreateDatabaseAsync();
        _workspace.Environment["ACODE_POSTGRES_URL"] = url;
        await _workspace.RunOkAsync("demo");

        await _workspace.RunOkAsync("db", "sync");

        Assert.Equal(1, await CountAsync(url, "SELECT count(*) FROM sessions;"));
    }
}
