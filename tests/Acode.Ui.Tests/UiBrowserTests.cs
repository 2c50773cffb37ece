using System.Text.Json;
using Acode.Cli.Tests.Support;
using Acode.Ui.Tests.Support;
using Microsoft.Playwright;

namespace Acode.Ui.Tests;

/// <summary>
/// <c>acode ui</c> in a real headless Chromium over a workspace filled by <c>acode demo</c>: the list, a filter, a
/// session's timeline, a tool call's details, an artifact's diff and the health page, each saved as a screenshot.
/// </summary>
public sealed class UiBrowserTests : IAsyncLifetime, IDisposable
{
    private readonly CliWorkspace _workspace = new();
    private readonly List<string> _consoleErrors = [];
    private HeadlessBrowser? _browser;
    private UiProcess? _ui;

    public async Task InitializeAsync()
    {
        await _workspace.RunOkAsync("demo", "--sessions", "3");
        _ui = await UiProcess.StartAsync(_workspace);
        _browser = await HeadlessBrowser.LaunchBesideAsync(_ui);
    }

    [Fact]
    public async Task The_list_filters_opens_a_session_and_a_tool_call_shows_its_arguments_and_result()
    {
        IPage page = await NewPageAsync();
        await page.GotoAsync(_ui!.LaunchUrl);
        Assert.Equal(_ui.BaseUrl + "/", page.Url);
        ILocator rows = page.Locator("#sessions tbody tr");
        Assert.Equal(3, await rows.CountAsync());
        await Screenshots.SaveAsync(page, "01-sessions");

        await page.Locator("#filters input[name=state][value=Failed]").CheckAsync();
        await page.Locator("#filters button[type=submit]").ClickAsync();
        await page.WaitForURLAsync("**/?state=Failed**");
        Assert.Equal(1, await rows.CountAsync());
        Assert.Equal("Failed", await rows.Locator(".state").InnerTextAsync());
        await Screenshots.SaveAsync(page, "02-sessions-failed");

        await page.Locator("#filters input[name=title]").FillAsync("no such title");
        await page.Locator("#filters button[type=submit]").ClickAsync();
        Assert.Contains("No session matches the filter. Loosen it", await page.Locator("#empty").InnerTextAsync(), StringComparison.Ordinal);

        await page.GotoAsync(_ui.BaseUrl + "/?state=Completed");
        await rows.First.Locator("td.title a").ClickAsync();
        await page.WaitForSelectorAsync("body[data-ready=true]");
        Assert.Equal("Fix flaky date parsing test", await page.Locator("#session-title").InnerTextAsync());
        ILocator calls = page.Locator("#timeline .row.call");
        Assert.Equal(5, await calls.CountAsync());
        Assert.Equal(2, await page.Locator("#timeline .row.call.failed").CountAsync());
        string left = await calls.First.Locator(".bar").EvaluateAsync<string>("b => b.style.left");
        Assert.EndsWith("%", left, StringComparison.Ordinal);
        await Screenshots.SaveAsync(page, "03-session-timeline", fullPage: true);

        // The result is not in the page until the call is clicked; then it is fetched from the JSON endpoint.
        Assert.DoesNotContain("Failed DateParserTests.Parses_iso_dates", await page.ContentAsync(), StringComparison.Ordinal);
        IResponse response = await page.RunAndWaitForResponseAsync(() => page.Locator("#timeline .row.call", new() { HasText = "run_tests" }).First.ClickAsync(), r => r.Url.Contains("/api/sessions/", StringComparison.Ordinal));
        Assert.Equal(200, response.Status);
        await page.WaitForSelectorAsync("#detail[data-loaded]");
        Assert.Equal("run_tests · Failed", await page.Locator("#detail-title").InnerTextAsync());
        Assert.Contains("\"filter\": \"DateParserTests\"", await page.Locator("#detail-arguments").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains("Failed DateParserTests.Parses_iso_dates", await page.Locator("#detail-result").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal("1 test failed", await page.Locator("#detail-error").InnerTextAsync());
        Assert.Contains("test-output.log", await page.Locator("#detail-artifacts").InnerTextAsync(), StringComparison.Ordinal);
        await Screenshots.SaveAsync(page, "04-tool-call");

        await page.Locator("#artifacts a", new() { HasText = "DateParser.diff" }).ClickAsync();
        Assert.Equal(1, await page.Locator("pre.diff .hunk").CountAsync());
        Assert.Contains("yyyy-MM-dd", await page.Locator("pre.diff .add").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains("dd/MM/yyyy", await page.Locator("pre.diff .del").InnerTextAsync(), StringComparison.Ordinal);
        await Screenshots.SaveAsync(page, "05-artifact-diff");

        await page.Locator("header nav a", new() { HasText = "Health" }).ClickAsync();
        Assert.Contains("not configured", await page.Locator("#sync").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Matches(@"Pending\s+\d", await page.Locator("#outbox").InnerTextAsync());
        Assert.Equal("No dead letters.", await page.Locator("#dead-letters").InnerTextAsync());
        await Screenshots.SaveAsync(page, "06-health");
        Assert.Empty(_consoleErrors);
    }

    [Fact]
    public async Task Pages_follow_the_cli_order_and_the_next_page_link_continues_with_the_same_filter()
    {
        await _workspace.RunOkAsync("demo", "--sessions", "4");
        IPage page = await NewPageAsync();
        await page.GotoAsync(_ui!.WithToken("/?since=1h&sort=created-asc&limit=3"));
        JsonElement cli = await _workspace.JsonAsync("session", "list", "--sort", "created-asc", "--limit", "1000");
        string[] expected = cli.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()!).ToArray();
        var seen = new List<string>();
        for (int pageNumber = 0; pageNumber < 5; pageNumber++)
        {
            seen.AddRange(await page.Locator("#sessions tbody td.id").AllInnerTextsAsync());
            ILocator next = page.Locator("a.next");
            if (await next.CountAsync() == 0)
            {
                break;
            }

            Assert.Contains("since=20", await next.GetAttributeAsync("href"), StringComparison.Ordinal);
            await next.ClickAsync();
        }

        Assert.Equal(expected, seen);
        Assert.Equal(7, seen.Count);
    }

    [Fact]
    public async Task A_realistic_session_shows_each_call_where_and_as_long_as_it_ran()
    {
        string id = await StoreSessions.WriteRealisticAsync(_workspace.Root);
        IPage page = await NewPageAsync();
        await page.GotoAsync(_ui!.WithToken("/sessions/" + id));
        await page.WaitForSelectorAsync("body[data-ready=true]");
        ILocator calls = page.Locator("#timeline .row.call");
        Assert.Equal(9, await calls.CountAsync());
        Assert.Equal(["run_tests", "apply_patch"], await page.Locator("#timeline .row.call.failed .label").AllInnerTextsAsync());
        Assert.Equal(["14.2 s", "100 ms"], await page.Locator("#timeline .row.call.failed .dur").AllInnerTextsAsync());

        // The suite ran last and longest: its bar starts past the middle of the axis and is the widest call.
        var bars = new List<(double Left, double Width)>();
        foreach (ILocator bar in await calls.Locator(".bar").AllAsync())
        {
            bars.Add((double.Parse(await bar.GetAttributeAsync("data-l") ?? "", System.Globalization.CultureInfo.InvariantCulture),
                double.Parse(await bar.GetAttributeAsync("data-w") ?? "", System.Globalization.CultureInfo.InvariantCulture)));
        }

        Assert.Equal(bars.OrderBy(b => b.Left), bars);
        Assert.True(bars[^1].Left > 50 && bars[^1].Width == bars.Max(b => b.Width), string.Join(", ", bars));
        Assert.True(bars[^1].Left + bars[^1].Width <= 100.001);
        await Screenshots.SaveAsync(page, "00-session-timeline");

        await page.Locator("#timeline .row.call.failed").First.ClickAsync();
        await page.WaitForSelectorAsync("#detail[data-loaded]");
        Assert.Equal("1 test failed", await page.Locator("#detail-error").InnerTextAsync());
        await Screenshots.SaveAsync(page, "00-session-tool-call");
        Assert.Empty(_consoleErrors);
    }

    [Fact]
    public async Task The_search_box_finds_a_tool_calls_result_highlights_it_and_opens_the_call()
    {
        IPage page = await NewPageAsync();
        await page.GotoAsync(_ui!.LaunchUrl);
        await page.Locator("#filters input[name=q]").FillAsync("recognized");
        await page.Locator("#filters button[type=submit]").ClickAsync();
        await page.WaitForURLAsync("**&q=recognized**");
        // Each of the three demo sessions ran the failing suite.
        ILocator hit = page.Locator("#hits tbody tr", new() { HasText = "result" }).First;
        Assert.Equal(3, await page.Locator("#hits tbody tr", new() { HasText = "result" }).CountAsync());
        Assert.Contains("ToolCall", await hit.InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(["recognized"], await hit.Locator(".snippet mark").AllInnerTextsAsync());
        Assert.Contains("String '2026-01-15' was not recognized as a valid DateOnly", await hit.Locator(".snippet").InnerTextAsync(), StringComparison.Ordinal);
        await Screenshots.SaveAsync(page, "07-search");

        // Every hit of the CLI, in its order, over keyset pages of one hit.
        JsonElement cli = await _workspace.JsonAsync("session", "search", "DateParser", "--limit", "100");
        string[] expected = cli.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("entityId").GetString() + " " + i.GetProperty("field").GetString()).ToArray();
        await page.GotoAsync(_ui.BaseUrl + "/?q=DateParser&limit=1");
        var seen = new List<string>();
        for (int n = 0; n < 100; n++)
        {
            ILocator row = page.Locator("#hits tbody tr");
            seen.Add((await row.Locator("td").Nth(1).InnerTextAsync()).Split('\n')[^1].Trim() + " " + (await row.Locator("td").Nth(2).InnerTextAsync()).Trim());
            if (await page.Locator("a.next").CountAsync() == 0)
            {
                break;
            }

            await page.Locator("a.next").ClickAsync();
        }

        Assert.True(expected.Length > 1);
        Assert.Equal(expected, seen);

        await page.GotoAsync(_ui.BaseUrl + "/?q=recognized");
        await hit.Locator("a.tool-call").ClickAsync();
        await page.WaitForSelectorAsync("#detail[data-loaded]");
        Assert.Equal("run_tests · Failed", await page.Locator("#detail-title").InnerTextAsync());
        Assert.Contains("was not recognized", await page.Locator("#detail-result").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Empty(_consoleErrors);
    }

    [Fact]
    public async Task An_imported_session_shows_where_it_came_from()
    {
        string transcript = Path.Combine(_workspace.Root, "5d6a1c2e-0b4f-4c8e-9d21-7e3f4a5b6c7d.jsonl");
        await File.WriteAllLinesAsync(transcript,
        [
            """{"sessionId":"5d6a1c2e-0b4f-4c8e-9d21-7e3f4a5b6c7d","cwd":"/home/dev/<b>app</b>","version":"2.0.74","gitBranch":"feature/<script>window.__pwned=1</script>","type":"user","uuid":"u-1","parentUuid":null,"timestamp":"2026-01-15T10:00:01.000Z","message":{"role":"user","content":"Add a CSV export"}}""",
            """{"sessionId":"5d6a1c2e-0b4f-4c8e-9d21-7e3f4a5b6c7d","cwd":"/home/dev/<b>app</b>","version":"2.0.74","gitBranch":"feature/<script>window.__pwned=1</script>","type":"assistant","uuid":"u-2","parentUuid":"u-1","timestamp":"2026-01-15T10:00:02.000Z","message":{"id":"msg_1","model":"claude-opus-4-5","role":"assistant","content":[{"type":"text","text":"Done."}]}}""",
        ]);
        await _workspace.RunOkAsync("import", "claude-code", transcript);
        JsonElement list = await _workspace.JsonAsync("session", "list", "--title", "CSV");
        string id = list.GetProperty("items")[0].GetProperty("id").GetString()!;
        IPage page = await NewPageAsync();
        await page.GotoAsync(_ui!.WithToken("/sessions/" + id));
        await page.WaitForSelectorAsync("body[data-ready=true]");
        Assert.Equal("claude-code", await page.Locator("#source dd[data-key=agent]").InnerTextAsync());
        Assert.Equal("2.0.74", await page.Locator("#source dd[data-key=version]").InnerTextAsync());
        Assert.Equal("claude-opus-4-5", await page.Locator("#source dd[data-key=model]").InnerTextAsync());
        Assert.Equal("/home/dev/<b>app</b>", await page.Locator("#source dd[data-key=cwd]").InnerTextAsync());
        Assert.Equal("feature/<script>window.__pwned=1</script>", await page.Locator("#source dd[data-key=gitBranch]").InnerTextAsync());
        Assert.Equal(0, await page.Locator("main b, main script").CountAsync());
        Assert.Null(await page.EvaluateAsync<int?>("() => window.__pwned ?? null"));
        await Screenshots.SaveAsync(page, "08-imported-session");

        await page.GotoAsync(_ui.WithToken("/?state=Failed"));
        await page.Locator("#sessions td.title a").First.ClickAsync();
        await page.WaitForSelectorAsync("body[data-ready=true]");
        Assert.Equal(0, await page.Locator("#source").CountAsync());
        Assert.Empty(_consoleErrors);
    }

    [Fact]
    public async Task Bad_filters_say_what_is_wrong_on_the_page()
    {
        IPage page = await NewPageAsync();
        IResponse? response = await page.GotoAsync(_ui!.WithToken("/?since=yesterday"));
        Assert.Equal(400, response!.Status);
        Assert.Contains("yesterday", await page.Locator("#problem").InnerTextAsync(), StringComparison.Ordinal);
        response = await page.GotoAsync(_ui.BaseUrl + "/?cursor=garbage");
        Assert.Equal(400, response!.Status);
        response = await page.GotoAsync(_ui.BaseUrl + "/sessions/sess_01JD3Z6Q6V2K8M4N5P7R9S1T3V");
        Assert.Equal(404, response!.Status);
        Assert.Contains("No session sess_01JD3Z6Q6V2K8M4N5P7R9S1T3V", await page.Locator("#problem").InnerTextAsync(), StringComparison.Ordinal);
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        if (_ui is not null)
        {
            await _ui.DisposeAsync();
        }
    }

    public void Dispose() => _workspace.Dispose();

    private async Task<IPage> NewPageAsync()
    {
        IPage page = await _browser!.NewPageAsync();
        page.Console += (_, message) =>
        {
            if (message.Type is "error" or "warning")
            {
                _consoleErrors.Add(message.Text);
            }
        };
        page.PageError += (_, error) => _consoleErrors.Add(error);
        return page;
    }
}
