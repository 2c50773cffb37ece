using System.Net;
using System.Text.RegularExpressions;
using Acode.Cli.Tests.Support;
using Acode.Ui.Tests.Support;

namespace Acode.Ui.Tests;

/// <summary>A cursor used with another sort is refused in the words the sort is chosen with (updated-desc, created-asc…), not .NET's enum names.</summary>
public sealed class UiCursorSortTests : IDisposable
{
    private readonly CliWorkspace _workspace = new();

    [Fact]
    [Trait("Issue", "uitrial.11")]
    public async Task A_cursor_of_another_sort_is_refused_with_the_sorts_as_the_user_spells_them()
    {
        await _workspace.RunOkAsync("demo", "--sessions", "3");
        await using UiProcess ui = await UiProcess.StartAsync(_workspace);
        using UiHttp http = await UiHttp.ConnectAsync(ui);
        UiAnswer first = await http.GetAsync("/?limit=1");
        string cursor = Regex.Match(first.Text, "[?&]cursor=([^\"&]+)").Groups[1].Value;
        Assert.NotEqual("", cursor);

        UiAnswer refused = await http.GetAsync("/?limit=1&sort=created-asc&cursor=" + cursor);

        Assert.True(refused.Status == HttpStatusCode.BadRequest, refused.ToString());
        Assert.Contains("made for sort order updated-desc, not created-asc", refused.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("Descending", refused.Text, StringComparison.Ordinal);
    }

    public void Dispose() => _workspace.Dispose();
}
