using System.Text.Json;
using Acode.Cli.Tests.Support;

namespace Acode.Cli.Tests.Commands;

public sealed class SessionShowCommandTests : IDisposable
{
    private readonly CliWorkspace _workspace = new();

    [Fact]
    public async Task Show_prints_the_session_as_a_tree_with_states_and_durations()
    {
        await _workspace.RunOkAsync("demo");
        string id = (await _workspace.SessionIdsAsync()).Single();

        AcodeResult result = await _workspace.RunOkAsync("session", "show", id);

        Assert.Contains(id, result.Stdout);
        Assert.Contains("Task 1 Reproduce the failure [Completed]", result.Stdout);
        Assert.Contains("Step 1.1 Run the failing test", result.Stdout);
        // The demo's durations are measured (DemoCommandTests checks they lie inside the session), so only their form is known.
        Assert.Matches(@"run_tests \[Failed\] [0-9.]+ (ms|s)", result.Stdout);
        Assert.Matches(@"apply_patch \[Succeeded\] [0-9.]+ (ms|s)", result.Stdout);
        Assert.Contains("DateParser.diff [Diff, text/x-diff]", result.Stdout);
        Assert.Contains("build/TestResults.trx [File, application/xml] 47.1 KiB", result.Stdout);
        Assert.Contains("hash only", result.Stdout);
        Assert.Contains("Events 8 (last: session.state_changed)", result.Stdout);
        Assert.Contains("├──", result.Stdout);
    }

    [Fact]
    [Trait("Issue", "trial27.B2")]
    public async Task A_task_stored_as_ending_before_it_started_shows_its_negative_duration_in_the_units_of_a_positive_one()
    {
        // acode neither writes nor imports a finish before the start; a database an older acode wrote (a wall clock stepped
        // back during the task), or one edited by hand, may hold it.
        await _workspace.RunOkAsync("demo");
        string id = (await _workspace.SessionIdsAsync()).Single();
        using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={_workspace.DatabasePath};Pooling=False"))
        {
            connection.Open();
            using var read = connection.CreateCommand();
            read.CommandText = "SELECT started_at FROM session_tasks WHERE ordinal = 1;";
            DateTimeOffset started = DateTimeOffset.Parse((string)read.ExecuteScalar()!, System.Globalization.CultureInfo.InvariantCulture);
            using var edit = connection.CreateCommand();
            edit.CommandText = "UPDATE session_tasks SET completed_at = $completed WHERE ordinal = 1;";
            edit.Parameters.AddWithValue("$completed", started.AddSeconds(-90).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(1, edit.ExecuteNonQuery());
        }

        AcodeResult result = await _workspace.RunOkAsync("session", "show", id);
        Assert.Contains("Task 1 Reproduce the failure [Completed] -90.0 s", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Show_json_prints_every_entity_document()
    {
        await _workspace.RunOkAsync("demo");
        string id = (await _workspace.SessionIdsAsync()).Single();

        JsonElement documents = await _workspace.JsonAsync("session", "show", id);

        var kinds = documents.EnumerateArray().Select(d => d.GetProperty("entity").GetString()).ToList();
        Assert.Equal("Session", kinds[0]);
        Assert.Equal(3, kinds.Count(k => k == "SessionTask"));
        Assert.Equal(5, kinds.Count(k => k == "ToolCall"));
        Assert.Equal(8, kinds.Count(k => k == "SessionEvent"));
    }

    [Fact]
    public async Task Show_of_an_unknown_session_exits_1_and_says_how_to_find_one()
    {
        await _workspace.RunOkAsync("db", "migrate");
        AcodeResult result = await _workspace.RunAsync("session", "show", "sess_01JD3Z6Q6V2K8M4N5P7R9S1T3V");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("No session sess_01JD3Z6Q6V2K8M4N5P7R9S1T3V", result.Stderr);
        Assert.Contains("Try: List the sessions with 'acode session list'", result.Stderr);
    }

    [Fact]
    public async Task Show_of_a_malformed_id_is_a_usage_error()
    {
        AcodeResult result = await _workspace.RunAsync("session", "show", "42");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("'42' is not a session id.", result.Stderr);
    }

    public void Dispose() => _workspace.Dispose();
}
