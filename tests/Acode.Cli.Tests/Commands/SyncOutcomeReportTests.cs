using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Acode.Cli.Tests.Support;
using Acode.Testing;
using Npgsql;
using static Acode.Testing.PostgresSql;

namespace Acode.Cli.Tests.Commands;

/// <summary>
/// What <c>db sync</c>, <c>db sync status</c>, <c>db check</c> and <c>db migrate</c> report matches what happened (team
/// trial, session 15): bookkeeping that fails after a complete delivery is a warning, not exit 16 "the changes wait"; a
/// sync that reached PostgreSQL with nothing to deliver is a successful sync; what a run delivered before an outage is
/// counted; a reader's dry run with nothing pending exits 0; the library's log stays out of the output without --verbose.
/// </summary>
[Collection(PostgresFixture.CollectionName)]
public sealed partial class SyncOutcomeReportTests(PostgresFixture fixture) : IDisposable
{
    private readonly CliWorkspace _workspace = new();

    [Fact]
    [Trait("Issue", "trial15.3")]
    public async Task A_sync_whose_workspaces_row_update_times_out_after_delivering_everything_warns_and_exits_0()
    {
        string admin = await fixture.CreateDatabaseAsync();
        UseUrl(admin);
        await _workspace.RunOkAsync("demo");
        await _workspace.RunOkAsync("db", "sync"); // registered: the next run's only write to workspaces is after its delivery
        await _workspace.RunOkAsync("demo");
        _workspace.Environment["ACODE_PERSISTENCE__POSTGRES__COMMANDTIMEOUTSECONDS"] = "2";

        AcodeResult sync;
        await using (var locker = new NpgsqlConnection(admin))
        {
            await locker.OpenAsync();
            await using NpgsqlTransaction transaction = await locker.BeginTransactionAsync();
            await using (var command = new NpgsqlCommand("LOCK TABLE workspaces IN EXCLUSIVE MODE;", locker, transaction))
            {
                await command.ExecuteNonQueryAsync();
            }

            sync = await _workspace.RunAsync("db", "sync");
            await transaction.RollbackAsync();
        }

        Assert.True(sync.ExitCode == 0, sync.ToString());
        Assert.Matches(@"Delivered [1-9]\d* record\(s\): .*; 0 pending\.", sync.Stdout);
        Assert.DoesNotContain("Error:", sync.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("wait in the outbox", sync.Stderr, StringComparison.Ordinal);
        string warning = Assert.Single(sync.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("Warning: everything due was delivered, but this workspace's row in PostgreSQL's workspaces table", warning, StringComparison.Ordinal);
        Assert.Contains("the next sync records it", warning, StringComparison.Ordinal);
        Assert.Equal(0, (await _workspace.JsonAsync("db", "sync", "status")).GetProperty("pending").GetInt64());
        Assert.Equal(2, await CountAsync(admin, "SELECT count(*) FROM sessions"));
    }

    [Fact]
    [Trait("Issue", "trial15.5")]
    public async Task A_sync_with_nothing_to_deliver_clears_the_last_error_and_stamps_the_last_successful_sync()
    {
        string admin = await fixture.CreateDatabaseAsync();
        UseUrl(admin);
        await _workspace.RunOkAsync("demo");
        await _workspace.RunOkAsync("db", "sync");
        DateTimeOffset first = (await _workspace.JsonAsync("db", "sync", "status")).GetProperty("lastSuccessfulSync").GetDateTimeOffset();
        string good = _workspace.Environment["ACODE_POSTGRES_URL"]!;
        _workspace.Environment["ACODE_POSTGRES_URL"] = Regex.Replace(good, "^(postgresql://[^:]+:)[^@]+@", "${1}wrong@");
        Assert.Equal(16, (await _workspace.RunAsync("db", "sync")).ExitCode);
        Assert.Contains("authentication failed", (await _workspace.JsonAsync("db", "sync", "status")).GetProperty("lastError").GetString(), StringComparison.Ordinal);
        _workspace.Environment["ACODE_POSTGRES_URL"] = good;

        AcodeResult sync = await _workspace.RunOkAsync("db", "sync");
        JsonElement status = await _workspace.JsonAsync("db", "sync", "status");
        AcodeResult text = await _workspace.RunOkAsync("db", "sync", "status");

        Assert.Contains("Delivered 0 record(s)", sync.Stdout, StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, status.GetProperty("lastError").ValueKind);
        Assert.True(status.GetProperty("lastSuccessfulSync").GetDateTimeOffset() > first, status.ToString());
        Assert.DoesNotContain("Last error", text.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Issue", "trial15.7")]
    public async Task What_a_run_delivered_before_PostgreSQL_refused_it_is_counted_by_the_sync_its_error_and_the_watch()
    {
        string admin = await fixture.CreateDatabaseAsync();
        UseUrl(admin);
        _workspace.Environment["ACODE_PERSISTENCE__SYNC__BATCHSIZE"] = "5";
        await _workspace.RunOkAsync("db", "migrate");
        // The second session's arrival is refused as by a server turned read-only: the run pauses after the first session's batches.
        await ExecuteAsync(admin, """
            CREATE FUNCTION acode_test_refuse_second() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF (SELECT count(*) FROM sessions WHERE id <> NEW.id) > 0 THEN
                    RAISE EXCEPTION 'cannot execute INSERT in a read-only transaction' USING ERRCODE = '25006';
                END IF;
                RETURN NEW;
            END $$;
            CREATE TRIGGER acode_test_refuse_second BEFORE INSERT ON sessions FOR EACH ROW EXECUTE FUNCTION acode_test_refuse_second();
            """);
        await _workspace.RunOkAsync("demo", "--sessions", "2");

        AcodeResult sync = await _workspace.RunAsync("db", "sync");

        Assert.True(sync.ExitCode == 16, sync.ToString());
        Match delivered = Regex.Match(sync.Stdout, @"Delivered (\d+) record\(s\)");
        Assert.True(delivered.Success && long.Parse(delivered.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) > 0, sync.ToString());
        string tryLine = sync.Stderr.Split('\n').Single(l => l.StartsWith("Try:", StringComparison.Ordinal));
        Assert.Contains($"{delivered.Groups[1].Value} record(s) were delivered before that", tryLine, StringComparison.Ordinal);
        Assert.DoesNotContain("the changes wait in the outbox", tryLine, StringComparison.Ordinal);

        // The watch, on a fresh database: its paused line counts the records delivered before the pause.
        await ExecuteAsync(admin, "DELETE FROM sessions; DELETE FROM session_tasks; DELETE FROM steps; DELETE FROM tool_calls; DELETE FROM artifacts; DELETE FROM session_events; DELETE FROM sync_applied;");
        await _workspace.RunOkAsync("db", "sync", "retry", "--processed");
        using Process watcher = AcodeBinary.Start(_workspace.Root, _workspace.Environment, "--workspace", _workspace.Root, "db", "sync", "--watch");
        var output = new ConcurrentQueue<string>();
        watcher.OutputDataReceived += (_, e) => output.Enqueue(e.Data ?? string.Empty);
        watcher.ErrorDataReceived += (_, e) => output.Enqueue(e.Data ?? string.Empty);
        watcher.BeginOutputReadLine();
        watcher.BeginErrorReadLine();
        try
        {
            var watch = Stopwatch.StartNew();
            while (!Flowing(string.Join('\n', output)).Contains("paused:", StringComparison.Ordinal))
            {
                Assert.True(watch.Elapsed < TimeSpan.FromSeconds(60), string.Join('\n', output));
                await Task.Delay(100);
            }

            await Task.Delay(300); // the rest of the line
        }
        finally
        {
            watcher.Kill();
            await watcher.WaitForExitAsync();
        }

        string shown = Flowing(string.Join('\n', output));
        Assert.Matches(@"paused: ACODE-DB-006: .*Before that: Delivered [1-9]\d* record\(s\)", shown);
    }

    /// <summary>PostgreSQL down: the Try line says what waits in the outbox, and an empty outbox is not "the changes wait" (trial X).</summary>
    [Fact]
    public async Task A_sync_that_cannot_reach_PostgreSQL_says_how_many_records_wait_and_none_when_the_outbox_is_empty()
    {
        await _workspace.RunOkAsync("db", "migrate");
        _workspace.Environment["ACODE_POSTGRES_URL"] = "postgresql://acode@127.0.0.1:1/acode";

        AcodeResult empty = await _workspace.RunAsync("db", "sync");
        await _workspace.RunOkAsync("demo");
        long pending = (await _workspace.JsonAsync("db", "status")).GetProperty("outbox").GetProperty("pending").GetInt64();
        AcodeResult waiting = await _workspace.RunAsync("db", "sync");

        Assert.True(empty.ExitCode == 16, empty.ToString());
        Assert.Contains("Try: Nothing was lost: the outbox holds no record to deliver and no attempt was counted.", empty.Stderr, StringComparison.Ordinal);
        Assert.True(waiting.ExitCode == 16, waiting.ToString());
        Assert.Contains($"Try: Nothing was lost: the {pending} record(s) to deliver wait in the outbox and no attempt was counted.", waiting.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Issue", "trial15.9")]
    public async Task A_reader_roles_dry_run_with_nothing_pending_says_so_and_exits_0()
    {
        string admin = await fixture.CreateDatabaseAsync();
        UseUrl(admin);
        await _workspace.RunOkAsync("db", "migrate");
        string role = $"reader_{Guid.NewGuid():N}"[..20];
        string database = new NpgsqlConnectionStringBuilder(admin).Database!;
        await ExecuteAsync(admin, $"""
            CREATE ROLE "{role}" LOGIN PASSWORD 'ReadPw1';
            GRANT CONNECT ON DATABASE "{database}" TO "{role}";
            GRANT USAGE ON SCHEMA public TO "{role}";
            GRANT SELECT ON ALL TABLES IN SCHEMA public TO "{role}";
            """);
        UseUrl(As(admin, role, "ReadPw1"));

        AcodeResult dryRun = await _workspace.RunAsync("db", "migrate", "--dry-run");
        AcodeResult json = await _workspace.RunAsync("db", "migrate", "--dry-run", "--json");

        Assert.True(dryRun.ExitCode == 0, dryRun.ToString());
        Assert.Contains("PostgreSQL (", dryRun.Stdout, StringComparison.Ordinal);
        Assert.Contains("nothing to migrate", dryRun.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("GRANT", dryRun.Stdout + dryRun.Stderr, StringComparison.Ordinal);
        Assert.True(json.ExitCode == 0, json.ToString());
        JsonElement postgres = JsonDocument.Parse(json.Stdout).RootElement.GetProperty("postgres");
        Assert.Empty(postgres.GetProperty("pending").EnumerateArray());
        Assert.Equal(JsonValueKind.Null, postgres.GetProperty("refused").ValueKind);
    }

    [Fact]
    [Trait("Issue", "trial15.10")]
    public async Task A_dead_lettered_record_is_said_by_the_CLI_alone_without_a_raw_log_line_unless_verbose()
    {
        string admin = await fixture.CreateDatabaseAsync();
        UseUrl(admin);
        _workspace.Environment["ACODE_PERSISTENCE__SYNC__MAXATTEMPTS"] = "1";
        await _workspace.RunOkAsync("db", "migrate");
        await ExecuteAsync(admin, "ALTER TABLE tool_calls ADD CONSTRAINT acode_test_rejects CHECK (false) NOT VALID;");
        await _workspace.RunOkAsync("demo");

        AcodeResult sync = await _workspace.RunAsync("db", "sync");

        Assert.Equal(1, sync.ExitCode);
        Assert.Matches(@"[1-9]\d* dead-lettered", sync.Stdout);
        foreach (string line in sync.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            Assert.True(line.StartsWith("Warning: ", StringComparison.Ordinal) || line.StartsWith("Try: ", StringComparison.Ordinal), sync.Stderr);
        }

        Assert.DoesNotContain("Acode.Infrastructure", sync.Stderr, StringComparison.Ordinal);

        // --verbose still shows the library's log.
        await _workspace.RunOkAsync("db", "sync", "retry", "--all");
        AcodeResult verbose = await _workspace.RunAsync("--verbose", "db", "sync");
        Assert.Contains("dead-lettered after", verbose.Stderr, StringComparison.Ordinal);
    }

    public void Dispose() => _workspace.Dispose();

    private void UseUrl(string connectionString) => _workspace.Environment["ACODE_POSTGRES_URL"] = PostgresServer.ToUrl(connectionString);

    /// <summary>The output without borders, each run of white space one space, so wrapped lines read on.</summary>
    private static string Flowing(string output) => Whitespace().Replace(output, " ");

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
