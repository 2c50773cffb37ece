using System.Text.Json;
using Acode.Cli.Tests.Support;

namespace Acode.Cli.Tests.Commands;

public sealed class SessionListCommandTests : IDisposable
{
    private readonly CliWorkspace _workspace = new();

    [Fact]
    public async Task List_shows_a_table_with_the_recorded_session()
    {
        await _workspace.RunOkAsync("demo");

        AcodeResult result = await _workspace.RunOkAsync("session", "list");

        Assert.Contains("Fix flaky date parsing test", result.Stdout);
        Assert.Contains("Completed", result.Stdout);
        Assert.Matches(@"sess_[0-9A-Z]{26}", result.Stdout);
    }

    [Fact]
    public async Task List_on_an_empty_workspace_says_how_to_get_data()
    {
        await _workspace.RunOkAsync("db", "migrate");
        AcodeResult result = await _workspace.RunOkAsync("session", "list");

        Assert.Contains("No sessions match. Record a sample with 'acode demo'.", result.Stdout);
    }

    [Fact]
    public async Task A_filter_that_matches_nothing_in_a_workspace_with_sessions_says_so_and_how_to_loosen_it()
    {
        await _workspace.RunOkAsync("demo", "--sessions", "2");

        AcodeResult result = await _workspace.RunOkAsync("session", "list", "--state", "Paused", "--title", "no such [title]", "--until", "2000-01-01");

        Assert.Contains("No session matches the filter (state Paused, created any time to 2000-01-01T00:00:00.0000000Z (UTC), title containing 'no such [title]').", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("Loosen it", result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("acode demo", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("AC", "AC-056")]
    public async Task List_pages_with_a_cursor_without_overlap_or_gaps()
    {
        await _workspace.RunOkAsync("demo", "--sessions", "7");
        var seen = new List<string>();
        string? cursor = null;
        int pages = 0;
        do
        {
            JsonElement page = cursor is null
                ? await _workspace.JsonAsync("session", "list", "--limit", "3")
                : await _workspace.JsonAsync("session", "list", "--limit", "3", "--cursor", cursor);
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()!));
            cursor = page.GetProperty("nextCursor").GetString();
            pages++;
        }
        while (cursor is not null);

        Assert.Equal(3, pages);
        Assert.Equal(7, seen.Count);
        Assert.Equal(7, seen.Distinct().Count());
        Assert.Equal((await _workspace.SessionIdsAsync()).ToList(), seen);
    }

    [Fact]
    public async Task List_filters_by_state_and_title()
    {
        await _workspace.RunOkAsync("demo", "--sessions", "3");

        Assert.Equal(2, (await _workspace.SessionIdsAsync("--state", "Completed", "--state", "Failed")).Count);
        Assert.Single(await _workspace.SessionIdsAsync("--title", "RUN 3"));
        Assert.Empty(await _workspace.SessionIdsAsync("--title", "no such title"));
        Assert.Empty(await _workspace.SessionIdsAsync("--since", "2999-01-01"));
        Assert.Equal(3, (await _workspace.SessionIdsAsync("--since", "2000-01-01", "--sort", "created-asc")).Count);
    }

    [Fact]
    public async Task List_rejects_a_forged_cursor_with_a_usage_error()
    {
        await _workspace.RunOkAsync("db", "migrate");
        AcodeResult result = await _workspace.RunAsync("session", "list", "--cursor", "bm90LWEtY3Vyc29y");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("is not a cursor returned by a previous page", result.Stderr);
    }

    [Fact]
    public async Task List_rejects_an_unknown_state_with_a_usage_error()
    {
        AcodeResult result = await _workspace.RunAsync("session", "list", "--state", "Sleeping");

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("Error:", result.Stderr);
    }

    public void Dispose() => _workspace.Dispose();
}
