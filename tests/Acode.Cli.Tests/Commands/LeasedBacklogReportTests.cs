using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Acode.Application.Serialization;
using Acode.Cli.Tests.Support;
using Acode.Testing;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Acode.Cli.Tests.Commands;

/// <summary>
/// A backlog held by another sync's leases (a sync running elsewhere, or one killed before it gave them back) is
/// explained wherever the backlog is shown, not only by a one-shot <c>db sync</c>: <c>db sync --watch</c> says it once
/// (not on every poll), and <c>db sync status</c> / <c>db status</c> say how many pending records are leased and until when.
/// </summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class LeasedBacklogReportTests(PostgresFixture fixture) : IDisposable
{
    private readonly CliWorkspace _workspace = new();

    [Fact]
    [Trait("Issue", "trial16.D2")]
    public async Task Watch_says_once_that_the_backlog_is_leased_by_another_sync_and_until_when()
    {
        _workspace.Environment["ACODE_POSTGRES_URL"] = PostgresServer.ToUrl(await fixture.CreateDatabaseAsync());
        _workspace.Environment["ACODE_PERSISTENCE__SYNC__POLLINTERVALSECONDS"] = "1";
        await _workspace.RunOkAsync("demo");
        (long leased, string until) = LeaseEveryPendingRecordElsewhere();

        using Process watch = AcodeBinary.Start(_workspace.Root, _workspace.Environment, "--workspace", _workspace.Root, "db", "sync", "--watch");
        var output = new ConcurrentQueue<string>();
        watch.OutputDataReceived += (_, e) => output.Enqueue(e.Data ?? string.Empty);
        watch.ErrorDataReceived += (_, e) => output.Enqueue("stderr: " + e.Data);
        watch.BeginOutputReadLine();
        watch.BeginErrorReadLine();
        try
        {
            await WaitForAsync(() => output.Any(l => l.Contains("leased by another sync", StringComparison.Ordinal)), output);

            // More polls, one of them delivering a new session's records: the lease note is not said again.
            await _workspace.RunOkAsync("demo");
            await WaitForAsync(() => output.Any(l => l.Contains("Delivered ", StringComparison.Ordinal)), output);
        }
        finally
        {
            watch.Kill();
            await watch.WaitForExitAsync();
        }

        string note = Assert.Single(output, l => l.Contains("leased by another sync", StringComparison.Ordinal));
        Assert.Contains($"{leased} pending. {leased} of them are leased by another sync (running, or killed or stopped by an error before it gave them back) until {until}", note, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Issue", "trial16.D2")]
    public async Task Sync_status_and_db_status_say_how_many_pending_records_are_leased_and_until_when()
    {
        _workspace.Environment["ACODE_POSTGRES_URL"] = PostgresServer.ToUrl(await fixture.CreateDatabaseAsync());
        await _workspace.RunOkAsync("demo");
        (long leased, string until) = LeaseEveryPendingRecordElsewhere();

        AcodeResult status = await _workspace.RunOkAsync("db", "sync", "status");
        JsonElement json = await _workspace.JsonAsync("db", "sync", "status");
        AcodeResult dbStatus = await _workspace.RunOkAsync("db", "status");
        JsonElement dbJson = await _workspace.JsonAsync("db", "status");

        string leasedText = $"{leased.ToString("N0", CultureInfo.InvariantCulture)} leased by another sync until {until}";
        Assert.Contains(leasedText, Unwrapped(status.Stdout), StringComparison.Ordinal);
        Assert.Contains(leasedText, Unwrapped(dbStatus.Stdout), StringComparison.Ordinal);
        foreach (JsonElement sync in new[] { json, dbJson.GetProperty("sync") })
        {
            Assert.Equal(leased, sync.GetProperty("pending").GetInt64());
            Assert.Equal(leased, sync.GetProperty("leasedElsewhere").GetInt64());
            Assert.Equal(until, sync.GetProperty("leasedUntil").GetString());
        }

        // Nothing leased: the rows say nothing of leases, the JSON says 0 and null.
        Execute("DELETE FROM outbox_leases;");
        AcodeResult free = await _workspace.RunOkAsync("db", "sync", "status");
        JsonElement freeJson = await _workspace.JsonAsync("db", "sync", "status");
        Assert.DoesNotContain("leased", free.Stdout, StringComparison.Ordinal);
        Assert.Equal(0, freeJson.GetProperty("leasedElsewhere").GetInt64());
        Assert.Equal(JsonValueKind.Null, freeJson.GetProperty("leasedUntil").ValueKind);
    }

    [Fact]
    public async Task Db_check_says_how_many_pending_records_are_leased_and_until_when()
    {
        _workspace.Environment["ACODE_POSTGRES_URL"] = PostgresServer.ToUrl(await fixture.CreateDatabaseAsync());
        await _workspace.RunOkAsync("demo");
        (long leased, string until) = LeaseEveryPendingRecordElsewhere();

        AcodeResult check = await _workspace.RunOkAsync("db", "check");
        JsonElement json = await _workspace.JsonAsync("db", "check");

        string leasedText = $"{leased.ToString("N0", CultureInfo.InvariantCulture)} leased by another sync until {until}";
        string backlogLine = Assert.Single(check.Stdout.Split('\n'), l => l.Contains(" backlog ", StringComparison.Ordinal));
        Assert.Contains(leasedText, Unwrapped(check.Stdout), StringComparison.Ordinal);
        Assert.Contains("leased by another sync", backlogLine, StringComparison.Ordinal);
        JsonElement backlog = json.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("check").GetString() == "backlog");
        Assert.Contains(leasedText, backlog.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(leased, backlog.GetProperty("leasedElsewhere").GetInt64());
        Assert.Equal(until, backlog.GetProperty("leasedUntil").GetString());

        // Nothing leased: the check says nothing of leases.
        Execute("DELETE FROM outbox_leases;");
        AcodeResult free = await _workspace.RunOkAsync("db", "check");
        Assert.DoesNotContain("leased", free.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Issue", "trial27.1")]
    public async Task A_sync_after_a_killed_one_delivers_no_tool_call_before_its_step_and_the_team_can_pull_meanwhile()
    {
        string database = await fixture.CreateDatabaseAsync();
        _workspace.Environment["ACODE_POSTGRES_URL"] = PostgresServer.ToUrl(database);
        await _workspace.RunOkAsync("demo", "--sessions", "3");

        // A sync killed after claiming the steps' records: their leases outlive it.
        string until = UtcTimestamp.Format(DateTimeOffset.UtcNow.AddHours(1));
        Assert.True(Execute($"INSERT INTO outbox_leases SELECT id, 'killed-sync', '{until}', '{until}', '{until}' FROM outbox WHERE status = 'Pending' AND entity_type = 'Step';") > 0);
        AcodeResult sync = await _workspace.RunOkAsync("db", "sync");
        Assert.Contains("leased by another sync", sync.Stdout, StringComparison.Ordinal);

        await using (var connection = new NpgsqlConnection(database))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT count(*) FROM tool_calls c WHERE NOT EXISTS (SELECT 1 FROM steps s WHERE s.id = c.step_id)", connection);
            Assert.Equal(0L, (long)(await command.ExecuteScalarAsync())!);
        }

        using var teammate = new CliWorkspace();
        teammate.Environment["ACODE_POSTGRES_URL"] = _workspace.Environment["ACODE_POSTGRES_URL"];
        await teammate.RunOkAsync("session", "pull", "--all");

        // Once the lease is gone, the held sessions follow whole.
        Execute("DELETE FROM outbox_leases;");
        await _workspace.RunOkAsync("db", "sync");
        await teammate.RunOkAsync("session", "pull", "--all");
        Assert.Equal((await _workspace.SessionIdsAsync()).Order(StringComparer.Ordinal), (await teammate.SessionIdsAsync()).Order(StringComparer.Ordinal));
        Assert.Equal(
            (await _workspace.RunOkAsync("session", "export", (await _workspace.SessionIdsAsync())[0])).Stdout,
            (await teammate.RunOkAsync("session", "export", (await _workspace.SessionIdsAsync())[0])).Stdout);
    }

    public void Dispose() => _workspace.Dispose();

    /// <summary>The table's text with its borders and line breaks taken out, so a wrapped value reads as one.</summary>
    private static string Unwrapped(string table)
        => System.Text.RegularExpressions.Regex.Replace(table.Replace('│', ' '), @"\s+", " ");

    /// <summary>As a sync killed while holding them leaves them: every pending record leased by another owner for an hour.</summary>
    /// <returns>How many, and the lease's end as the CLI prints it (to the second).</returns>
    private (long Count, string Until) LeaseEveryPendingRecordElsewhere()
    {
        DateTimeOffset until = DateTimeOffset.UtcNow.AddHours(1);
        string stored = UtcTimestamp.Format(until);
        long count = Execute($"INSERT INTO outbox_leases SELECT id, 'killed-sync', '{stored}', '{stored}', '{stored}' FROM outbox WHERE status = 'Pending';");
        Assert.True(count > 0, "precondition: the demo left records pending");
        return (count, until.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
    }

    private int Execute(string sql)
    {
        using var connection = new SqliteConnection($"Data Source={_workspace.DatabasePath};Pooling=False");
        connection.Open();
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteNonQuery();
    }

    private static async Task WaitForAsync(Func<bool> condition, IEnumerable<string> output)
    {
        var waited = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(waited.Elapsed < TimeSpan.FromMinutes(2), "not seen within 2 minutes:\n" + string.Join("\n", output));
            await Task.Delay(100);
        }
    }
}
