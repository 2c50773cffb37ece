using System.Net;
using Acode.Cli.Tests.Support;
using Acode.Ui.Tests.Support;

namespace Acode.Ui.Tests;

/// <summary>A filter value the list cannot use keeps the list page and its form, with the values as typed, and says what is wrong above it (400).</summary>
public sealed class UiFilterErrorTests : IDisposable
{
    private readonly CliWorkspace _workspace = new();

    [Fact]
    [Trait("Issue", "uitrial.8")]
    public async Task A_bad_filter_value_shows_the_error_above_the_form_filled_with_what_was_typed()
    {
        await _workspace.RunOkAsync("demo");
        await using UiProcess ui = await UiProcess.StartAsync(_workspace);
        using UiHttp http = await UiHttp.ConnectAsync(ui);

        UiAnswer answer = await http.GetAsync("/?since=yesterday&state=Failed&title=" + Uri.EscapeDataString("<b>fix\"</b>") + "&sort=created-asc&limit=7");

        Assert.True(answer.Status == HttpStatusCode.BadRequest, answer.ToString());
        string html = answer.Body;
        int problem = html.IndexOf("id=\"problem\"", StringComparison.Ordinal);
        int form = html.IndexOf("<form class=\"filters\"", StringComparison.Ordinal);
        Assert.True(problem > 0 && form > problem, answer.ToString());
        Assert.Contains("yesterday", answer.Text[answer.Text.IndexOf("id=\"problem\"", StringComparison.Ordinal)..], StringComparison.Ordinal);
        Assert.Contains("<input name=\"since\" placeholder=\"2026-11-30, 7d, 2h\" value=\"yesterday\">", html, StringComparison.Ordinal);
        Assert.Contains("name=\"state\" value=\"Failed\" checked>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("value=\"Completed\" checked", html, StringComparison.Ordinal);
        Assert.Contains("value=\"&lt;b&gt;fix&quot;&lt;/b&gt;\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>fix", html, StringComparison.Ordinal);
        Assert.Contains("<option value=\"created-asc\" selected>", html, StringComparison.Ordinal);
        Assert.Contains("value=\"7\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"sessions\"", html, StringComparison.Ordinal);

        // Every refusal of the list keeps the form: an unknown state or sort, a bad page size, a bad cursor, a query that cannot run.
        foreach (string query in new[] { "state=Bogus", "sort=sideways", "limit=0", "limit=x", "cursor=garbage", "until=2020-01-01&since=2021-01-01", "q=NOT+x" })
        {
            UiAnswer refused = await http.GetAsync("/?" + query);
            Assert.True(refused.Status == HttpStatusCode.BadRequest, query + ": " + refused);
            Assert.Contains("<form class=\"filters\"", refused.Body, StringComparison.Ordinal);
            Assert.Contains("id=\"problem\"", refused.Body, StringComparison.Ordinal);
        }
    }

    public void Dispose() => _workspace.Dispose();
}
