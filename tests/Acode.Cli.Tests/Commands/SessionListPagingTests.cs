using System.Text.Json;
using System.Text.RegularExpressions;
using Acode.Cli.Tests.Support;
using Acode.Domain.Entities;
using Acode.Domain.Ids;

namespace Acode.Cli.Tests.Commands;

/// <summary>
/// Issue 10.8: a page cursor belongs to the query that printed it. The printed next-page command repeats the whole
/// query and works pasted into a shell; a cursor given with another query is refused (exit 2), never silently mixed.
/// </summary>
public sealed partial class SessionListPagingTests : IDisposable
{
    // Quotes, a dollar sign and a tab: the printed command must carry them through a shell unchanged.
    private const string Awkward = "it's \"quoted\" $HOME\trun";

    private static readonly SessionState[] States = [SessionState.Failed, SessionState.Completed, SessionState.Paused, SessionState.Failed, SessionState.Created];

    private readonly CliWorkspace _workspace = new();
    private readonly List<SessionFile.Row> _rows = [];

    [Fact]
    public async Task The_More_line_repeats_the_filter_and_pasted_into_a_shell_pages_through_only_matching_sessions()
    {
        await ImportAsync();
        string[] query = ["--state", "Failed", "-n", "3"];

        List<string> seen = await FollowTableAsync(query);

        List<string> expected = Matching(r => r.State == SessionState.Failed).OrderByDescending(r => r.CreatedAt).Select(r => r.Id.Value).ToList();
        Assert.True(expected.Count > 6, "the data must span several pages");
        Assert.Equal(expected, seen);
    }

    [Fact]
    public async Task Every_option_of_the_query_survives_the_printed_command_including_a_relative_time_and_awkward_title()
    {
        await ImportAsync();
        string[] query = ["--state", "Failed", "--state", "Paused", "--since", "2d", "--until", "1h", "--title", "'s \"QUOTED\" $HOME\t", "--sort", "created-asc", "-n", "2"];

        List<string> seen = await FollowTableAsync(query);

        DateTimeOffset now = DateTimeOffset.UtcNow;
        List<string> expected = Matching(r => r.State is SessionState.Failed or SessionState.Paused && r.Title.Contains(Awkward, StringComparison.Ordinal)
            && r.CreatedAt >= now.AddDays(-2) && r.CreatedAt < now.AddHours(-1)).OrderBy(r => r.CreatedAt).Select(r => r.Id.Value).ToList();
        Assert.True(expected.Count > 4, $"the data must span several pages (got {expected.Count})");
        Assert.Equal(expected, seen);
    }

    [Fact]
    public async Task Json_gives_the_next_command_and_its_arguments_and_both_continue_the_same_query()
    {
        await ImportAsync();
        List<string> expected = Matching(r => r.State == SessionState.Failed && r.Title.Contains(Awkward, StringComparison.Ordinal))
            .OrderByDescending(r => r.CreatedAt).Select(r => r.Id.Value).ToList();

        var byCommand = new List<string>();
        JsonElement page = await _workspace.JsonAsync("session", "list", "--state", "Failed", "--title", Awkward, "-n", "2");
        int pages = 1;
        while (true)
        {
            byCommand.AddRange(page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()!));
            if (page.GetProperty("nextCommand").GetString() is not { } next)
            {
                Assert.Equal(JsonValueKind.Null, page.GetProperty("nextCursor").ValueKind);
                Assert.Equal(JsonValueKind.Null, page.GetProperty("nextArguments").ValueKind);
                break;
            }

            Assert.Contains("--json", next, StringComparison.Ordinal);
            Assert.Contains($"--cursor {page.GetProperty("nextCursor").GetString()}", next, StringComparison.Ordinal);
            AcodeResult result = await PrintedCommand.RunAsync(next, _workspace.Root, _workspace.Environment);
            Assert.True(result.ExitCode == 0, result.ToString());
            page = JsonDocument.Parse(result.Stdout).RootElement.Clone();
            Assert.True(++pages < 50);
        }

        var byArguments = new List<string>();
        page = await _workspace.JsonAsync("session", "list", "--state", "Failed", "--title", Awkward, "-n", "2");
        while (true)
        {
            byArguments.AddRange(page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()!));
            if (page.GetProperty("nextArguments") is not { ValueKind: JsonValueKind.Array } arguments)
            {
                break;
            }

