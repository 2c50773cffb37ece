using System.Text.Json;
using Acode.Cli.Tests.Support;
using Acode.Testing;
using static Acode.Testing.PostgresSql;

namespace Acode.Cli.Tests.Commands;

/// <summary>
/// <c>acode db sync</c> into a PostgreSQL that lacks what this workspace delivered before (restored empty, its schema
/// dropped, or the URL now names another acode database) warns on standard error by default, one line and a Try line
/// naming <c>acode db sync retry --processed</c>, and <c>--json</c> carries it; only the run that finds it says it.
/// </summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class SyncTargetWarningTests(PostgresFixture fixture) : IDisposable
{
    private readonly CliWorkspace _workspace = new();
    private readonly CliWorkspace _other = new();

    [Fact]
    public async Task A_PostgreSQL_whose_schema_was_dropped_and_recreated_is_a_warning_without_verbose_and_in_json()
    {
        string connectionString = await fixture.CreateDatabaseAsync();
        _workspace.Environment["ACODE_POSTGRES_URL"] = PostgresServer.ToUrl(connectionString);
        await _workspace.RunOkAsync("demo");
        await _workspace.RunOkAsync("db", "sync");
        await ExecuteAsync(connectionString, "DROP SCHEMA public CASCADE; CREATE SCHEMA public;");

        AcodeResult sync = await _workspace.RunOkAsync("db", "sync");
        AcodeResult again = await _workspace.RunOkAsync("db", "sync", "--json");

        string[] lines = sync.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("Warning: PostgreSQL at postgresql://", lines[0], StringComparison.Ordinal);
        Assert.Contains("had no acode schema although this workspace delivered changes before", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("Try: ", lines[1], StringComparison.Ordinal);
        Assert.Contains("'acode db sync retry --processed'", lines[1], StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, JsonDocument.Parse(again.Stdout).RootElement.GetProperty("warning").ValueKind);
        Assert.Equal("", again.Stderr);
    }

    [Fact]
    public async Task The_json_of_the_run_that_finds_it_carries_the_warning()
    {
        string connectionString = await fixture.CreateDatabaseAsync();
        _workspace.Environment["ACODE_POSTGRES_URL"] = PostgresServer.ToUrl(connectionString);
        await _workspace.RunOkAsync("demo");
        await _workspace.RunOkAsync("db", "sync");
        await ExecuteAsync(connectionString, "DROP SCHEMA public CASCADE; CREATE SCHEMA public;");

        AcodeResult sync = await _workspace.RunOkAsync("db", "sync", "--json");

        JsonElement warning = JsonDocument.Parse(sync.Stdout).RootElement.GetProperty("warning");
        Assert.Contains("had no acode schema", warning.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Contains("acode db sync retry --processed", warning.GetProperty("try").GetString(), StringComparison.Ordinal);
        Assert.Contains("Warning: ", sync.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Switching_the_URL_to_another_acode_database_that_never_saw_this_workspace_is_a_warning()
    {
        string first = await fixture.CreateDatabaseAsync();
        string second = await fixture.CreateDatabaseAsync();
        _workspace.Environment["ACODE_POSTGRES_URL"] = PostgresServer.ToUrl(first);
        _other.Environment["ACODE_POSTGRES_URL"] = PostgresServer.ToUrl(second);
        await _workspace.RunOkAsync("demo");
        await _workspace.RunOkAsync("db", "sync");
        await _other.RunOkAsync("demo");
        await _other.RunOkAsync("db", "sync"); // the second database holds acode's schema and another workspace

        _workspace.Environment["ACODE_POSTGRES_URL"] = PostgresServer.ToUrl(second);
        AcodeResult sync = await _workspace.RunOkAsync("db", "sync");
        AcodeResult again = await _workspace.RunOkAsync("db", "sync");
        AcodeResult otherAgain = await _other.RunOkAsync("db", "sync");

        Assert.Contains("has no record of this workspace although it delivered changes before", sync.Stderr, StringComparison.Ordinal);
        Assert.Contains("Try: ", sync.Stderr, StringComparison.Ordinal);
        Assert.Contains("'acode db sync retry --processed'", sync.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Warning", again.Stderr, StringComparison.Ordinal); // it is registered there now
        Assert.DoesNotContain("Warning", otherAgain.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task What_was_delivered_to_another_database_meanwhile_is_delivered_again_on_coming_back()
    {
        // Trial AO 1: back on the team's database the sync said "0 pending" and db check "healthy", and the session
        // recorded meanwhile never reached it.
        string team = await fixture.CreateDatabaseAsync();
        string other = await fixture.CreateDatabaseAsync();
        _workspace.Environment["ACODE_POSTGRES_URL"] = PostgresServer.ToUrl(team);
        await _workspace.RunOkAsync("demo");
        await _workspace.RunOkAsync("db", "sync");
        _workspace.Environment["ACODE_POSTGRES_URL"] = PostgresServer.ToUrl(other);
        await _workspace.RunOkAsync("demo");
        AcodeResult elsewhere = await _workspace.RunOkAsync("db", "sync");
        long delivered = await CountAsync(other, "SELECT count(*) FROM sync_applied");
        long keysBefore = await CountAsync(team, "SELECT count(*) FROM sync_applied");
        long sessionsBefore = await CountAsync(team, "SELECT count(*) FROM sessions");

        _workspace.Environment["ACODE_POSTGRES_URL"] = PostgresServer.ToUrl(team);
        AcodeResult back = await _workspace.RunOkAsync("db", "sync");
        AcodeResult again = await _workspace.RunOkAsync("db", "sync");

        Assert.Contains("although this workspace delivered changes before (to this database before it was emptied, or to another one)", elsewhere.Stderr, StringComparison.Ordinal);
        Assert.Contains($"lacks {delivered} record(s) this workspace delivered since it first synced there", back.Stderr, StringComparison.Ordinal);
        Assert.Contains("this run delivers them again", back.Stderr, StringComparison.Ordinal);
        Assert.Contains($"Delivered {delivered} record(s)", back.Stdout, StringComparison.Ordinal);
        Assert.Equal(keysBefore + delivered, await CountAsync(team, "SELECT count(*) FROM sync_applied"));
        Assert.Equal(sessionsBefore + await CountAsync(other, "SELECT count(*) FROM sessions"), await CountAsync(team, "SELECT count(*) FROM sessions"));
        Assert.DoesNotContain("Warning", again.Stderr, StringComparison.Ordinal);
        Assert.Contains("Delivered 0 record(s)", again.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_database_new_to_this_workspace_gets_its_earlier_history_only_on_request()
    {
        string first = await fixture.CreateDatabaseAsync();
        string second = await fixture.CreateDatabaseAsync();
        _workspace.Environment["ACODE_POSTGRES_URL"] = PostgresServer.ToUrl(first);
        await _workspace.RunOkAsync("demo");
        await _workspace.RunOkAsync("db", "sync");
        _workspace.Environment["ACODE_POSTGRES_URL"] = PostgresServer.ToUrl(second);
        await _workspace.RunOkAsync("db", "sync"); // warned: the second database may be the wrong one
        AcodeResult later = await _workspace.RunOkAsync("db", "sync");

        Assert.DoesNotContain("Warning", later.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, await CountAsync(second, "SELECT count(*) FROM sessions"));
    }

    public void Dispose()
    {
        _workspace.Dispose();
        _other.Dispose();
    }
}
