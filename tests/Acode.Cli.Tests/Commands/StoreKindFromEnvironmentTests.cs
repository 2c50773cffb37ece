using Acode.Cli.Tests.Support;
using Acode.Testing;
using Npgsql;

namespace Acode.Cli.Tests.Commands;

/// <summary>
/// The README's PostgreSQL-store set-up given entirely by the environment (<c>ACODE_PERSISTENCE__STORE__KIND=Postgres</c>
/// with <c>ACODE_POSTGRES_URL</c>) is accepted by every command: the variable is the connection string the setting needs.
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
        Assert.Single(await _workspace.SessionIdsAsync());
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM sessions", connection);
        Assert.Equal(1L, Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task The_store_kind_without_any_connection_string_is_still_ACODE_DB_007()
    {
        _workspace.Environment["ACODE_PERSISTENCE__STORE__KIND"] = "Postgres";

        AcodeResult result = await _workspace.RunAsync("demo");

        Assert.True(result.ExitCode == 17, result.ToString());
        Assert.Contains("ACODE-DB-007: Invalid configuration: persistence:store:kind = 'Postgres'", result.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_workspace.Root, ".agent")));
    }

    public void Dispose() => _workspace.Dispose();
}
