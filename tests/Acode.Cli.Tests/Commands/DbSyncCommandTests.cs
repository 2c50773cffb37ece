using System.Diagnostics;
using System.Text.Json;
using Acode.Cli.Tests.Support;
using Acode.Testing;
using static Acode.Testing.PostgresSql;
using Npgsql;

namespace Acode.Cli.Tests.Commands;

/// <summary>The real acode binary syncing a workspace into the test PostgreSQL, with ACODE_POSTGRES_URL set, unset, or dead.</summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class DbSyncCommandTests(PostgresFixture fixture) : IDisposable
{
    private readonly CliWorkspace _workspace = new();
    private readonly List<AcodeResult> _everything = [];

    [Fact]
    [Trait("AC", "AC-036")]
    [Trait("AC", "AC-024")]
    [Trait("AC", "AC-058")]
    public async Task Sync_delivers_the_outbox_and_no_output_ever_shows_the_password()
    {
        string connectionString = await fixture.CreateDatabaseAsync();
        _workspace.Environment["ACODE_POSTGRES_URL"] = PostgresServer.ToUrl(connectionString);
        await RunOkAsync("demo", "--sessions", "3");
        long pending = (await JsonAsync("db", "status")).GetProperty("outbox").GetProperty("pending").GetInt64();

        AcodeResult sync = await RunOkAsync("db", "sync", "--verbose");

        // Applied: the newest version of each entity; an entity the demo changed several times also had older versions superseded.
        System.Text.RegularExpressions.Match summary = System.Text.RegularExpressions.Regex.Match(sync.Stdout, $@"Delivered {pending} record\(s\): (\d+) applied, 0 duplicate\(s\), 0 conflict\(s\), (\d+) superseded by a later version in this sync; 0 to retry");
        Assert.True(summary.Success, sync.Stdout);
        Assert.Equal(pending, long.Parse(summary.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) + long.Parse(summary.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(long.Parse(summary.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), await CountAsync(connectionString, "SELECT count(*) FROM sync_applied WHERE outcome = 'Applied'"));
        Assert.Equal(pending, await CountAsync(connectionString, "SELECT count(*) FROM sync_applied"));
        Assert.Equal(3, await CountAsync(connectionString, "SELECT count(*) FROM sessions"));
        JsonElement status = await JsonAsync("db", "sync", "status");
        Assert.True(status.GetProperty("reachable").GetBoolean());
        Assert.Equal(0, status.GetProperty("pending").GetInt64());
        Assert.Equal(ShippedSchema.Latest, status.GetProperty("postgresSchemaVersion").GetString());
        Assert.NotNull(status.GetProperty("lastSuccessfulSync").GetString());
        Assert.Equal(0, status.GetProperty("conflicts").GetInt64());
        Assert.StartsWith("postgresql://", status.GetProperty("target").GetString());
        AcodeResult version = await RunOkAsync("db", "schema", "version");
        Assert.Contains($"PostgreSQL  current {ShippedSchema.Latest}, latest {ShippedSchema.Latest} (up to date)", version.Stdout);
        AcodeResult again = await RunOkAsync("db", "sync");
        Assert.Contains("Delivered 0 record(s)", again.Stdout);
        await RunOkAsync("db", "status");
        await RunOkAsync("db", "status", "--json");
        await RunOkAsync("db", "check");
        await RunOkAsync("db", "migrate", "--dry-run");
        await RunOkAsync("session", "list");

        AssertNoSecretIn(_everything);
    }

    [Fact]
    [Trait("AC", "AC-025")]
    [Trait("AC", "AC-058")]
    public async Task With_PostgreSQL_down_local_work_goes_on_and_sync_reports_ACODE_DB_006_without_the_password()
    {
        _workspace.Environment["ACODE_POSTGRES_URL"] = $"postgresql://acode:{Uri.EscapeDataString(fixture.Server.Password)}@127.0.0.1:{FreePort()}/acode";

        await RunOkAsync("demo");
        AcodeResult sync = await RunAsync("db", "sync");
        AcodeResult status = await RunOkAsync("db", "status");
        AcodeResult check = await RunAsync("db", "check");
        AcodeResult version = await RunAsync("db", "schema", "version");

        Assert.Equal(16, sync.ExitCode);
        Assert.Contains("Error: ACODE-DB-006:", sync.Stderr);
        Assert.DoesNotContain("ACODE-DB-006: ACODE-DB-006", sync.Stderr); // the pause's code is not repeated in its text
        Assert.Contains("Nothing was lost", sync.Stderr);
        Assert.Contains("no: ACODE-DB-006", status.Stdout);
        Assert.Equal(1, check.ExitCode);
        Assert.Contains("FAIL postgres", check.Stdout);
        Assert.Equal(16, version.ExitCode);
        Assert.Contains($"SQLite      current {ShippedSchema.Latest}", version.Stdout);
        Assert.Equal(0, (await JsonAsync("db", "sync", "status")).GetProperty("deadLetters").GetInt64());
        Assert.Single(await _workspace.SessionIdsAsync());
        AssertNoSecretIn(_everything);
    }

    [Fact]
    public async Task A_PostgreSQL_restored_empty_is_refilled_by_retry_processed_exactly_once()
    {
        string connectionString = await fixture.CreateDatabaseAsync();
        _workspace.Environment["ACODE_POSTGRES_URL"] = PostgresServer.ToUrl(connectionString);
        await RunOkAsync("demo", "--sessions", "2");
        await RunOkAsync("db", "sync");
        long delivered = await CountAsync(connectionString, "SELECT count(*) FROM sync_applied");
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync();
            await using var wipe = new NpgsqlCommand("DROP SCHEMA public CASCADE; CREATE SCHEMA public;", connection);
            await wipe.ExecuteNonQueryAsync();
        }

        await RunOkAsync("demo");
        AcodeResult recreated = await RunOkAsync("db", "sync", "--verbose");
        Assert.Contains("retry --processed", recreated.Stderr);
        Assert.Equal(1, await CountAsync(connectionString, "SELECT count(*) FROM sessions"));

        AcodeResult requeued = await RunOkAsync("db", "sync", "retry", "--processed");
        await RunOkAsync("db", "sync");
        await RunOkAsync("db", "sync", "retry", "--processed");
        await RunOkAsync("db", "sync");

        Assert.Contains($"Requeued {delivered + 33} delivered record(s)", requeued.Stdout);
        Assert.Equal(3, await CountAsync(connectionString, "SELECT count(*) FROM sessions"));
        Assert.Equal(delivered + 33, await CountAsync(connectionString, "SELECT count(*) FROM sync_applied"));
        Assert.Equal(0, await CountAsync(connectionString, "SELECT count(*) FROM sync_conflicts"));
    }

    [Fact]
    public async Task Watch_with_json_is_refused_as_a_usage_error_before_anything_runs()
    {
        string connectionString = await fixture.CreateDatabaseAsync();
        _workspace.Environment["ACODE_POSTGRES_URL"] = PostgresServer.ToUrl(connectionString);
        await RunOkAsync("demo");

        AcodeResult result = await RunAsync("db", "sync", "--watch", "--json");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Error: --json and --watch cannot be combined.", result.Stderr);
        Assert.Contains("Try: Run 'acode db sync --json'", result.Stderr);
        Assert.Equal("", result.Stdout);
        Assert.NotEqual(0, (await JsonAsync("db", "status")).GetProperty("outbox").GetProperty("pending").GetInt64());
    }

    [Fact]
    public async Task Sync_without_PostgreSQL_configured_says_how_to_configure_it_and_exits_17_not_unreachable()
    {
        await RunOkAsync("demo");

        AcodeResult sync = await RunAsync("db", "sync");
        AcodeResult watch = await RunAsync("db", "sync", "--watch");

        foreach (AcodeResult result in new[] { sync, watch })
        {
            Assert.Equal(17, result.ExitCode);
            Assert.Contains("Error: ACODE-DB-007: No PostgreSQL is configured", result.Stderr);
            Assert.Contains("Try: Set ACODE_POSTGRES_URL", result.Stderr);
            Assert.DoesNotContain("ACODE-DB-006", result.Stderr);
            Assert.DoesNotContain("unreachable", result.Stderr);
        }
    }

    [Fact]
    public async Task Sync_exits_1_while_records_are_rejected_or_dead_lettered_and_0_once_everything_is_delivered()
    {
        string connectionString = await fixture.CreateDatabaseAsync();
        _workspace.Environment["ACODE_POSTGRES_URL"] = PostgresServer.ToUrl(connectionString);
        _workspace.Environment["ACODE_PERSISTENCE__SYNC__MAXATTEMPTS"] = "1";
        await RunOkAsync("db", "migrate");
        await ExecuteAsync(connectionString, "ALTER TABLE tool_calls ADD CONSTRAINT acode_test_rejects CHECK (false) NOT VALID;");
        await RunOkAsync("demo");

        AcodeResult sync = await RunAsync("db", "sync");
        AcodeResult again = await RunAsync("db", "sync", "--json");

        Assert.Equal(1, sync.ExitCode);
        Assert.Matches(@"[1-9]\d* dead-lettered", sync.Stdout);
        Assert.Matches(@"Warning: not everything was delivered: [1-9]\d* record\(s\) failed in this run \(rejected by PostgreSQL", sync.Stderr);
        Assert.Contains("'acode db sync retry --all'", sync.Stderr);
        Assert.Equal(1, again.ExitCode); // nothing new was rejected, but dead letters wait: not "delivered everything"
        string status = (await RunOkAsync("db", "sync", "status")).Stdout;
        Assert.Contains(" after 1 attempt: ", status, StringComparison.Ordinal);
        Assert.DoesNotContain("1 attempts", status, StringComparison.Ordinal);
        using (JsonDocument json = JsonDocument.Parse(again.Stdout))
        {
            Assert.True(json.RootElement.GetProperty("deadLettersInOutbox").GetInt64() > 0);
        }

        await ExecuteAsync(connectionString, "ALTER TABLE tool_calls DROP CONSTRAINT acode_test_rejects;");
        await RunOkAsync("db", "sync", "retry", "--all");
        AcodeResult delivered = await RunAsync("db", "sync");

        Assert.Equal(0, delivered.ExitCode);
        Assert.Equal("", delivered.Stderr);
        Assert.Equal(0, (await JsonAsync("db", "sync", "status")).GetProperty("deadLetters").GetInt64());
        AcodeResult none = await RunOkAsync("db", "sync", "retry", "--all");
        Assert.Contains("Nothing to requeue: no record is dead-lettered", none.Stdout, StringComparison.Ordinal);
        AssertNoSecretIn(_everything);
    }

    [Fact]
    [Trait("AC", "AC-042")]
    public async Task A_sync_process_killed_mid_run_leaves_records_that_the_next_run_finishes_exactly_once()
    {
        string connectionString = await fixture.CreateDatabaseAsync();
        _workspace.Environment["ACODE_POSTGRES_URL"] = PostgresServer.ToUrl(connectionString);
        _workspace.Environment["ACODE_PERSISTENCE__SYNC__LEASESECONDS"] = "5";
        _workspace.Environment["ACODE_PERSISTENCE__SYNC__BATCHSIZE"] = "20"; // many batches: the kill lands mid-run however fast one batch is
        _workspace.Environment["ACODE_PERSISTENCE__POSTGRES__COMMANDTIMEOUTSECONDS"] = "2";
        await RunOkAsync("demo", "--sessions", "150");
        long records = (await JsonAsync("db", "status")).GetProperty("outbox").GetProperty("pending").GetInt64();

        using (Process victim = AcodeBinary.Start(_workspace.Root, _workspace.Environment, "--workspace", _workspace.Root, "db", "sync"))
        {
            var watch = Stopwatch.StartNew();
            while (await CountOrZeroAsync(connectionString, "SELECT count(*) FROM sync_applied") == 0 && watch.Elapsed < TimeSpan.FromSeconds(60) && !victim.HasExited)
            {
                await Task.Delay(20);
            }

            victim.Kill();
            await victim.WaitForExitAsync();
        }

        long deliveredBeforeKill = await CountOrZeroAsync(connectionString, "SELECT count(*) FROM sync_applied");
        var deadline = Stopwatch.StartNew();
        long pending;
        do
        {
            await RunOkAsync("db", "sync");
            pending = (await JsonAsync("db", "status")).GetProperty("outbox").GetProperty("pending").GetInt64();
        }
        while (pending > 0 && deadline.Elapsed < TimeSpan.FromSeconds(60));

        Assert.True(deliveredBeforeKill < records, $"the first process finished before it was killed ({deliveredBeforeKill} of {records})");
        Assert.Equal(0, pending);
        Assert.Equal(records, await CountAsync(connectionString, "SELECT count(*) FROM sync_applied"));
        Assert.Equal(150, await CountAsync(connectionString, "SELECT count(*) FROM sessions"));
        Assert.Equal(0, (await JsonAsync("db", "sync", "status")).GetProperty("deadLetters").GetInt64());
    }

    [Fact]
    [Trait("AC", "AC-036")]
    public async Task Watch_keeps_syncing_rides_out_a_server_outage_and_recovers()
    {
        string connectionString = await fixture.CreateDatabaseAsync();
        _workspace.Environment["ACODE_POSTGRES_URL"] = PostgresServer.ToUrl(connectionString);
        _workspace.Environment["ACODE_PERSISTENCE__SYNC__POLLINTERVALSECONDS"] = "1";
        await RunOkAsync("db", "migrate");
        using Process watcher = AcodeBinary.Start(_workspace.Root, _workspace.Environment, "--workspace", _workspace.Root, "db", "sync", "--watch");
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        watcher.OutputDataReceived += (_, e) => output.Enqueue(e.Data ?? string.Empty);
        watcher.ErrorDataReceived += (_, e) => output.Enqueue(e.Data ?? string.Empty);
        watcher.BeginOutputReadLine();
        watcher.BeginErrorReadLine();
        try
        {
            await RunOkAsync("demo");
            await WaitForAsync(async () => await CountOrZeroAsync(connectionString, "SELECT count(*) FROM sessions") == 1);

            await fixture.Server.StopAsync();
            try
            {
                await RunOkAsync("demo");
                await WaitForAsync(() => Task.FromResult(output.Any(l => l.Contains("paused: ACODE-DB-006", StringComparison.Ordinal))));
            }
            finally
            {
                await fixture.Server.StartAsync();
            }

            await WaitForAsync(async () => await CountOrZeroAsync(connectionString, "SELECT count(*) FROM sessions") == 2);

            // The session row can arrive before the last of its records (batches are claimed ahead): recovered means drained.
            await WaitForAsync(async () => await PendingAsync() == 0);
        }
        finally
        {
            watcher.Kill();
            await watcher.WaitForExitAsync();
        }

        Assert.Contains(output, l => l.Contains("Watching the outbox", StringComparison.Ordinal));
        Assert.DoesNotContain(output, l => l.Contains(fixture.Server.Password, StringComparison.Ordinal));
        Assert.Equal(0, (await JsonAsync("db", "sync", "status")).GetProperty("pending").GetInt64());
    }

    public void Dispose() => _workspace.Dispose();

    private void AssertNoSecretIn(IEnumerable<AcodeResult> results)
    {
        string password = fixture.Server.Password;
        foreach (AcodeResult result in results)
        {
            Assert.DoesNotContain(password, result.Stdout, StringComparison.Ordinal);
            Assert.DoesNotContain(password, result.Stderr, StringComparison.Ordinal);
            Assert.DoesNotContain(Uri.EscapeDataString(password), result.Stdout + result.Stderr, StringComparison.Ordinal);
        }
    }

    private async Task<AcodeResult> RunAsync(params string[] args)
    {
        AcodeResult result = await _workspace.RunAsync(args);
        _everything.Add(result);
        return result;
    }

    private async Task<AcodeResult> RunOkAsync(params string[] args)
    {
        AcodeResult result = await RunAsync(args);
        Assert.True(result.ExitCode == 0, $"acode {string.Join(' ', args)} failed:\n{result}");
        return result;
    }

    private async Task<long> PendingAsync()
    {
        AcodeResult result = await RunAsync("db", "sync", "status", "--json");
        if (result.ExitCode != 0)
        {
            return -1;
        }

        using JsonDocument document = JsonDocument.Parse(result.Stdout);
        return document.RootElement.GetProperty("pending").GetInt64();
    }

    private async Task<JsonElement> JsonAsync(params string[] args)
    {
        AcodeResult result = await RunOkAsync([.. args, "--json"]);
        using JsonDocument document = JsonDocument.Parse(result.Stdout);
        return document.RootElement.Clone();
    }


    /// <summary>The count, or 0 while the table does not exist yet or the server is down.</summary>
    private static async Task<long> CountOrZeroAsync(string connectionString, string sql)
    {
        try
        {
            return await CountAsync(connectionString, sql);
        }
        catch (NpgsqlException)
        {
            return 0;
        }
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition)
    {
        var watch = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(60), "The condition did not become true within 60 s.");
            await Task.Delay(100);
        }
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
