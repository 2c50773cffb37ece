using Acode.Cli.Tests.Support;

namespace Acode.Cli.Tests.Commands;

/// <summary>
/// Standard output redirected (a pipe or a file, as these tests run the binary): a message is one line whatever its
/// length, so that grep finds a printed command whole; tables are still fitted to <c>COLUMNS</c> (trial AB: messages
/// were broken at 200 columns, mid-command too).
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

    public void Dispose() => _workspace.Dispose();
}
