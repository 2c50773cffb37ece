using System.Net;
using Acode.Cli.Tests.Support;
using Acode.Domain.Ids;
using Acode.Ui.Tests.Support;

namespace Acode.Ui.Tests;

/// <summary>
/// An event payload stored with JSON escapes of printable characters (System.Text.Json writes an emoji as two
/// surrogate escapes and "é" as \u00E9) shows those characters on the session page, as the terminal does, still
/// HTML-escaped and with control characters made visible.
/// </summary>
public sealed class UiEventPayloadTextTests : IDisposable
{
    private readonly CliWorkspace _workspace = new();

    private const string Time = "2026-11-23T04:35:23.9880000Z";
    private const string Common = $"\"schema\":1,\"version\":1,\"createdAt\":\"{Time}\",\"updatedAt\":\"{Time}\"";

    [Fact]
    public async Task The_event_log_shows_escaped_printable_characters_as_themselves_and_markup_as_text()
    {
        string session = SessionId.New().Value;

        string html = await SessionPageAsync(session,
            $$$"""{"entity":"SessionEvent","sessionId":"{{{session}}}","sequence":1,"type":"note","payload":"{\"text\":\"\\ud83d\\ude80 caf\\u00e9 <b>bold</b> \\u001b[31m\"}","id":"{{{EventId.New().Value}}}",{{{Common}}}}""");

        string text = WebUtility.HtmlDecode(html);
        Assert.Contains("\U0001F680 café <b>bold</b>", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\\uD83D", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<b>bold</b>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_log_numbered_apart_but_shown_whole_offers_no_link_to_more_events()
    {
        string session = SessionId.New().Value;

        // As an imported transcript's sub-agent events are numbered apart from the session's own (docs/import.md).
        string html = await SessionPageAsync(session,
            $$$"""{"entity":"SessionEvent","sessionId":"{{{session}}}","sequence":1,"type":"note","payload":"{}","id":"{{{EventId.New().Value}}}",{{{Common}}}}""",
            $$$"""{"entity":"SessionEvent","sessionId":"{{{session}}}","sequence":433177404903522306,"type":"note","payload":"{}","id":"{{{EventId.New().Value}}}",{{{Common}}}}""");

        Assert.Contains("433177404903522306", html, StringComparison.Ordinal);
        Assert.DoesNotContain("events →", WebUtility.HtmlDecode(html), StringComparison.Ordinal);
    }

    public void Dispose() => _workspace.Dispose();

    /// <summary>Imports a session titled "launch" with <paramref name="events"/> (export lines) and returns its page's HTML.</summary>
    private async Task<string> SessionPageAsync(string session, params string[] events)
    {
        string file = Path.Combine(_workspace.Root, "source.jsonl");
        await File.WriteAllLinesAsync(file, [$"{{\"entity\":\"Session\",\"title\":\"launch\",\"state\":\"Completed\",\"id\":\"{session}\",{Common}}}", .. events]);
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
        return html;
    }
}
