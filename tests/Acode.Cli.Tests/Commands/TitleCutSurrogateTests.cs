using Acode.Cli.Tests.Support;
using Acode.Domain.Entities;
using Acode.Infrastructure;
using Acode.Infrastructure.Sqlite;

namespace Acode.Cli.Tests.Commands;

/// <summary>
/// A title cut for the terminal (session list's 60 characters) is cut as the viewer cuts it: never between the two halves
/// of a character outside the BMP (an emoji), which printed a lone surrogate (written as U+FFFD or '?') before the "…".
/// </summary>
public sealed class TitleCutSurrogateTests : IDisposable
{
    private readonly CliWorkspace _workspace = new();

    [Fact]
    public async Task Session_list_cuts_a_title_before_an_emoji_it_would_split()
    {
        string title = new string('x', 59) + "😀 and more after the cut";
        using (SqliteWorkspaceDatabase database = SqliteWorkspaceDatabase.Open(new Workspace(_workspace.Root)))
        {
            var store = new SqliteRunStateStore(database);
            await store.CreateSessionAsync(title);
        }

        _workspace.Environment["COLUMNS"] = "300";
        AcodeResult result = await _workspace.RunOkAsync("session", "list");

        Assert.Contains(" " + new string('x', 59) + "… ", result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("\uFFFD", result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("x?", result.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(58, "👩\u200D👩\u200D👧")] // a family: three people joined by ZWJ; the second does not fit
    [InlineData(59, "🇩🇪")] // a flag: two regional indicators; the second does not fit
    public async Task Session_list_cuts_a_title_before_a_character_made_of_several_it_would_split(int before, string character)
    {
        // Trial AM 10: the cut kept the first person and a dangling joiner, or one letter of the flag.
        string title = new string('x', before) + character + " and more after the cut";
        using (SqliteWorkspaceDatabase database = SqliteWorkspaceDatabase.Open(new Workspace(_workspace.Root)))
        {
            await new SqliteRunStateStore(database).CreateSessionAsync(title);
        }

        _workspace.Environment["COLUMNS"] = "300";
        AcodeResult result = await _workspace.RunOkAsync("session", "list");

        Assert.Contains(" " + new string('x', before) + "… ", result.Stdout, StringComparison.Ordinal);
    }

    public void Dispose() => _workspace.Dispose();
}