            AcodeResult result = await AcodeBinary.RunAsync(_workspace.Root, _workspace.Environment, [.. arguments.EnumerateArray().Select(a => a.GetString()!)]);
            Assert.True(result.ExitCode == 0, result.ToString());
            page = JsonDocument.Parse(result.Stdout).RootElement.Clone();
        }

        Assert.True(pages > 2, "the data must span several pages");
        Assert.Equal(expected, byCommand);
        Assert.Equal(expected, byArguments);
    }

    [Theory]
    [InlineData("no filter")]
    [InlineData("--state", "Completed")]
    [InlineData("--state", "Failed", "--state", "Paused")]
    [InlineData("--state", "Failed", "--title", "run")]
    [InlineData("--state", "Failed", "--since", "2026-01-01")]
    [InlineData("--state", "Failed", "--until", "2999-01-01")]
    public async Task A_cursor_given_with_another_filter_is_refused_with_a_usage_error(params string[] other)
    {
        await ImportAsync();
        JsonElement first = await _workspace.JsonAsync("session", "list", "--state", "Failed", "-n", "2");
        string cursor = first.GetProperty("nextCursor").GetString()!;
        string[] filter = other is ["no filter"] ? [] : other;

        AcodeResult result = await _workspace.RunAsync(["session", "list", .. filter, "--cursor", cursor]);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("", result.Stdout);
        Assert.StartsWith("Error: The cursor was made for a different filter", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("Try: Run the 'More:' line of the previous page exactly as printed", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Issue", "uitrial.11")]
    public async Task A_cursor_given_with_another_sort_is_refused_and_another_page_size_is_accepted()
    {
        await ImportAsync();
        JsonElement first = await _workspace.JsonAsync("session", "list", "--state", "Failed", "-n", "2");
        string cursor = first.GetProperty("nextCursor").GetString()!;

        AcodeResult sorted = await _workspace.RunAsync("session", "list", "--state", "Failed", "--sort", "created-asc", "--cursor", cursor);
        JsonElement bigger = await _workspace.JsonAsync("session", "list", "--state", "Failed", "-n", "100", "--cursor", cursor);

        Assert.Equal(2, sorted.ExitCode);
        Assert.Contains("made for sort order updated-desc, not created-asc", sorted.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Descending", sorted.Stderr, StringComparison.Ordinal);
        List<string> failed = Matching(r => r.State == SessionState.Failed).OrderByDescending(r => r.CreatedAt).Select(r => r.Id.Value).ToList();
        Assert.Equal(failed.Skip(2), bigger.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()!));
    }

    [Fact]
    public async Task A_relative_time_given_again_with_a_cursor_is_refused_and_the_error_says_to_use_the_printed_line()
    {
        await ImportAsync();
        JsonElement first = await _workspace.JsonAsync("session", "list", "--since", "2d", "-n", "2");

        AcodeResult again = await _workspace.RunAsync("session", "list", "--since", "2d", "-n", "2", "--cursor", first.GetProperty("nextCursor").GetString()!);

        Assert.Equal(2, again.ExitCode);
        Assert.Contains("a relative time such as --since 2h is written there as the UTC instant it meant", again.Stderr, StringComparison.Ordinal);
        Assert.Matches(@"--since 20\d\d-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z", first.GetProperty("nextCommand").GetString()!);
    }

    [Fact]
    public async Task A_forged_or_old_cursor_is_a_usage_error()
    {
        // "0|<time>|<id>": the layout before cursors carried their filter.
        string old = Convert.ToBase64String("0|2026-01-15T10:30:00.1234567Z|sess_01JD3Z6Q6V2K8M4N5P7R9S1T3V"u8).TrimEnd('=');

        await _workspace.RunOkAsync("db", "migrate"); // a workspace to read: where none exists, reading says so first
        AcodeResult result = await _workspace.RunAsync("session", "list", "--cursor", old);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("is not a cursor returned by a previous page", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("Try: Drop --cursor", result.Stderr, StringComparison.Ordinal);
    }

    public void Dispose() => _workspace.Dispose();

    /// <summary>Runs the first page with <paramref name="query"/>, then every printed 'More:' line through bash; returns the ids shown, in order.</summary>
    private async Task<List<string>> FollowTableAsync(string[] query)
    {
        var seen = new List<string>();
        AcodeResult result = await _workspace.RunOkAsync(["session", "list", .. query]);
        for (int pages = 1; ; pages++)
        {
            seen.AddRange(SessionIdPattern().Matches(result.Stdout).Select(m => m.Value));
            string? more = result.Stdout.Split('\n').SingleOrDefault(l => l.StartsWith("More: ", StringComparison.Ordinal));
            if (more is null)
            {
                return seen;
            }

            Assert.True(pages < 50, "paging did not end");
            Assert.Contains($"--workspace {_workspace.Root}", more, StringComparison.Ordinal);
            result = await PrintedCommand.RunAsync(more["More: ".Length..], _workspace.Root, _workspace.Environment);
            Assert.True(result.ExitCode == 0, $"{more}\n{result}");
        }
    }

    /// <summary>40 sessions spread over the last 4 days, every fifth state, every other title awkward.</summary>
    private async Task ImportAsync()
    {
        DateTimeOffset now = DateTimeOffset.UtcNow;
        for (int i = 0; i < 40; i++)
        {
            string title = i % 2 == 0 ? $"{Awkward} {i}" : $"plain run {i}";
            _rows.Add(new SessionFile.Row(SessionId.New(), title, States[i % States.Length], now.AddHours(-2.4 * i)));
        }

        await SessionFile.ImportAsync(_workspace, _rows);
    }

    private IEnumerable<SessionFile.Row> Matching(Func<SessionFile.Row, bool> predicate) => _rows.Where(predicate);

    [GeneratedRegex("sess_[0-9A-Z]{26}")]
    private static partial Regex SessionIdPattern();
}
