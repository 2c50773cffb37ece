using Acode.Cli.Tests.Support;

namespace Acode.Cli.Tests.Commands;

/// <summary>
/// Standard output redirected (a pipe or a file, as these tests run the binary): a message is one line whatever its
/// length, so that grep finds a printed command whole, and so is each node of a tree; tables are still fitted to
/// <c>COLUMNS</c> (trial AB: messages were broken at 200 columns, mid-command too; trial AC: a tree's lines too).
/// </summary>
public sealed class RedirectedProseTests : IDisposable
{
    private readonly CliWorkspace _workspace = new();

    [Theory]
    [InlineData(null)]
    [InlineData("80")]
    public async Task A_message_longer_than_the_width_is_one_line_and_tables_keep_the_width(string? columns)
    {
        _workspace.Environment["COLUMNS"] = columns;
        await _workspace.RunOkAsync("demo");
        string title = string.Concat(Enumerable.Repeat("no such title ", 20)).TrimEnd();

        AcodeResult none = await _workspace.RunOkAsync("session", "list", "--title", title);
        AcodeResult table = await _workspace.RunOkAsync("session", "list");

        string line = Assert.Single(none.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains($"title containing '{title}'", line, StringComparison.Ordinal);
        Assert.Contains("'acode session list'", line, StringComparison.Ordinal);
        Assert.All(table.Stdout.Split('\n'), l => Assert.True(l.TrimEnd('\r').Length <= int.Parse(columns ?? "200", System.Globalization.CultureInfo.InvariantCulture), l));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("80")]
    public async Task A_session_tree_keeps_each_node_on_one_line(string? columns)
    {
        // Trial AC F5: the root line (id, title, state, version, created, updated) broke inside its timestamp at 200.
        _workspace.Environment["COLUMNS"] = columns;
        string title = "Refactor " + string.Join(' ', Enumerable.Range(0, 40).Select(i => $"module{i}/very_long_component_name_{i}"));
        string transcript = Path.Combine(_workspace.Root, "22222222-2222-4333-8444-555555555555.jsonl");
        File.WriteAllText(transcript, $$$"""
            {"sessionId":"22222222-2222-4333-8444-555555555555","cwd":"/p","type":"user","uuid":"a1","parentUuid":null,"timestamp":"2026-12-05T10:00:00.000Z","message":{"role":"user","content":"{{{title}}}"}}
            """ + "\n");
        await _workspace.RunOkAsync("import", "claude-code", transcript);
        string id = Assert.Single(await _workspace.SessionIdsAsync());

        string[] lines = (await _workspace.RunOkAsync("session", "show", id)).Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Matches($"^{id} Refactor .* updated 2026-12-05T10:00:00.0000000Z$", lines[0]);
        Assert.Contains(lines, l => l.StartsWith("├── Task 1 Refactor module0", StringComparison.Ordinal) && l.EndsWith(", v1)", StringComparison.Ordinal));
        Assert.Equal(4, lines.Length); // the root, the goal, the task, the events
    }

    public void Dispose() => _workspace.Dispose();
}
