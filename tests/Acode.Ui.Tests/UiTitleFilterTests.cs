using System.Net;
using Acode.Cli.Tests.Support;
using Acode.Domain.Entities;
using Acode.Infrastructure;
using Acode.Infrastructure.Sqlite;
using Acode.Ui.Tests.Support;

namespace Acode.Ui.Tests;

/// <summary>The viewer's title box ignores the case of every letter, as <c>session list --title</c> does (docs/search.md, "The title filter").</summary>
public sealed class UiTitleFilterTests : IDisposable
{
    private readonly CliWorkspace _workspace = new();

    [Fact]
    [Trait("Issue", "msgfix13.2")]
    public async Task The_title_box_finds_a_title_whose_non_ASCII_letters_differ_in_case()
    {
        using (SqliteWorkspaceDatabase database = SqliteWorkspaceDatabase.Open(new Workspace(_workspace.Root)))
        {
            var store = new SqliteRunStateStore(database);
            await store.SaveAsync(Session.Create("Support émoji in titles"));
            await store.SaveAsync(Session.Create("Straße bauen"));
            await store.SaveAsync(Session.Create("plain emoji"));
        }

        await using UiProcess ui = await UiProcess.StartAsync(_workspace);
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false });
        using HttpResponseMessage first = await client.GetAsync(ui.WithToken("/"));
        string cookie = Assert.Single(first.Headers.GetValues("Set-Cookie")).Split(';')[0];

        string accented = await PageTextAsync(client, cookie, ui.BaseUrl + "/?title=" + Uri.EscapeDataString("ÉMOJI"));
        string sharpS = await PageTextAsync(client, cookie, ui.BaseUrl + "/?title=" + Uri.EscapeDataString("STRAẞE"));

        Assert.Contains("Support émoji in titles", accented, StringComparison.Ordinal);
        Assert.DoesNotContain("plain emoji", accented, StringComparison.Ordinal);
        Assert.Contains("Straße bauen", sharpS, StringComparison.Ordinal);
    }

    public void Dispose() => _workspace.Dispose();

    private static async Task<string> PageTextAsync(HttpClient client, string cookie, string url)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Add("Cookie", cookie);
        using HttpResponseMessage page = await client.SendAsync(request);
        string html = await page.Content.ReadAsStringAsync();
        Assert.True(page.StatusCode == HttpStatusCode.OK, $"{page.StatusCode}: {html}");
        return WebUtility.HtmlDecode(html);
    }
}
