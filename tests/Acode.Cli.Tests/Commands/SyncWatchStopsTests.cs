using System.Collections.Concurrent;
using System.Diagnostics;
using Acode.Cli.Tests.Support;
using Acode.Testing;
using Microsoft.Data.Sqlite;
using Npgsql;
using static Acode.Testing.PostgresSql;

namespace Acode.Cli.Tests.Commands;

/// <summary>
/// A running <c>acode db sync --watch</c> rides out outages, but not what no retry can clear: a newer acode that migrated
/// PostgreSQL or the workspace meanwhile (ACODE-DB-004, exit 14: upgrade acode), or a workspace whose schema was damaged
/// (ACODE-DB-002, exit 12). It stops at once with the error and its advice instead of retrying forever
/// (docs/reliability.md, "A sync that cannot go on").
/// </summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class SyncWatchStopsTests(PostgresFixture fixture) : IDisposable
{
    private const string NewerMigration = "INSERT INTO schema_version VALUES ('9.0.0', 'FromTheFuture', 'abc', '2030-01-01T00:00:00.0000000Z');";

    private readonly CliWorkspace _workspace = new();

    [Theory]
    [Trait("AC", "AC-013")]
    [InlineData("postgres", 14, "ACODE-DB-004", "Upgrade acode")]
    [InlineData("workspace", 14, "ACODE-DB-004", "Upgrade acode")]
    [InlineData("damaged workspace", 12, "ACODE-DB-002", "outbox_keep_session_update")]
    public async Task The_watch_stops_with_the_error_when_retrying_cannot_help(string changed, int exitCode, string code, string said)
    {
        string connectionString = await fixture.CreateDatabaseAsync();
        _workspace.Environment["ACODE_POSTGRES_URL"] = PostgresServer.ToUrl(connectionString);
        _workspace.Environment["ACODE_PERSISTENCE__SYNC__POLLINTERVALSECONDS"] = "1";
        await _workspace.RunOkAsync("demo");
        using Process watch = AcodeBinary.Start(_workspace.Root, _workspace.Environment, "--workspace", _workspace.Root, "db", "sync", "--watch");
        var output = new ConcurrentQueue<string>();
        watch.OutputDataReceived += (_, e) => output.Enqueue(e.Data ?? string.Empty);
        watch.ErrorDataReceived += (_, e) => output.Enqueue(e.Data ?? string.Empty);
        watch.BeginOutputReadLine();
        watch.BeginErrorReadLine();
        try
        {
            await WaitForAsync(async () => await CountOrZeroAsync(connectionString, "SELECT count(*) FROM sessions") == 1 || watch.HasExited);
            Assert.False(watch.HasExited, string.Join('\n', output));

            switch (changed)
            {
                case "postgres":
                    await ExecuteAsync(connectionString, NewerMigration.Replace("'2030-01-01T00:00:00.0000000Z'", "now()", StringComparison.Ordinal));
                    break;
                case "workspace":
                    ExecuteSqlite(NewerMigration + " CREATE TABLE future_notes (x TEXT) STRICT;");
                    break;
                default:
                    ExecuteSqlite("DROP TRIGGER outbox_keep_session_update;");
                    break;
            }

            // A hang guard, not a timing assertion: before the fix the watch retried forever.
            await watch.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        }
        finally
        {
            if (!watch.HasExited)
            {
                watch.Kill(entireProcessTree: true);
            }
        }

        await watch.WaitForExitAsync(); // the last lines of output
        string all = string.Join('\n', output);
        Assert.True(watch.ExitCode == exitCode, all);
        Assert.Contains($"Error: {code}:", all, StringComparison.Ordinal);
        Assert.Contains(said, all, StringComparison.Ordinal);
        Assert.Contains($"stopped: {code}", all, StringComparison.Ordinal);
        Assert.DoesNotContain("retrying in", all, StringComparison.Ordinal);
        Assert.DoesNotContain(fixture.Server.Password, all, StringComparison.Ordinal);
        if (code == "ACODE-DB-004")
        {
            Assert.Contains("9.0.0", all, StringComparison.Ordinal);
        }
    }

    public void Dispose() => _workspace.Dispose();

    private void ExecuteSqlite(string sql)
    {
        using var connection = new SqliteConnection($"Data Source={_workspace.DatabasePath};Pooling=False");
        connection.Open();
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
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

    private static async Task WaitForAsync(Func<Task<bool>> condition)
    {
        var watch = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(watch.Elapsed < TimeSpan.FromMinutes(2), "The condition did not become true within 2 minutes.");
            await Task.Delay(100);
        }
    }
}
