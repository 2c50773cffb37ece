using System.Net;
using System.Net.Sockets;
using Acode.Cli.Tests.Support;
using Acode.Infrastructure;
using Acode.Infrastructure.Sqlite;
using Acode.Testing;
using Microsoft.Data.Sqlite;

namespace Acode.Cli.Tests.Commands;

/// <summary>
/// Messages that must say what is really the case and what to do next, through the real binary: a retry of an outbox id
/// that does not exist, an empty remote list, a key=value connection string with a bad keyword (named, its value never
/// shown), db check's failing postgres line, and a workspace migration that fails.
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

    [Fact]
    [Trait("Issue", "upgrade.D2")]
    public async Task A_failed_workspace_migration_names_next_steps_that_work_and_db_check_reports_without_migrating()
    {
        // A 1.10.0 workspace with an outbox key that 1.11.0's derived key cannot reproduce (not written by acode):
        // 1.11.0's migration refuses it and rolls back.
        using (SqliteWorkspaceDatabase.Open(new Workspace(_workspace.Root), migrations: [.. ShippedSchema.Sqlite.Where(m => m.Version < new Version(1, 11, 0))]))
        {
        }

        SqliteConnection.ClearAllPools();
        using (var connection = new SqliteConnection($"Data Source={_workspace.DatabasePath};Pooling=False"))
        {
            connection.Open();
            using SqliteCommand insert = connection.CreateCommand();
            insert.CommandText = """
                INSERT INTO outbox (idempotency_key, entity_type, entity_id, session_id, operation, base_version, version, origin, payload, next_attempt_at, created_at, updated_at)
                VALUES ('Session:written-by-hand', 'Session', 'sess_x', 'sess_x', 'Upsert', 0, 1, 'ws_test', '{}', '2026-01-01T00:00:00.0000000Z', '2026-01-01T00:00:00.0000000Z', '2026-01-01T00:00:00.0000000Z');
                """;
            insert.ExecuteNonQuery();
        }

        AcodeResult check = await _workspace.RunAsync("db", "check");
        AcodeResult list = await _workspace.RunAsync("session", "list");
        AcodeResult dryRun = await _workspace.RunAsync("db", "migrate", "--dry-run");

        Assert.True(list.ExitCode == 13, list.ToString());
        Assert.Contains("Error: ACODE-DB-003: Migration V1_11_0_OutboxDerivedKey failed", list.Stderr, StringComparison.Ordinal);
        string tryLine = list.Stderr.Split('\n').Single(l => l.StartsWith("Try:", StringComparison.Ordinal));
        Assert.Contains("Nothing was lost: the database was not changed", tryLine, StringComparison.Ordinal);
        Assert.Contains("an acode whose newest schema is 1.10.0 still opens it", tryLine, StringComparison.Ordinal);
        Assert.Contains("run 'acode db check'", tryLine, StringComparison.Ordinal);
        Assert.Contains("'acode db migrate --dry-run'", tryLine, StringComparison.Ordinal);

        // db check, which the hint names, reports on the database as it is (it once migrated first, and failed the same way).
        Assert.True(check.ExitCode == 1, check.ToString());
        Assert.Contains("ok   integrity", check.Stdout, StringComparison.Ordinal);
        Assert.Contains("FAIL schema        1.10.0 (latest " + ShippedSchema.Latest + "), not migrated: ACODE-DB-003: Migration V1_11_0_OutboxDerivedKey failed", check.Stdout, StringComparison.Ordinal);
        Assert.Contains("FAIL outbox        not checked", check.Stdout, StringComparison.Ordinal);

        Assert.True(dryRun.ExitCode == 0, dryRun.ToString()); // the command the hint names does run
        Assert.Contains("would apply V1_11_0_OutboxDerivedKey", dryRun.Stdout, StringComparison.Ordinal);
    }

    public void Dispose() => _workspace.Dispose();

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
