using Acode.Cli.Tests.Support;
using Acode.Ui.Tests.Support;
using Microsoft.Playwright;

namespace Acode.Ui.Tests;

/// <summary>
/// The hostile-input corpus (script tags, event-handler attributes, javascript: links, HTML, ANSI escapes, bidi
/// controls) in every text field of a session is shown as text on every page: no script runs (no dialog, no global
/// set, no console message: not even a Content-Security-Policy refusal, which would mean markup got through), no
/// element of the corpus exists in the page, and hidden characters appear as \uXXXX.
/// </summary>
public sealed class UiHostileInputTests : IAsyncLifetime, IDisposable
{
    private readonly CliWorkspace _workspace = new();
    private readonly List<string> _events = [];
    private HeadlessBrowser? _browser;
    private UiProcess? _ui;
    private string _sessionId = "";
    private string _toolCallId = "";

    public async Task InitializeAsync()
    {
        (_sessionId, _toolCallId) = await StoreSessions.WriteHostileAsync(_workspace.Root);
        _ui = await UiProcess.StartAsync(_workspace);
        _browser = await HeadlessBrowser.LaunchAsync();
    }

    [Fact]
    public async Task Every_page_shows_the_corpus_as_text_and_runs_none_of_it()
    {
        IPage page = await _browser!.NewPageAsync();
        page.Dialog += (_, dialog) =>
        {
            _events.Add("dialog: " + dialog.Message);
            _ = dialog.DismissAsync();
        };
        page.Console += (_, message) =>
        {
            // The error page of a refused filter answers 400 on purpose; any other message counts.
            if (!message.Text.StartsWith("Failed to load resource: the server responded with a status of 400", StringComparison.Ordinal))
            {
                _events.Add($"console {message.Type}: {message.Text}");
            }
        };
        page.PageError += (_, error) => _events.Add("page error: " + error);
        page.FrameNavigated += (_, frame) =>
        {
            if (!frame.Url.StartsWith(_ui!.BaseUrl, StringComparison.Ordinal) && frame.Url != "about:blank")
            {
                _events.Add("navigated to " + frame.Url);
            }
        };

        await page.GotoAsync(_ui!.LaunchUrl);
        await AssertInertAsync(page, "list");
        Assert.Contains(StoreSessions.Corpus[0][..52] + "…", await page.Locator("#sessions").InnerTextAsync(), StringComparison.Ordinal); // "Hostile " and the corpus: 60 characters shown
        await Screenshots.SaveAsync(page, "10-hostile-list");

        await page.Locator("#sessions td.title a").ClickAsync();
        await page.WaitForSelectorAsync("body[data-ready=true]");
        await AssertInertAsync(page, "session");
        string title = await page.Locator("#session-title").InnerTextAsync();
        Assert.Contains("<script>window.__pwned='script'", title, StringComparison.Ordinal);
        Assert.Contains("invoice\\u202Efdp.exe", title, StringComparison.Ordinal);
        string timeline = await page.Locator("#timeline").InnerTextAsync();
        Assert.Contains("\\u001B[31mred\\u001B[0m", timeline, StringComparison.Ordinal);
        Assert.Contains("<img src=x onerror=", timeline, StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b", await page.ContentAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain("\u202e", await page.ContentAsync(), StringComparison.Ordinal);

        foreach (ILocator call in await page.Locator("#timeline .row.call").AllAsync())
        {
            await call.ClickAsync();
            await page.WaitForSelectorAsync("#detail[aria-busy=false]");
        }

        await page.Locator($"[id='{_toolCallId}']").ClickAsync();
        await page.WaitForSelectorAsync($"#detail[data-loaded='{_toolCallId}']");
        await AssertInertAsync(page, "tool call");
        string result = await page.Locator("#detail-result").InnerTextAsync();
        foreach (string text in StoreSessions.Corpus.Where(c => !c.Contains('\u001b', StringComparison.Ordinal) && !c.Contains('\u202e', StringComparison.Ordinal)))
        {
            Assert.Contains(text, result, StringComparison.Ordinal);
        }

        Assert.Contains("\\u001B]8;;http://example.invalid\\u001B\\osc8", result, StringComparison.Ordinal);
        Assert.Contains("\\u2066isolated\\u2069", result, StringComparison.Ordinal);
        Assert.Contains("<svg onload=", await page.Locator("#detail-error").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains("javascript:alert('bare')", await page.Locator("#detail-arguments").InnerTextAsync(), StringComparison.Ordinal);
        await Screenshots.SaveAsync(page, "11-hostile-tool-call");

        await page.Locator("#detail-artifacts a").First.ClickAsync();
        await AssertInertAsync(page, "artifact");
        Assert.Contains("<script>", await page.Locator("pre.diff .del").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains("<img src=x onerror=", await page.Locator("pre.diff .add").InnerTextAsync(), StringComparison.Ordinal);
        await Screenshots.SaveAsync(page, "12-hostile-diff");

        await page.GotoAsync(_ui.BaseUrl + $"/sessions/{_sessionId}/events?after=0");
        await AssertInertAsync(page, "events");
        await page.GotoAsync(_ui.BaseUrl + "/?title=" + Uri.EscapeDataString(StoreSessions.Corpus[1]));
        await AssertInertAsync(page, "list filtered by a hostile title");
        Assert.Equal(StoreSessions.Corpus[1], await page.Locator("#filters input[name=title]").InputValueAsync());
        await page.GotoAsync(_ui.BaseUrl + "/?since=" + Uri.EscapeDataString(StoreSessions.Corpus[0]));
        await AssertInertAsync(page, "error page quoting hostile input");

        // Search: the query is the corpus, so every snippet is hostile text with highlights cut into it.
        await page.GotoAsync(_ui.BaseUrl + "/?q=" + Uri.EscapeDataString(StoreSessions.Corpus[0]));
        await AssertInertAsync(page, "search hits of a hostile query");
        Assert.Equal(StoreSessions.Corpus[0], await page.Locator("#filters input[name=q]").InputValueAsync());
        Assert.True(await page.Locator("#hits mark").CountAsync() > 0);
        Assert.Contains("<script>window.__pwned=", await page.Locator("#hits").InnerTextAsync(), StringComparison.Ordinal);
        // Adjacent matched words form one highlight, the characters between them included: still text inside <mark>.
        Assert.Contains("script>window.__pwned='script';alert", await page.Locator("#hits mark").AllInnerTextsAsync());
        await Screenshots.SaveAsync(page, "13-hostile-search");

        // Whole tags beside the matched word, outside the highlight: "<b>bold</b><iframe src=…frame…>".
        foreach (string word in new[] { "bold", "frame" })
        {
            await page.GotoAsync(_ui.BaseUrl + "/?q=" + word);
            await AssertInertAsync(page, "search hits for " + word);
            Assert.Contains(word, await page.Locator("#hits mark").AllInnerTextsAsync());
            Assert.Contains("</b><iframe src=", await page.Locator("#hits").InnerTextAsync(), StringComparison.Ordinal);
        }
        // Queries the parser refuses get the CLI's message (400, no 500); one with unbalanced quotes and parentheses runs.
        foreach ((string query, string? refusal) in new[]
        {
            ("NOT \"<script>window.__pwned='not'</script>\"", "NOT (or -word) only excludes"),
            ("\"<>\" (( </script>", null),
            ("\"<>\" ((", "The query has nothing to search for"),
            (StoreSessions.Corpus[4] + ")))\"\"\"(", null),
        })
        {
            IResponse? response = await page.GotoAsync(_ui.BaseUrl + "/?q=" + Uri.EscapeDataString(query));
            await AssertInertAsync(page, "search for " + query);
            if (refusal is null)
            {
                Assert.Equal(200, response!.Status);
                Assert.Equal(query, await page.Locator("#filters input[name=q]").InputValueAsync());
            }
            else
            {
                Assert.Equal(400, response!.Status);
                Assert.StartsWith(refusal, await page.Locator("#problem").InnerTextAsync(), StringComparison.Ordinal);
            }
        }
        Assert.Empty(_events);
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

    private async Task AssertInertAsync(IPage page, string where)
    {
        // Give an injected handler (onerror of a broken image, onload of an svg) the time to fire. The document's own
        // state is asked for too: once in CI the load event of the page reached by a click was never reported to the
        // waiter (only "networkidle" was), and the test timed out on a page that had loaded.
        try
        {
            await page.WaitForLoadStateAsync(LoadState.Load, new() { Timeout = 15_000 });
        }
        catch (TimeoutException)
        {
            await page.WaitForFunctionAsync("() => document.readyState === 'complete'");
        }

        await page.EvaluateAsync("() => new Promise(r => setTimeout(r, 200))");
        Assert.Null(await page.EvaluateAsync<string?>($"() => window.{StoreSessions.PwnedGlobal} ?? null"));
        Assert.Equal(1, await page.Locator("script").CountAsync());
        Assert.Equal("/static/app.js", await page.Locator("script").GetAttributeAsync("src"));
        Assert.Equal(0, await page.Locator("main img, main iframe, main svg, main b, #evil-link, a[href^='javascript' i]").CountAsync());
        int handlers = await page.EvaluateAsync<int>("() => [...document.querySelectorAll('*')].filter(e => [...e.attributes].some(a => a.name.startsWith('on'))).length");
        Assert.True(handlers == 0, $"{where}: {handlers} element(s) with an on* attribute");
        Assert.True(_events.Count == 0, $"{where}: {string.Join(" | ", _events)}");
    }
}
