using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Acode.Cli.Tests.Support;
using Acode.Testing;
using Acode.Ui.Tests.Support;
using Microsoft.Playwright;

namespace Acode.Ui.Tests;

/// <summary>
/// The viewer's JSON endpoint answers every error as JSON <c>{"error", "hint"}</c> with its status (a bad id 400, not
/// found 404, no such endpoint 404, refused at the door 403/405, PostgreSQL gone 503 with ACODE-DB-006 and no
/// password), and the page's script shows that error and its hint in the tool call's panel instead of "HTTP 503".
/// </summary>
[Trait("Issue", "uitrial.api-errors")]
[Collection(PostgresFixture.CollectionName)]
public sealed partial class UiApiErrorTests(PostgresFixture fixture) : IDisposable
{
    private const string OutageHint = "Nothing was read or changed. Try again once PostgreSQL answers; check that the server is running";

    private readonly CliWorkspace _a = new();
    private readonly CliWorkspace _b = new();

    [Fact]
    public async Task With_PostgreSQL_down_a_clicked_tool_call_shows_ACODE_DB_006_and_what_to_do()
    {
        string sessionId = await SyncDemoAsync();
        await using UiProcess ui = await UiProcess.StartAsync(_b, "--remote");
        await using HeadlessBrowser browser = await HeadlessBrowser.LaunchAsync();
        IPage page = await browser.NewPageAsync();
        await page.GotoAsync(ui.WithToken("/sessions/" + sessionId));
        await page.WaitForSelectorAsync("body[data-ready=true]");
        ILocator call = page.Locator("#timeline .row.call").First;
        ILocator panel = page.Locator("#detail");

        // First a call that loads, so that a failure afterwards must not leave its details on screen.
        await call.ClickAsync();
        await page.WaitForSelectorAsync("#detail[data-loaded]");
        Assert.NotEqual("—", await page.Locator("#detail-arguments").InnerTextAsync());
        Assert.False(await page.Locator("#detail-problem").IsVisibleAsync());

        // A call the store no longer has (its row's id changed in the page: what a page left open shows after the
        // session was replaced): 404, said in the panel with what to do.
        const string goneCall = "tc_01JD3Z6Q6V2K8M4N5P7R9S1T3V";
        await page.Locator("#timeline .row.call").Nth(2).EvaluateAsync("(row, id) => { row.id = id; }", goneCall);
        IResponse gone = await page.RunAndWaitForResponseAsync(() => page.Locator("#" + goneCall).ClickAsync(), r => r.Url.Contains("/api/sessions/", StringComparison.Ordinal));
        Assert.Equal(404, gone.Status);
        await page.WaitForSelectorAsync("#detail[aria-busy=false]");
        Assert.Equal($"No tool call {goneCall} in session {sessionId}.", await page.Locator("#detail-problem").InnerTextAsync());
        Assert.StartsWith("Open the session's page again", await page.Locator("#detail-problem-hint").InnerTextAsync(), StringComparison.Ordinal);
        Assert.False(await page.Locator("#detail-call").IsVisibleAsync());

        string shown;
        await fixture.Server.StopAsync();
        try
        {
            IResponse response = await page.RunAndWaitForResponseAsync(() => page.Locator("#timeline .row.call").Nth(1).ClickAsync(), r => r.Url.Contains("/api/sessions/", StringComparison.Ordinal));
            Assert.Equal(503, response.Status);
            await page.WaitForSelectorAsync("#detail[aria-busy=false]");
            shown = await panel.InnerTextAsync();
            Assert.Contains("ACODE-DB-006", shown, StringComparison.Ordinal);
            Assert.StartsWith("ACODE-DB-006: PostgreSQL at ", await page.Locator("#detail-problem").InnerTextAsync(), StringComparison.Ordinal);
            Assert.StartsWith(OutageHint, await page.Locator("#detail-problem-hint").InnerTextAsync(), StringComparison.Ordinal);
            Assert.Equal("Could not load the tool call", await page.Locator("#detail-title").InnerTextAsync());
            Assert.False(await page.Locator("#detail-call").IsVisibleAsync(), "the details of the call loaded before stay on screen under the error");
            Assert.Null(await panel.GetAttributeAsync("data-loaded"));
            Assert.DoesNotContain(fixture.Server.Password, await page.ContentAsync(), StringComparison.Ordinal);
            await Screenshots.SaveAsync(page, "15-remote-tool-call-postgres-down", fullPage: true);
        }
        finally
        {
            await fixture.Server.StartAsync();
        }

        // PostgreSQL back: the same click loads the call and the error is gone.
        await ClickUntilLoadedAsync(page, page.Locator("#timeline .row.call").Nth(1));
        Assert.False(await page.Locator("#detail-problem").IsVisibleAsync());
        Assert.True(await page.Locator("#detail-call").IsVisibleAsync());
    }

