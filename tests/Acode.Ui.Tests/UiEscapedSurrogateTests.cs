using System.Net;
using Acode.Cli.Tests.Support;
using Acode.Domain.Ids;
using Acode.Ui.Tests.Support;

namespace Acode.Ui.Tests;

/// <summary>
/// A session imported with escapes of lone surrogates in the JSON of its <c>import.source</c> event (valid JSON, kept as
/// written): the session page shows the facts with U+FFFD for the half characters (docs/json-format.md).
/// </summary>
public sealed class UiEscapedSurrogateTests : IDisposable
{
    private readonly CliWorkspace _workspace = new();

    [Fact]
    public async Task The_session_page_shows_import_source_facts_whose_JSON_holds_a_lone_surrogate_escape()
    {
        string session = SessionId.New().Value;
        const string Time = "2026-11-23T04:35:23.9880000Z";
        string common = $"\"schema\":1,\"version\":1,\"createdAt\":\"{Time}\",\"updatedAt\":\"{Time}\"";
        string file = Path.Combine(_workspace.Root, "source.jsonl");
        await File.WriteAllLinesAsync(file,
        [
            $"{{\"entity\":\"Session\",\"title\":\"imported\",\"state\":\"Completed\",\"id\":\"{session}\",{common}}}",
            $$$"""{"entity":"SessionEvent","sessionId":"{{{session}}}","sequence":1,"type":"import.source","payload":"{\"agent\":\"claude-code\",\"cwd\":\"/work/a\\udc00b\",\"\\ud800\":\"x\"}","id":"{{{EventId.New().Value}}}",{{{common}}}}""",
        ]);
        await _workspace.RunOkAsync("session", "import", file);
        await using UiProcess ui = await UiProcess.StartAsync(_workspace);
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false });
        using HttpResponseMessage first = await client.GetAsync(ui.WithToken("/"));
        string cookie = Assert.Single(first.Headers.GetValues("Set-Cookie")).Split(';')[0];

        using var request = new HttpRequestMessage(HttpMethod.Get, ui.BaseUrl + "/sessions/" + session);
        request.Headers.Add("Cookie", cookie);
        using HttpResponseMessage page = await client.SendAsync(request);

        string html = await page.Content.ReadAsStringAsync();
        Assert.True(page.StatusCode == HttpStatusCode.OK, $"{page.StatusCode}: {html}");
        Assert.Contains("Imported from", html, StringComparison.Ordinal);
        Assert.Contains("claude-code", html, StringComparison.Ordinal);
        Assert.Contains("/work/a\uFFFDb", WebUtility.HtmlDecode(html), StringComparison.Ordinal);
    }

    public void Dispose() => _workspace.Dispose();
}
