using Acode.Cli.Tests.Support;
using Acode.Testing;
using Npgsql;

namespace Acode.Cli.Tests.Commands;

/// <summary>
/// The README's PostgreSQL-store set-up given entirely by the environment (<c>ACODE_PERSISTENCE__STORE__KIND=Postgres</c>
/// with <c>ACODE_POSTGRES_URL</c>) is accepted by every command: the variable is the connection string the setting needs.
/// The setting is for agent hosts: the command line works on the workspace's SQLite file whatever it says, and notes so.
/// </summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class StoreKindFromEnvironmentTests(PostgresFixture fixture) : IDisposable
{
    private readonly CliWorkspace _workspace = new();

    [Fact]
    public async Task The_store_kind_with_ACODE_POSTGRES_URL_from_the_environment_is_a_valid_configuration()
    {
        string connectionString = await fixture.CreateDatabaseAsync();
        _workspace.Environment["ACODE_POSTGRES_URL"] = PostgresServer.ToUrl(connectionString);
        _workspace.Environment["ACODE_PERSISTENCE__STORE__KIND"] = "Postgres";

        await _workspace.RunOkAsync("demo");
        AcodeResult sync = await _workspace.RunOkAsync("db", "sync");

        Assert.Contains("Delivered ", sync.Stdout, StringComparison.Ordinal);
        Assert.Contains("Note: persistence:store:kind = Postgres", sync.Stderr, StringComparison.Ordinal);
        Assert.Single(await _workspace.SessionIdsAsync());
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM sessions", connection);
        Assert.Equal(1L, Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task The_command_line_notes_that_it_ignores_the_store_kind_and_refuses_nothing_over_it()
    {
        _workspace.Environment["ACODE_PERSISTENCE__STORE__KIND"] = "Postgres";

        AcodeResult demo = await _workspace.RunOkAsync("demo");
        AcodeResult list = await _workspace.RunOkAsync("session", "list", "--json");

        Assert.True(File.Exists(_workspace.DatabasePath));
        Assert.Contains("sess_", list.Stdout, StringComparison.Ordinal);
        foreach (AcodeResult result in new[] { demo, list })
        {
            string note = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.StartsWith("Note: ", StringComparison.Ordinal));
            Assert.Contains("persistence:store:kind = Postgres (from the environment variable ACODE_PERSISTENCE__STORE__KIND) is for agent hosts", note, StringComparison.Ordinal);
            Assert.Contains("the command line always works on the workspace's SQLite database", note, StringComparison.Ordinal);
        }

        _workspace.Environment["ACODE_PERSISTENCE__STORE__KIND"] = "Sqlite";
        Assert.DoesNotContain("Note:", (await _workspace.RunOkAsync("session", "list")).Stderr, StringComparison.Ordinal);
        _workspace.Environment["ACODE_PERSISTENCE__STORE__KIND"] = "Postgre";
        AcodeResult typo = await _workspace.RunAsync("session", "list");
        Assert.True(typo.ExitCode == 17, typo.ToString());
        Assert.Contains("persistence:store:kind", typo.Stderr, StringComparison.Ordinal);
    }

    public void Dispose() => _workspace.Dispose();
}
