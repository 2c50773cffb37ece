using Acode.Cli.Tests.Support;
using Acode.Testing;
using Npgsql;

namespace Acode.Cli.Tests.Commands;

/// <summary>
/// Every command that reads the team's PostgreSQL first checks that it holds acode's current schema, and migrates
/// nothing: an empty (or foreign) database is named as such (ACODE-DB-006, exit 16) and stays empty, instead of a
/// "table dropped by hand" diagnosis, "no hits" or "no session"; a newer schema is ACODE-DB-004 (exit 14) naming
/// PostgreSQL, and <c>db status</c> shows it in its PostgreSQL schema row (the server answers) with exit 0.
/// </summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class RemoteSchemaCommandTests(PostgresFixture fixture) : IDisposable
{
    private readonly CliWorkspace _workspace = new();

    public static TheoryData<string[]> Readers => new()
    {
        new[] { "session", "list", "--remote" },
        new[] { "session", "search", "parser", "--remote" },
        new[] { "session", "show", "--remote", "sess_01M8PQ51TK69CN1YHVBBPARABM" },
        new[] { "session", "export", "--remote", "sess_01M8PQ51TK69CN1YHVBBPARABM" },
        new[] { "session", "pull", "sess_01M8PQ51TK69CN1YHVBBPARABM" },
        new[] { "session", "pull", "--all", "--since", "30d" },
    };

    public void Dispose() => _workspace.Dispose();

    [Theory]
    [MemberData(nameof(Readers))]
    public async Task A_reader_of_a_database_without_acode_schema_says_so_and_creates_nothing(string[] arguments)
    {
        string url = await fixture.CreateDatabaseAsync();
        _workspace.Environment["ACODE_POSTGRES_URL"] = url;

        AcodeResult result = await _workspace.RunAsync(arguments);

        Assert.True(result.ExitCode == 16, result.ToString());
        Assert.Contains("ACODE-DB-006", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("holds no acode schema yet", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("run 'acode db sync' (or 'acode db migrate')", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("dropped or changed by hand", result.Stderr, StringComparison.Ordinal);
        Assert.Equal(0L, await TableCountAsync(url));
    }

    [Fact]
    public async Task A_newer_schema_is_refused_naming_PostgreSQL_and_db_status_shows_it_in_its_row()
    {
        string url = await fixture.CreateDatabaseAsync();
        _workspace.Environment["ACODE_POSTGRES_URL"] = url;
        await _workspace.RunOkAsync("db", "migrate");
        await using (var connection = new NpgsqlConnection(url))
        {
            await connection.OpenAsync();
            await using var insert = new NpgsqlCommand("INSERT INTO schema_version (version, name, checksum, applied_at) VALUES ('9.0.0', 'future', 'x', now());", connection);
            await insert.ExecuteNonQueryAsync();
        }

        AcodeResult list = await _workspace.RunAsync("session", "list", "--remote");
        AcodeResult status = await _workspace.RunAsync("db", "status");

        Assert.True(list.ExitCode == 14, list.ToString());
        Assert.Contains("ACODE-DB-004: The PostgreSQL database schema is at version 9.0.0", list.Stderr, StringComparison.Ordinal);
        Assert.True(status.ExitCode == 0, status.ToString());
        Assert.Contains("ACODE-DB-004: The PostgreSQL database schema is at version 9.0.0", status.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("no: ACODE-DB-004", status.Stdout, StringComparison.Ordinal); // the server answers: its schema is the problem
    }

    private static async Task<long> TableCountAsync(string url)
    {
        await using var connection = new NpgsqlConnection(url);
        await connection.OpenAsync();
        await using var count = new NpgsqlCommand("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public';", connection);
        return (long)(await count.ExecuteScalarAsync())!;
    }
}
