using System.Text.RegularExpressions;
using Acode.Cli.Tests.Support;

namespace Acode.Cli.Tests.Commands;

/// <summary>
/// Every table fits the terminal: at 80 columns ids, states and timestamps are whole on their line (free text shrinks,
/// optional columns go); at 20 columns (the narrowest COLUMNS accepted) each row is a block of "Header: value" lines;
/// the More line always starts a line of its own.
/// </summary>
public sealed partial class TableWidthTests : IDisposable
{
    private readonly CliWorkspace _workspace = new();

    [Theory]
    [InlineData(80)]
    [InlineData(100)]
    [InlineData(200)]
    public async Task Session_list_keeps_ids_states_and_times_whole_and_fits_the_width(int columns)
    {
        IReadOnlyList<string> ids = (await DemoAsync(3)).Take(2).ToList();
        _workspace.Environment["COLUMNS"] = columns.ToString(System.Globalization.CultureInfo.InvariantCulture);

        string[] lines = Lines((await _workspace.RunOkAsync("session", "list", "-n", "2")).Stdout);

        Assert.All(lines.Where(l => !l.StartsWith("More: ", StringComparison.Ordinal)), l => Assert.True(l.TrimEnd().Length <= columns, $"wider than {columns}: '{l}'"));
        string header = Assert.Single(lines, l => l.TrimStart().StartsWith("ID ", StringComparison.Ordinal));
        Assert.DoesNotContain("…", header);
        Assert.Matches(@"\bState\b.*\bTitle\b", header);
        foreach (string id in ids)
        {
            string row = Assert.Single(lines, l => l.Contains(id, StringComparison.Ordinal));
            Assert.Matches(@$"{id}\s+(Completed|Failed|Paused)\s", row);
        }

        Assert.DoesNotContain(lines, l => Regex.IsMatch(l, @"\b\d{4}-\d\d-\d\d\b") && !Timestamp().IsMatch(l));
        Assert.StartsWith("More: acode session list", lines[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_column_holding_wide_characters_is_as_wide_as_they_show_not_as_their_count()
    {
        // trial Y: widths counted characters, so the search's session cell (its id over its title) was too narrow for a
        // title in Japanese, which takes two columns a character, and its title was broken over two lines.
        string title = "ページネーションを追加してテストを直すことと日本語のドキュメントを書く zebra";
        string file = Path.Combine(_workspace.Root, "t", "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa.jsonl");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        await File.WriteAllTextAsync(file, $$$"""{"type":"user","uuid":"u1","timestamp":"2026-12-01T10:00:00Z","message":{"role":"user","content":"{{{title}}}"}}""" + "\n");
        await _workspace.RunOkAsync("import", "claude-code", file);
        _workspace.Environment["COLUMNS"] = "200";

        string[] lines = Lines((await _workspace.RunOkAsync("session", "search", "zebra")).Stdout);

        // Cut to 30 terminal cells (under the 31-character id), not 30 characters: 15 of these characters.
        Assert.Contains(lines, l => l.TrimStart().StartsWith(title[..15] + "…", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(20)]
    [InlineData(30)]
    public async Task Session_list_too_narrow_for_a_table_prints_a_block_per_session(int columns)
    {
        IReadOnlyList<string> ids = await DemoAsync(2);
        _workspace.Environment["COLUMNS"] = columns.ToString(System.Globalization.CultureInfo.InvariantCulture);

        string[] lines = Lines((await _workspace.RunOkAsync("session", "list", "-n", "1")).Stdout);

        Assert.Equal($"ID: {ids[0]}", lines[0]);
        Assert.Matches("^State: (Completed|Failed|Paused)$", lines[1]);
        Assert.StartsWith("Title: Fix flaky date parsing test", lines[2], StringComparison.Ordinal);
        Assert.Contains(lines, l => Regex.IsMatch(l, $"^Created: {Timestamp()}$"));
        Assert.Contains(lines, l => Regex.IsMatch(l, $"^Updated: {Timestamp()}$"));
        Assert.StartsWith("More: acode session list ", lines[^1], StringComparison.Ordinal);
        Assert.Contains("--limit 1 --cursor ", lines[^1], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(80)]
    [InlineData(20)]
    public async Task Search_keeps_the_session_id_whole(int columns)
    {
        await DemoAsync(2);
        _workspace.Environment["COLUMNS"] = columns.ToString(System.Globalization.CultureInfo.InvariantCulture);

        string[] lines = Lines((await _workspace.RunOkAsync("session", "search", "flaky", "-n", "1")).Stdout);

        string id = Assert.Single(Regex.Matches(string.Join('\n', lines), @"sess_[0-9A-Z]{26}").Select(m => m.Value).Distinct());
        Assert.Contains(lines, l => l.Contains("Fix flaky date parsing test", StringComparison.Ordinal));
        Assert.StartsWith("More: acode session search", lines[^1], StringComparison.Ordinal);
        if (columns == 20)
        {
            Assert.StartsWith($"Session: {id} / Fix flaky date parsing test", lines[0], StringComparison.Ordinal);
        }
        else
        {
            Assert.All(lines.Where(l => !l.StartsWith("More: ", StringComparison.Ordinal)), l => Assert.True(l.TrimEnd().Length <= columns, $"wider than {columns}: '{l}'"));
        }
    }

    [Theory]
    [InlineData("db", "status")]
    [InlineData("db", "sync", "status")]
    public async Task Status_tables_at_20_columns_are_label_value_lines(params string[] command)
    {
        await DemoAsync(1);
        _workspace.Environment["COLUMNS"] = "20";

        string[] lines = Lines((await _workspace.RunOkAsync(command)).Stdout);

        Assert.Contains(lines, l => Regex.IsMatch(l, @"^(Outbox )?[Pp]ending: \d+"));
        Assert.Contains(lines, l => l.StartsWith("Last successful sync: never", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(50)]
    [InlineData(60)]
    [InlineData(80)]
    public async Task A_status_value_is_never_broken_inside_a_word(int columns)
    {
        // Trial AD F3: at 60 columns 'db status' kept its table and broke the workspace id across two lines.
        await DemoAsync(1);
        string id = (await _workspace.JsonAsync("db", "status")).GetProperty("workspaceId").GetString()!;
        _workspace.Environment["COLUMNS"] = columns.ToString(System.Globalization.CultureInfo.InvariantCulture);

        string[] lines = Lines((await _workspace.RunOkAsync("db", "status")).Stdout);

        Assert.Contains(lines, l => l.Contains(id, StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains(_workspace.DatabasePath, StringComparison.Ordinal));
        Assert.All(lines, l => Assert.True(l.Length <= columns || !l.StartsWith('│'), l));
    }

    public void Dispose() => _workspace.Dispose();

    [GeneratedRegex(@"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")]
    private static partial Regex Timestamp();

    private static string[] Lines(string text) => [.. text.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Trim().Length > 0)];

    private async Task<IReadOnlyList<string>> DemoAsync(int sessions)
    {
        await _workspace.RunOkAsync("demo", "--sessions", sessions.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return await _workspace.SessionIdsAsync();
    }
}
