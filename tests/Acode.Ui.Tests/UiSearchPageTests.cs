using System.Net;
using Acode.Cli.Tests.Support;
using Acode.Ui.Tests.Support;

namespace Acode.Ui.Tests;

/// <summary>The search page: hits come best first, so it offers no sort that would do nothing.</summary>
public sealed class UiSearchPageTests : IDisposable
{
    private readonly CliWorkspace _workspace = new();

    [Fact]
    [Trait("Issue", "uitrial.cosmetic")]
    public async Task The_search_page_offers_no_sort_and_keeps_the_lists_sort_for_later()
    {
        await _workspace.RunOkAsync("demo");
        await using UiProcess ui = await UiProcess.StartAsync(_workspace);
        using UiHttp http = await UiHttp.ConnectAsync(ui);

        UiAnswer hits = await http.GetAsync("/?q=test&sort=created-asc");
        UiAnswer list = await http.GetAsync("/?sort=created-asc");

        Assert.True(hits.Status == HttpStatusCode.OK, hits.ToString());
        Assert.Contains("id=\"hits\"", hits.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("<select name=\"sort\"", hits.Body, StringComparison.Ordinal);
        Assert.Contains("Order: best match first", hits.Text, StringComparison.Ordinal);
        Assert.Contains("<input type=\"hidden\" name=\"sort\" value=\"created-asc\">", hits.Body, StringComparison.Ordinal);
        Assert.Contains("<option value=\"created-asc\" selected>", list.Body, StringComparison.Ordinal);
    }

    public void Dispose() => _workspace.Dispose();
}
