using System.Text.Json;
using Acode.Cli.Tests.Support;

namespace Acode.Cli.Tests.Commands;

/// <summary>
/// A page cursor belongs to the store that printed it: one workspace's cursor given to another workspace is refused
/// (exit 2), never applied to that workspace's sessions as if they were the next page (README, "session list pages").
/// A search with a filter that finds nothing says which filter, as session list does, instead of "no hits in this workspace".
/// </summary>
public sealed class CursorOfAnotherWorkspaceTests : IDisposable
{
    private readonly CliWorkspace _first = new();
    private readonly CliWorkspace _second = new();

    [Theory]
    [InlineData("list")]
    [InlineData("search", "date")]
    public async Task A_cursor_printed_in_one_workspace_is_refused_in_another_and_followed_in_its_own(params string[] command)
    {
        Assert.Equal(0, (await _first.RunAsync("demo", "--sessions", "3")).ExitCode);
        Assert.Equal(0, (await _second.RunAsync("demo", "--sessions", "3")).ExitCode);
        JsonElement page = await _second.JsonAsync(["session", .. command, "-n", "1"]);
        string cursor = page.GetProperty("nextCursor").GetString()!;

        AcodeResult refused = await _first.RunAsync(["session", .. command, "-n", "1", "--cursor", cursor]);
        AcodeResult followed = await _second.RunAsync(["session", .. command, "-n", "1", "--cursor", cursor]);

        Assert.Equal(2, refused.ExitCode);
        Assert.Equal("", refused.Stdout);
        Assert.Contains("The cursor was made for a page of another workspace's sessions, not of this one's.", refused.Stderr.ReplaceLineEndings(" "), StringComparison.Ordinal);
        Assert.Equal(0, followed.ExitCode);
    }

    [Theory]
    [InlineData("--state", "Cancelled")]
    [InlineData("--title", "zzz")]
    [InlineData("--until", "0001-01-02")]
    public async Task A_search_whose_filter_leaves_out_every_hit_says_so_and_names_the_filter(params string[] filter)
    {
        Assert.Equal(0, (await _first.RunAsync("demo", "--sessions", "3")).ExitCode);
        Assert.NotEqual(0, (await _first.JsonAsync("session", "search", "date")).GetProperty("items").GetArrayLength());

        AcodeResult result = await _first.RunAsync(["session", "search", "date", .. filter]);

        Assert.Equal(0, result.ExitCode);
        string text = result.Stdout.ReplaceLineEndings(" ");
        Assert.Contains("No hits for \"date\" in this workspace in sessions that match the filter (", text, StringComparison.Ordinal);
        Assert.Contains("Loosen it", text, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _first.Dispose();
        _second.Dispose();
    }
}