    [Fact]
    public async Task Every_error_of_the_JSON_endpoint_is_JSON_with_its_status_what_went_wrong_and_what_to_do()
    {
        string sessionId = await SyncDemoAsync();
        await using UiProcess ui = await UiProcess.StartAsync(_b, "--remote");
        using UiHttp http = await UiHttp.ConnectAsync(ui);
        UiAnswer page = await http.GetAsync("/sessions/" + sessionId);
        string toolCallId = ToolCallIds().Match(page.Body).Value;
        Assert.StartsWith("tc_", toolCallId, StringComparison.Ordinal);
        const string otherSession = "sess_01JD3Z6Q6V2K8M4N5P7R9S1T3V";
        const string otherCall = "tc_01JD3Z6Q6V2K8M4N5P7R9S1T3V";

        foreach ((HttpMethod method, string path, bool withCookie, HttpStatusCode status, string said) in new[]
        {
            (HttpMethod.Get, $"/api/sessions/nope/tool-calls/{toolCallId}", true, HttpStatusCode.BadRequest, "'nope' is not a session id"),
            (HttpMethod.Get, $"/api/sessions/{sessionId}/tool-calls/%3Cb%3Ex", true, HttpStatusCode.BadRequest, "'<b>x' is not a tool call id"),
            (HttpMethod.Get, $"/api/sessions/{otherSession}/tool-calls/{toolCallId}", true, HttpStatusCode.NotFound, $"No session {otherSession}"),
            (HttpMethod.Get, $"/api/sessions/{sessionId}/tool-calls/{otherCall}", true, HttpStatusCode.NotFound, $"No tool call {otherCall} in session {sessionId}"),
            (HttpMethod.Get, "/api/nope", true, HttpStatusCode.NotFound, "There is no API endpoint at /api/nope"),
            (HttpMethod.Get, $"/api/sessions/{sessionId}/tool-calls", true, HttpStatusCode.NotFound, "There is no API endpoint at /api/sessions/"),
            (HttpMethod.Post, $"/api/sessions/{sessionId}/tool-calls/{toolCallId}", true, HttpStatusCode.MethodNotAllowed, "Method not allowed: this viewer is read-only."),
            (HttpMethod.Get, $"/api/sessions/{sessionId}/tool-calls/{toolCallId}", false, HttpStatusCode.Forbidden, "Forbidden: open the URL that 'acode ui' printed"),
        })
        {
            UiAnswer answer = await http.SendAsync(method, path, withCookie);
            (string error, string hint) = AssertJsonError(answer, status, $"{method} {path}");
            Assert.Contains(said, error, StringComparison.Ordinal);
            Assert.DoesNotContain("<b>", answer.Body, StringComparison.Ordinal);
            Assert.NotEmpty(hint);
        }

        // PostgreSQL gone: 503 with ACODE-DB-006, its hint, and no password.
        UiAnswer down;
        await fixture.Server.StopAsync();
        try
        {
            down = await http.GetAsync($"/api/sessions/{sessionId}/tool-calls/{toolCallId}");
        }
        finally
        {
            await fixture.Server.StartAsync();
        }

        (string downError, string downHint) = AssertJsonError(down, HttpStatusCode.ServiceUnavailable, "with PostgreSQL down");
        Assert.StartsWith("ACODE-DB-006: PostgreSQL at postgresql://", downError, StringComparison.Ordinal);
        Assert.StartsWith(OutageHint, downHint, StringComparison.Ordinal);
        Assert.DoesNotContain(fixture.Server.Password, down.Body, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _a.Dispose();
        _b.Dispose();
    }

    /// <summary>Workspace A records the demo session and syncs it; B views PostgreSQL. Returns the session's id.</summary>
    private async Task<string> SyncDemoAsync()
    {
        string url = PostgresServer.ToUrl(await fixture.CreateDatabaseAsync());
        _a.Environment["ACODE_POSTGRES_URL"] = url;
        _b.Environment["ACODE_POSTGRES_URL"] = url;
        await _a.RunOkAsync("demo");
        await _a.RunOkAsync("db", "sync");
        return Assert.Single(await _a.SessionIdsAsync());
    }

    private static (string Error, string Hint) AssertJsonError(UiAnswer answer, HttpStatusCode status, string what)
    {
        what += ": " + answer;
        Assert.True(answer.Status == status, what);
        Assert.True(answer.Headers.GetValueOrDefault("Content-Type")?.StartsWith("application/json", StringComparison.Ordinal) == true, what);
        Assert.True(answer.Headers.GetValueOrDefault("Content-Security-Policy")?.StartsWith("default-src 'none'", StringComparison.Ordinal) == true, what);
        Assert.True(answer.Headers.GetValueOrDefault("X-Content-Type-Options") == "nosniff", what);
        using JsonDocument json = JsonDocument.Parse(answer.Body);
        string? error = json.RootElement.GetProperty("error").GetString();
        string? hint = json.RootElement.GetProperty("hint").GetString();
        Assert.False(string.IsNullOrWhiteSpace(error), what);
        Assert.False(string.IsNullOrWhiteSpace(hint), what);
        return (error!, hint!);
    }

    /// <summary>Clicks <paramref name="call"/> until its details load: the first request after PostgreSQL restarts may meet a connection the restart closed.</summary>
    private static async Task ClickUntilLoadedAsync(IPage page, ILocator call)
    {
        string id = (await call.GetAttributeAsync("id"))!;
        for (int attempt = 1; ; attempt++)
        {
            await call.ClickAsync();
            await page.WaitForSelectorAsync("#detail[aria-busy=false]");
            if (await page.Locator("#detail").GetAttributeAsync("data-loaded") == id)
            {
                return;
            }

            Assert.True(attempt < 5, "the tool call did not load after PostgreSQL came back: " + await page.Locator("#detail").InnerTextAsync());
            await Task.Delay(500);
        }
    }

    [GeneratedRegex("tc_[0-9A-HJKMNP-TV-Z]{26}")]
    private static partial Regex ToolCallIds();
}
