using System.Net;
using System.Net.Sockets;
using Acode.Cli.Tests.Support;
using Acode.Testing;

namespace Acode.Cli.Tests.Commands;

/// <summary>
/// Messages that must say what is really the case and what to do next, through the real binary: a retry of an outbox id
/// that does not exist, an empty remote list, a key=value connection string with a bad keyword (named, its value never
/// shown), and db check's failing postgres line.
/// </summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class NextStepMessageTests(PostgresFixture fixture) : IDisposable
{
    private readonly CliWorkspace _workspace = new();

    [Fact]
    public async Task Retrying_an_outbox_id_says_whether_it_does_not_exist_or_is_not_dead_lettered()
    {
        await _workspace.RunOkAsync("demo");

        AcodeResult missing = await _workspace.RunAsync("db", "sync", "retry", "99999");
        AcodeResult pending = await _workspace.RunAsync("db", "sync", "retry", "1");

        Assert.True(missing.ExitCode == 1, missing.ToString());
        Assert.Contains("Outbox record 99999 does not exist", missing.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("is not dead-lettered", missing.Stderr, StringComparison.Ordinal);
        Assert.True(pending.ExitCode == 1, pending.ToString());
        Assert.Contains("Outbox record 1 is not dead-lettered: it is waiting to be delivered", pending.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_empty_remote_list_suggests_syncing_a_workspace_not_a_demo()
    {
        _workspace.Environment["ACODE_POSTGRES_URL"] = PostgresServer.ToUrl(await fixture.CreateDatabaseAsync());
        await _workspace.RunOkAsync("db", "migrate");

        AcodeResult list = await _workspace.RunOkAsync("session", "list", "--remote");

        Assert.Contains("No sessions match in PostgreSQL", list.Stdout, StringComparison.Ordinal);
        Assert.Contains("'acode db sync'", list.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("acode demo", list.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Host=db;Pasword=Hunter2secret", "the keyword 'Pasword' is not one Npgsql knows (did you mean 'Password'?)")]
    [InlineData("Host=db;Password=Hunter2secret;Timeout=abc", "the keyword 'Timeout' has a value of the wrong type")]
    [InlineData("Host=db;Password=Hunter2;secret=x", "a keyword is not one Npgsql knows (it is not shown")]
    public async Task A_bad_key_value_connection_string_names_the_keyword_but_never_a_value(string connectionString, string expected)
    {
        _workspace.Environment["ACODE_POSTGRES_URL"] = connectionString;

        AcodeResult result = await _workspace.RunAsync("db", "status");

        Assert.True(result.ExitCode == 17, result.ToString());
        Assert.Contains(expected, result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Hunter2", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("abc", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Db_checks_failing_postgres_line_gives_the_next_step()
    {
        _workspace.Environment["ACODE_POSTGRES_URL"] = $"postgresql://acode@127.0.0.1:{FreePort()}/acode";
        _workspace.Environment["COLUMNS"] = "1000"; // one check, one line
        await _workspace.RunOkAsync("demo");

        AcodeResult check = await _workspace.RunAsync("db", "check");

        Assert.Equal(1, check.ExitCode);
        string line = Assert.Single(check.Stdout.Split('\n'), l => l.StartsWith("FAIL postgres", StringComparison.Ordinal));
        Assert.Contains("next: start the server, or correct ACODE_POSTGRES_URL", check.Stdout, StringComparison.Ordinal);
        Assert.Contains("'acode db sync' delivers them", check.Stdout, StringComparison.Ordinal);
        Assert.Contains("ACODE-DB-006", line, StringComparison.Ordinal);
    }

    public void Dispose() => _workspace.Dispose();

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
