using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Acode.Cli.Tests.Support;
using Acode.Infrastructure.Migrations;
using Acode.Testing;
using Npgsql;

namespace Acode.Cli.Tests.Commands;

/// <summary>
/// <c>acode db sync</c> migrates the team's PostgreSQL when its schema is older (docs/postgres.md); the run that did says
/// so once on standard error, naming the versions and that older acode versions are refused there from now on, and
/// <c>--json</c> carries it as <c>postgresMigrated</c>; <c>--watch</c> says it once; <c>db prune --remote</c> (which
/// migrates it too, a dry run included) says it the same way.
/// </summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class DbSyncPostgresMigrationTests(PostgresFixture fixture) : IDisposable
{
    private static readonly Version Older = new(1, 6, 0);

    private readonly CliWorkspace _workspace = new();

    private static int Pending => ShippedSchema.Postgres.Count(m => m.Version > Older);

    [Fact]
    public async Task The_sync_that_migrates_an_older_PostgreSQL_says_so_on_standard_error_and_in_its_json()
    {
        await UseOlderPostgresAsync();
        await _workspace.RunOkAsync("demo");

        AcodeResult sync = await _workspace.RunOkAsync("db", "sync", "--json");
        AcodeResult again = await _workspace.RunOkAsync("db", "sync", "--json");

        JsonElement migrated = JsonDocument.Parse(sync.Stdout).RootElement.GetProperty("postgresMigrated");
        Assert.Equal("1.6.0", migrated.GetProperty("from").GetString());
        Assert.Equal(ShippedSchema.Latest, migrated.GetProperty("to").GetString());
        Assert.Equal(Pending, migrated.GetProperty("applied").GetInt32());
        string line = Assert.Single(sync.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        AssertNotice(line);
        Assert.Equal(JsonValueKind.Null, JsonDocument.Parse(again.Stdout).RootElement.GetProperty("postgresMigrated").ValueKind);
        Assert.Equal("", again.Stderr);
    }

    [Fact]
    public async Task The_plain_sync_says_it_beside_its_summary()
    {
        await UseOlderPostgresAsync();
        await _workspace.RunOkAsync("demo");

        AcodeResult sync = await _workspace.RunOkAsync("db", "sync");

        AssertNotice(Assert.Single(sync.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
        Assert.Contains("Delivered ", sync.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("Migrated", sync.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_watch_says_it_once()
    {
        string connectionString = await UseOlderPostgresAsync();
        _workspace.Environment["ACODE_PERSISTENCE__SYNC__POLLINTERVALSECONDS"] = "1";
        await _workspace.RunOkAsync("demo");
        using Process watch = AcodeBinary.Start(_workspace.Root, _workspace.Environment, "--workspace", _workspace.Root, "db", "sync", "--watch");
        var stdout = new ConcurrentQueue<string>();
        var stderr = new ConcurrentQueue<string>();
        watch.OutputDataReceived += (_, e) => stdout.Enqueue(e.Data ?? string.Empty);
        watch.ErrorDataReceived += (_, e) => stderr.Enqueue(e.Data ?? string.Empty);
        watch.BeginOutputReadLine();
        watch.BeginErrorReadLine();
        try
        {
            await WaitForAsync(async () => await PostgresSql.CountAsync(connectionString, "SELECT count(*) FROM sessions") == 1 || watch.HasExited);
            await _workspace.RunOkAsync("demo"); // a second run of the loop delivers it
            await WaitForAsync(async () => await PostgresSql.CountAsync(connectionString, "SELECT count(*) FROM sessions") == 2 || watch.HasExited);
            Assert.False(watch.HasExited, string.Join('\n', stdout.Concat(stderr)));
        }
        finally
        {
            await ProcessInterrupt.SendAndWaitAsync(watch);
        }

        Assert.True(watch.ExitCode == 0, string.Join('\n', stdout.Concat(stderr)));
        AssertNotice(Assert.Single(stderr, l => l.Length > 0));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_remote_prune_that_migrates_an_older_PostgreSQL_says_so_on_standard_error(bool dryRun)
    {
        await UseOlderPostgresAsync();
        await _workspace.RunOkAsync("demo");
        string[] prune = ["db", "prune", "--older-than", "2000-01-01", "--remote", "--json", dryRun ? "--dry-run" : "--yes"];

        AcodeResult first = await _workspace.RunOkAsync(prune);
        AcodeResult again = await _workspace.RunOkAsync(prune);

        AssertNotice(Assert.Single(first.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)), "pruning");
        Assert.Equal(dryRun, JsonDocument.Parse(first.Stdout).RootElement.GetProperty("dryRun").GetBoolean());
        Assert.Equal("", again.Stderr);
    }

    private static void AssertNotice(string line, string before = "syncing")
    {
        Assert.StartsWith("Migrated PostgreSQL at postgresql://", line, StringComparison.Ordinal);
        Assert.Contains($"from schema 1.6.0 to {ShippedSchema.Latest} ({Pending} migrations) before {before}", line, StringComparison.Ordinal);
        Assert.Contains("acode versions that know only 1.6.0 are refused there from now on (ACODE-DB-004, exit 14)", line, StringComparison.Ordinal);
    }

    /// <summary>A PostgreSQL at schema 1.6.0, as a team's older acode left it, set as this workspace's sync target.</summary>
    private async Task<string> UseOlderPostgresAsync()
    {
        string connectionString = await fixture.CreateDatabaseAsync();
        await using (NpgsqlDataSource dataSource = NpgsqlDataSource.Create(connectionString))
        {
            await new PostgresMigrator([.. ShippedSchema.Postgres.Where(m => m.Version <= Older)]).MigrateAsync(dataSource);
        }

        _workspace.Environment["ACODE_POSTGRES_URL"] = PostgresServer.ToUrl(connectionString);
        return connectionString;
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition)
    {
        var watch = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(watch.Elapsed < TimeSpan.FromMinutes(2), "The condition did not become true within 2 minutes.");
            await Task.Delay(100);
        }
    }

    public void Dispose() => _workspace.Dispose();
}
