using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Acode.Cli.Tests.Support;
using Acode.Testing;
using Microsoft.Data.Sqlite;
using Npgsql;
using Xunit.Abstractions;
using static Acode.Testing.PostgresSql;

namespace Acode.Cli.Tests.Commands;

/// <summary>
/// Ctrl+C (SIGINT) and SIGTERM sent to the real binary: <c>db sync --watch</c> stops with its documented exit code
/// whenever the signals come, a one-shot <c>db sync</c> stopped mid-run gives back what it claimed, an export to a
/// file leaves no partial file behind, and <c>acode ui</c> stopped while still starting exits 0 as after its start.
/// </summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class StopSignalTests(PostgresFixture fixture, ITestOutputHelper output) : IDisposable
{
    private readonly CliWorkspace _workspace = new();

    [Fact]
    public async Task Db_sync_watch_stopped_by_signals_at_any_moment_exits_0_every_time()
    {
        int seed = Environment.GetEnvironmentVariable("ACODE_TEST_SEED") is { } given ? int.Parse(given, CultureInfo.InvariantCulture) : Random.Shared.Next();
        output.WriteLine($"seed {seed} (rerun with ACODE_TEST_SEED={seed})");
        var random = new Random(seed);
        string connectionString = await fixture.CreateDatabaseAsync();
        string live = PostgresServer.ToUrl(connectionString);
        string dead = $"postgresql://acode:x@127.0.0.1:{FreePort()}/acode";
        // PostgreSQL's schema first: a round whose signal lands while the watch migrates it would leave it half migrated
        // (each migration commits on its own), and the next round's watch would say on stderr that it migrated the rest.
        _workspace.Environment["ACODE_POSTGRES_URL"] = dead;
        await _workspace.RunOkAsync("demo");
        _workspace.Environment["ACODE_POSTGRES_URL"] = live;
        await _workspace.RunOkAsync("db", "migrate");
        for (int round = 0; round < 12; round++)
        {
            // Half the rounds with PostgreSQL unreachable (the watch backs off), half delivering a backlog.
            bool up = round % 2 == 1;
            _workspace.Environment["ACODE_POSTGRES_URL"] = up ? live : dead;
            _workspace.Environment["ACODE_PERSISTENCE__SYNC__BATCHSIZE"] = "10";
            if (up)
            {
                await _workspace.RunOkAsync("demo", "--sessions", "5");
            }

            // Like a terminal or 'timeout': the signal, and often the same again soon after (to the process group).
            string first = round % 4 == 3 ? "TERM" : "INT";
            int before = random.Next(0, 800), between = random.Next(0, 10);
            using Process watch = AcodeBinary.Start(_workspace.Root, _workspace.Environment, "--workspace", _workspace.Root, "db", "sync", "--watch");
            Task<string> stderr = watch.StandardError.ReadToEndAsync();
            string? announced = await watch.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromMinutes(2));
            Task<string> stdout = watch.StandardOutput.ReadToEndAsync();
            await Task.Delay(before);
            Signal(watch, first);
            await Task.Delay(between);
            Signal(watch, "INT");
            await WaitForExitAsync(watch);
            string outcome = $"round {round} (PostgreSQL {(up ? "up" : "down")}, SIG{first} after {before} ms, SIGINT {between} ms later): exit {watch.ExitCode}";
            output.WriteLine(outcome);
            string err = await stderr, text = await stdout;
            Assert.True(watch.ExitCode == 0 && text.Contains("Stopped.", StringComparison.Ordinal) && err.Length == 0, $"{outcome}\n{announced}\n{text}\n{err}\n(seed {seed})");
        }

        Assert.Equal(0, LeaseCount()); // every stop gave back what it had claimed
    }

    [Theory]
    [InlineData("claude-code")]
    [InlineData("codex")]
    public async Task Import_watch_stopped_by_signals_at_any_moment_exits_0_every_time(string agent)
    {
        int seed = Environment.GetEnvironmentVariable("ACODE_TEST_SEED") is { } given ? int.Parse(given, CultureInfo.InvariantCulture) : Random.Shared.Next();
        output.WriteLine($"seed {seed} (rerun with ACODE_TEST_SEED={seed})");
        var random = new Random(seed);
        string folder = Directory.CreateDirectory(Path.Combine(_workspace.Root, "transcripts")).FullName;
        for (int round = 0; round < 6; round++)
        {
            string first = round % 3 == 2 ? "TERM" : "INT";
            int before = random.Next(0, 800), between = random.Next(0, 10);
            using Process watch = AcodeBinary.Start(_workspace.Root, _workspace.Environment, "--workspace", _workspace.Root, "import", agent, "--watch", folder);
            Task<string> stderr = watch.StandardError.ReadToEndAsync();
            string? announced = await watch.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromMinutes(2));
            Task<string> stdout = watch.StandardOutput.ReadToEndAsync();
            await Task.Delay(before);
            Signal(watch, first);
            await Task.Delay(between);
            Signal(watch, "INT");
            await WaitForExitAsync(watch);
            string outcome = $"round {round} (SIG{first} after {before} ms, SIGINT {between} ms later): exit {watch.ExitCode}";
            output.WriteLine(outcome);
            string err = await stderr, text = await stdout;
            Assert.True(watch.ExitCode == 0 && text.Contains("Stopped.", StringComparison.Ordinal) && err.Length == 0, $"{outcome}\n{announced}\n{text}\n{err}\n(seed {seed})");
        }
    }

    [Theory]
    [InlineData("INT", 130, "Stopped by Ctrl+C (SIGINT)")]
    [InlineData("TERM", 143, "Stopped by SIGTERM")]
    [InlineData("HUP", 129, "Stopped by SIGHUP (terminal closed)")] // a closed terminal or SSH session (trial BA F3)
    public async Task A_one_shot_sync_stopped_mid_run_gives_back_its_claimed_records_and_exits_128_plus_the_signal(string signal, int exitCode, string said)
    {
        string connectionString = await fixture.CreateDatabaseAsync();
        _workspace.Environment["ACODE_POSTGRES_URL"] = PostgresServer.ToUrl(connectionString);
        _workspace.Environment["ACODE_PERSISTENCE__SYNC__BATCHSIZE"] = "10"; // many batches: the signal lands mid-run
        _workspace.Environment["ACODE_PERSISTENCE__SYNC__LEASESECONDS"] = "3600"; // a lease left behind would block the next run
        await _workspace.RunOkAsync("demo", "--sessions", "150");
        long records = (await _workspace.JsonAsync("db", "status")).GetProperty("outbox").GetProperty("pending").GetInt64();

        using (Process sync = AcodeBinary.Start(_workspace.Root, _workspace.Environment, "--workspace", _workspace.Root, "db", "sync"))
        {
            Task<string> stdout = sync.StandardOutput.ReadToEndAsync(), stderr = sync.StandardError.ReadToEndAsync();
            var waited = Stopwatch.StartNew();
            while (await CountOrZeroAsync(connectionString, "SELECT count(*) FROM sync_applied") == 0 && waited.Elapsed < TimeSpan.FromMinutes(2) && !sync.HasExited)
            {
                await Task.Delay(20);
            }

            Signal(sync, signal);
            await WaitForExitAsync(sync);
            string err = await stderr, text = await stdout;
            Assert.True(sync.ExitCode == exitCode, $"exit {sync.ExitCode}\n{text}\n{err}");
            Assert.Equal(0, LeaseCount()); // nothing stays leased to the stopped process
            Assert.Contains(said, err, StringComparison.Ordinal);
            Assert.Contains("left pending", err, StringComparison.Ordinal);
        }

        long deliveredBefore = await CountAsync(connectionString, "SELECT count(*) FROM sync_applied");
        Assert.True(deliveredBefore < records, $"the sync finished before the signal ({deliveredBefore} of {records})");

        AcodeResult next = await _workspace.RunOkAsync("db", "sync", "--json");
        using JsonDocument result = JsonDocument.Parse(next.Stdout);
        Assert.Equal(0, result.RootElement.GetProperty("pending").GetInt64());
        Assert.Equal(0, result.RootElement.GetProperty("leasedElsewhere").GetInt64());
        Assert.Equal(records, await CountAsync(connectionString, "SELECT count(*) FROM sync_applied"));
    }

    [Fact]
    public async Task Db_prune_remote_stopped_while_delivering_gives_back_its_claimed_records_and_exits_130()
    {
        string connectionString = await fixture.CreateDatabaseAsync();
        _workspace.Environment["ACODE_POSTGRES_URL"] = PostgresServer.ToUrl(connectionString);
        _workspace.Environment["ACODE_PERSISTENCE__SYNC__BATCHSIZE"] = "10";
        _workspace.Environment["ACODE_PERSISTENCE__SYNC__LEASESECONDS"] = "3600";
        await _workspace.RunOkAsync("demo", "--sessions", "150");
        using Process prune = AcodeBinary.Start(_workspace.Root, _workspace.Environment, "--workspace", _workspace.Root, "db", "prune", "--remote", "--older-than", "2000-01-01", "--include-unsynced", "--yes");
        Task<string> stdout = prune.StandardOutput.ReadToEndAsync(), stderr = prune.StandardError.ReadToEndAsync();
        var waited = Stopwatch.StartNew();
        while (await CountOrZeroAsync(connectionString, "SELECT count(*) FROM sync_applied") == 0 && waited.Elapsed < TimeSpan.FromMinutes(2) && !prune.HasExited)
        {
            await Task.Delay(20);
        }

        Signal(prune, "INT");
        await WaitForExitAsync(prune);
        string err = await stderr, text = await stdout;

        Assert.True(prune.ExitCode == 130, $"exit {prune.ExitCode}\n{text}\n{err}");
        Assert.Equal(0, LeaseCount());
        Assert.Contains("Stopped by Ctrl+C (SIGINT) while delivering", err, StringComparison.Ordinal);
        Assert.DoesNotContain(" 0 still pending", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("INT", 130, "Stopped by Ctrl+C (SIGINT)", false)]
    [InlineData("TERM", 143, "Stopped by SIGTERM", true)]
    public async Task An_export_to_a_file_stopped_by_a_signal_removes_the_file_it_was_writing_beside_the_target(string signal, int exitCode, string said, bool existing)
    {
        string connectionString = await fixture.CreateDatabaseAsync();
        _workspace.Environment["ACODE_POSTGRES_URL"] = PostgresServer.ToUrl(connectionString);
        await _workspace.RunOkAsync("demo", "--sessions", "3");
        await _workspace.RunOkAsync("db", "sync");
        string folder = Directory.CreateDirectory(Path.Combine(_workspace.Root, "out")).FullName;
        string target = Path.Combine(folder, "e.jsonl");
        if (existing)
        {
            await File.WriteAllTextAsync(target, "the previous export\n");
        }

        // While this transaction holds the steps table, PostgreSQL makes the export wait once it has created its file
        // beside the target (steps are read for each session's lines, not to list the sessions): the signal lands mid-export.
        await using var blocker = new NpgsqlConnection(connectionString);
        await blocker.OpenAsync();
        await using NpgsqlTransaction transaction = await blocker.BeginTransactionAsync();
        await using (var command = new NpgsqlCommand("LOCK TABLE steps IN ACCESS EXCLUSIVE MODE;", blocker, transaction))
        {
            await command.ExecuteNonQueryAsync();
        }

        string[] args = ["--workspace", _workspace.Root, "session", "export", "--all", "--remote", "-o", target, .. existing ? new[] { "--force" } : []];
        using Process export = AcodeBinary.Start(_workspace.Root, _workspace.Environment, args);
        Task<string> stdout = export.StandardOutput.ReadToEndAsync(), stderr = export.StandardError.ReadToEndAsync();
        var waited = Stopwatch.StartNew();
        while (Directory.GetFiles(folder, ".e.jsonl.*.tmp").Length == 0 && waited.Elapsed < TimeSpan.FromMinutes(2) && !export.HasExited)
        {
            await Task.Delay(20);
        }

        Assert.True(Directory.GetFiles(folder, ".e.jsonl.*.tmp").Length == 1, $"precondition: the export is writing its file beside the target\n{(export.HasExited ? await stderr : "")}");
        Signal(export, signal);
        await WaitForExitAsync(export);
        await transaction.RollbackAsync();
        string err = await stderr, text = await stdout;

        Assert.True(export.ExitCode == exitCode, $"exit {export.ExitCode}\n{text}\n{err}");
        Assert.Contains($"{said} before the export was complete", err, StringComparison.Ordinal);
        Assert.Equal(existing ? ["e.jsonl"] : [], Directory.GetFiles(folder).Select(Path.GetFileName).ToArray());
        if (existing)
        {
            Assert.Equal("the previous export\n", await File.ReadAllTextAsync(target));
            Assert.Contains("was left as it was", err, StringComparison.Ordinal);
        }
        else
        {
            Assert.Contains("was not created", err, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("INT", 130, "Stopped by Ctrl+C (SIGINT)")]
    [InlineData("TERM", 143, "Stopped by SIGTERM")]
    [InlineData("HUP", 129, "Stopped by SIGHUP (terminal closed)")]
    public async Task A_pull_of_all_sessions_stopped_by_a_signal_says_how_far_it_came_and_the_next_pull_finishes(string signal, int exitCode, string said)
    {
        // While the steps table is held, the pull waits on it for the first session's rows (steps are read for each
        // session, not to list them): the signal lands mid-pull, before anything is written.
        (CliWorkspace puller, Process pull, string text, string err, _) = await PullStoppedWhileWaitingAsync("LOCK TABLE steps IN ACCESS EXCLUSIVE MODE;", signal, releaseFirst: false);
        using var disposePuller = puller;
        using var disposePull = pull;

        Assert.True(pull.ExitCode == exitCode, $"exit {pull.ExitCode}\n{text}\n{err}");
        Assert.Contains($"{said} after 0 of 3 session(s) (0 pulled, 0 already up to date)", err, StringComparison.Ordinal);
        Assert.Contains("Run the same command again to finish", err, StringComparison.Ordinal);
        await puller.RunOkAsync("session", "pull", "--all");
        Assert.Equal((await _workspace.SessionIdsAsync()).Order(), (await puller.SessionIdsAsync()).Order());
    }

    [Fact]
    public async Task After_a_sync_killed_with_its_records_leased_the_next_one_says_how_many_and_until_when()
    {
        string connectionString = await fixture.CreateDatabaseAsync();
        _workspace.Environment["ACODE_POSTGRES_URL"] = PostgresServer.ToUrl(connectionString);
        _workspace.Environment["ACODE_PERSISTENCE__SYNC__BATCHSIZE"] = "10";
        _workspace.Environment["ACODE_PERSISTENCE__SYNC__LEASESECONDS"] = "3600";
        await _workspace.RunOkAsync("demo", "--sessions", "150");
        using (Process victim = AcodeBinary.Start(_workspace.Root, _workspace.Environment, "--workspace", _workspace.Root, "db", "sync"))
        {
            var waited = Stopwatch.StartNew();
            while (await CountOrZeroAsync(connectionString, "SELECT count(*) FROM sync_applied") == 0 && waited.Elapsed < TimeSpan.FromMinutes(2) && !victim.HasExited)
            {
                await Task.Delay(20);
            }

            victim.Kill(); // SIGKILL: no chance to give anything back
            await WaitForExitAsync(victim);
        }

        long leased = LeaseCount();
        Assert.True(leased > 0, "the killed sync held no lease");

        AcodeResult next = await _workspace.RunOkAsync("db", "sync");
        AcodeResult json = await _workspace.RunOkAsync("db", "sync", "--json");

        Assert.Contains($"{leased} of them are leased by another sync", next.Stdout, StringComparison.Ordinal);
        Assert.Contains(" until 20", next.Stdout, StringComparison.Ordinal);
        using JsonDocument result = JsonDocument.Parse(json.Stdout);
        Assert.Equal(leased, result.RootElement.GetProperty("leasedElsewhere").GetInt64());
        DateTimeOffset until = DateTimeOffset.Parse(result.RootElement.GetProperty("leasedUntil").GetString()!, CultureInfo.InvariantCulture);
        Assert.True(until > DateTimeOffset.UtcNow.AddMinutes(30), $"leasedUntil {until:O}");

        // A prune's delivery waits on the same leases, and its JSON says so with the same keys.
        using JsonDocument prune = JsonDocument.Parse((await _workspace.RunOkAsync("db", "prune", "--remote", "--older-than", "2000-01-01", "--yes", "--json")).Stdout);
        JsonElement remote = prune.RootElement.GetProperty("remote");
        Assert.Equal(leased, remote.GetProperty("leasedElsewhere").GetInt64());
        Assert.Equal(result.RootElement.GetProperty("leasedUntil").GetString(), remote.GetProperty("leasedUntil").GetString());
        Assert.True(remote.GetProperty("pending").GetInt64() >= leased);
    }

    [Theory]
    [InlineData("INT")]
    [InlineData("TERM")]
    public async Task Ui_stopped_while_it_is_still_starting_exits_0_as_after_it_started(string signal)
    {
        // A PostgreSQL that accepts the connection and never answers: 'acode ui --remote' waits there, still starting.
        using var silent = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        silent.Start();
        int port = ((System.Net.IPEndPoint)silent.LocalEndpoint).Port;
        _workspace.Environment["ACODE_POSTGRES_URL"] = $"postgresql://acode:x@127.0.0.1:{port}/acode";
        using Process ui = AcodeBinary.Start(_workspace.Root, _workspace.Environment, "--workspace", _workspace.Root, "ui", "--remote", "--no-open");
        ui.StandardInput.Close();
        Task<string> stdout = ui.StandardOutput.ReadToEndAsync();
        Task<string> stderr = ui.StandardError.ReadToEndAsync();
        using System.Net.Sockets.TcpClient held = await silent.AcceptTcpClientAsync().WaitAsync(TimeSpan.FromMinutes(2));

        Signal(ui, signal);
        await WaitForExitAsync(ui);

        string said = $"exit {ui.ExitCode}\n{await stdout}\n{await stderr}";
        Assert.True(ui.ExitCode == 0, said);
        Assert.Contains("Stopped.", await stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("Open:", await stdout, StringComparison.Ordinal);
        Assert.Equal("", await stderr);
    }

    [Fact]
    public async Task A_pull_of_all_sessions_stopped_after_a_session_was_written_finishes_that_one_and_counts_it()
    {
        // Reads pass this lock; recording in sync_applied what the workspace now holds, after the first session is written
        // locally, waits on it: the signal lands between the local write and the end of that session's pull, and the
        // lock goes before the pull ends.
        (CliWorkspace puller, Process pull, string text, string err, string connectionString) = await PullStoppedWhileWaitingAsync("LOCK TABLE sync_applied IN SHARE MODE;", "INT", releaseFirst: true);
        using var disposePuller = puller;
        using var disposePull = pull;

        Assert.True(pull.ExitCode == 130, $"exit {pull.ExitCode}\n{text}\n{err}");
        string pulled = Assert.Single(await puller.SessionIdsAsync());
        Assert.Contains("Stopped by Ctrl+C (SIGINT) after 1 of 3 session(s) (1 pulled, 0 already up to date)", err, StringComparison.Ordinal);
        Assert.StartsWith($"{pulled}: pulled (", text.Trim(), StringComparison.Ordinal); // listed as a whole pull lists it
        Assert.Equal(1, await CountAsync(connectionString, "SELECT count(DISTINCT entity_id) FROM sync_applied WHERE entity_type = 'Session' AND origin <> (SELECT origin FROM sessions LIMIT 1)"));
        await puller.RunOkAsync("session", "pull", "--all");
        Assert.Equal((await _workspace.SessionIdsAsync()).Order(), (await puller.SessionIdsAsync()).Order());
    }

    [Theory]
    [InlineData("db prune")]
    [InlineData("session delete")]
    public async Task A_removal_stopped_between_two_batches_says_what_it_removed_keeps_the_rest_whole_and_exits_130(string removal)
    {
        await _workspace.RunOkAsync("demo", "--sessions", "250");
        IReadOnlyList<string> all = await _workspace.SessionIdsAsync();
        string[] arguments = removal == "db prune"
            ? ["db", "prune", "--older-than", DateTime.UtcNow.AddDays(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), "--yes"]
            : ["session", "delete", .. all, "--yes"];

        // This write transaction makes the first batch of 100 wait; the signal comes while it waits (the command reads and
        // plans before, writing nothing), so that batch finishes once the transaction ends and the next is not begun. A
        // signal that comes before the command starts removing ends it at once, as documented: then the wait is longer.
        (int exitCode, string text, string err) = (0, "", "");
        foreach (TimeSpan wait in new[] { TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10) })
        {
            using var writer = new SqliteConnection($"Data Source={_workspace.DatabasePath};Pooling=False");
            writer.Open();
            using SqliteCommand begin = writer.CreateCommand();
            begin.CommandText = "BEGIN IMMEDIATE;";
            begin.ExecuteNonQuery();
            using Process process = AcodeBinary.Start(_workspace.Root, _workspace.Environment, ["--workspace", _workspace.Root, .. arguments]);
            Task<string> stdout = process.StandardOutput.ReadToEndAsync(), stderr = process.StandardError.ReadToEndAsync();
            await Task.Delay(wait);
            Assert.False(process.HasExited, $"precondition: the removal waits for the write lock\n{(process.HasExited ? await stderr : "")}");
            Signal(process, "INT");
            await Task.Delay(300);
            begin.CommandText = "ROLLBACK;";
            begin.ExecuteNonQuery();
            await WaitForExitAsync(process);
            (exitCode, text, err) = (process.ExitCode, await stdout, await stderr);
            if (err.Contains("Stopped by", StringComparison.Ordinal) || SessionCount() != all.Count)
            {
                break;
            }

            output.WriteLine($"The signal came before the removal began after {wait}: {exitCode}, '{err}'; waiting longer.");
        }

        long left = SessionCount();
        Assert.True(exitCode == 130, $"exit {exitCode}\n{text}\n{err}");
        Assert.Equal(all.Count - 100, left); // the batch in progress finished; no other began
        Assert.Contains($"Stopped by Ctrl+C (SIGINT) after {(removal == "db prune" ? "removing" : "deleting")} 100 of {all.Count} session(s)", err, StringComparison.Ordinal);
        Assert.Contains($"the other {left} stay whole", err, StringComparison.Ordinal);
        Assert.Contains(removal == "db prune" ? "Removed 100 session(s)" : "Deleted 100 session(s).", text, StringComparison.Ordinal);
        await _workspace.RunOkAsync("db", "check");
        if (removal == "db prune")
        {
            await _workspace.RunOkAsync(arguments);
        }
        else
        {
            // The command it prints is the one typed without the ids it deleted (the same command again refused those).
            string again = System.Text.RegularExpressions.Regex.Match(err, @"Run it again with the (\d+) id\(s\) left to delete them \(acode ([^)]*)\)").Groups[2].Value;
            Assert.Contains($"Run it again with the {left} id(s) left", err, StringComparison.Ordinal);
            string[] rest = again.Split(' ');
            Assert.Equal((await _workspace.SessionIdsAsync()).Order(), rest.Where(a => a.StartsWith("sess_", StringComparison.Ordinal)).Order());
            Assert.Equal(["--workspace", _workspace.Root, "session", "delete"], rest[..4]);
            await _workspace.RunOkAsync(rest[2..]); // RunOkAsync gives the workspace itself
        }

        Assert.Equal(0, SessionCount());
    }

    /// <summary>
    /// <c>session import</c> of a file stopped by Ctrl+C: it ended at once with nothing on standard error, its per-session
    /// lines one session short of what it had stored (trial Z). It now stops between sessions and says how far it came.
    /// </summary>
    [Fact]
    public async Task An_import_stopped_by_a_signal_says_how_many_sessions_it_stored_and_the_same_command_finishes()
    {
        await _workspace.RunOkAsync("demo", "--sessions", "3");
        string file = Path.Combine(_workspace.Root, "all.jsonl");
        await _workspace.RunOkAsync("session", "export", "--all", "-o", file);
        using var target = new CliWorkspace();
        await target.RunOkAsync("db", "migrate");

        // This write transaction makes the first session's import wait for the write lock; the signal comes while it waits.
        (string text, string err, int exitCode) = ("", "", 0);
        using (var writer = new SqliteConnection($"Data Source={target.DatabasePath};Pooling=False"))
        {
            writer.Open();
            using SqliteCommand begin = writer.CreateCommand();
            begin.CommandText = "BEGIN IMMEDIATE;";
            begin.ExecuteNonQuery();
            using Process process = AcodeBinary.Start(target.Root, target.Environment, ["--workspace", target.Root, "session", "import", file]);
            Task<string> stdout = process.StandardOutput.ReadToEndAsync(), stderr = process.StandardError.ReadToEndAsync();
            await Task.Delay(TimeSpan.FromSeconds(3));
            Assert.False(process.HasExited, $"precondition: the import waits for the write lock\n{(process.HasExited ? await stderr : "")}");
            Signal(process, "INT");
            await Task.Delay(300);
            begin.CommandText = "ROLLBACK;";
            begin.ExecuteNonQuery();
            await WaitForExitAsync(process);
            (text, err, exitCode) = (await stdout, await stderr, process.ExitCode);
        }

        int stored = (await target.SessionIdsAsync()).Count;
        Assert.True(exitCode == 130, $"exit {exitCode}\n{text}\n{err}");
        Assert.Contains($"Stopped by Ctrl+C (SIGINT) after importing {stored} session(s) of '{file}'", err, StringComparison.Ordinal);
        Assert.Contains("Run the same command again to import the rest", err, StringComparison.Ordinal);
        Assert.Equal(stored, text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Count(l => l.Contains(" new, ", StringComparison.Ordinal)));
        Assert.True(stored < 3, err);
        await target.RunOkAsync("session", "import", file);
        Assert.Equal((await _workspace.SessionIdsAsync()).Order(), (await target.SessionIdsAsync()).Order());
    }

    /// <summary>
    /// Syncs three demo sessions, then runs <c>session pull --all</c> into a new workspace while a transaction holds
    /// <paramref name="lockStatement"/>; once the pull waits for that lock, sends <paramref name="signal"/>, and ends the
    /// transaction before the pull exits (<paramref name="releaseFirst"/>, after 300 ms) or after.
    /// </summary>
    private async Task<(CliWorkspace Puller, Process Pull, string Stdout, string Stderr, string ConnectionString)> PullStoppedWhileWaitingAsync(string lockStatement, string signal, bool releaseFirst)
    {
        string connectionString = await fixture.CreateDatabaseAsync();
        _workspace.Environment["ACODE_POSTGRES_URL"] = PostgresServer.ToUrl(connectionString);
        await _workspace.RunOkAsync("demo", "--sessions", "3");
        await _workspace.RunOkAsync("db", "sync");
        var puller = new CliWorkspace();
        puller.Environment["ACODE_POSTGRES_URL"] = PostgresServer.ToUrl(connectionString);

        await using var blocker = new NpgsqlConnection(connectionString);
        await blocker.OpenAsync();
        await using NpgsqlTransaction transaction = await blocker.BeginTransactionAsync();
        await using (var command = new NpgsqlCommand(lockStatement, blocker, transaction))
        {
            await command.ExecuteNonQueryAsync();
        }

        Process pull = AcodeBinary.Start(puller.Root, puller.Environment, "--workspace", puller.Root, "session", "pull", "--all");
        Task<string> stdout = pull.StandardOutput.ReadToEndAsync(), stderr = pull.StandardError.ReadToEndAsync();
        var waited = Stopwatch.StartNew();
        const string Waiting = "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database() AND pid <> pg_backend_pid()";
        while (await CountAsync(connectionString, Waiting) == 0 && waited.Elapsed < TimeSpan.FromMinutes(2) && !pull.HasExited)
        {
            await Task.Delay(20);
        }

        Assert.True(await CountAsync(connectionString, Waiting) > 0, $"precondition: the pull waits for the lock ({lockStatement})\n{(pull.HasExited ? await stderr : "")}");
        Signal(pull, signal);
        if (releaseFirst)
        {
            await Task.Delay(300);
            await transaction.RollbackAsync();
        }

        await WaitForExitAsync(pull);
        if (!releaseFirst)
        {
            await transaction.RollbackAsync();
        }

        return (puller, pull, await stdout, await stderr, connectionString);
    }

    private long SessionCount()
    {
        using var connection = new SqliteConnection($"Data Source={_workspace.DatabasePath};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM sessions;";
        return (long)command.ExecuteScalar()!;
    }

    public void Dispose() => _workspace.Dispose();

    private static void Signal(Process process, string signal)
    {
        // The second of two signals may find the process gone already: kill's complaint is not the test's business.
        var start = new ProcessStartInfo("kill") { RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add($"-{signal}");
        start.ArgumentList.Add(process.Id.ToString(CultureInfo.InvariantCulture));
        using Process kill = Process.Start(start)!;
        kill.StandardError.ReadToEnd();
        kill.WaitForExit();
    }

    private static async Task WaitForExitAsync(Process process)
    {
        try
        {
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
    }

    private long LeaseCount()
    {
        using var connection = new SqliteConnection($"Data Source={_workspace.DatabasePath};Pooling=False");
        connection.Open();
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM outbox_leases;";
        return (long)command.ExecuteScalar()!;
    }

    /// <summary>The count, or 0 while the table does not exist yet.</summary>
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

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
