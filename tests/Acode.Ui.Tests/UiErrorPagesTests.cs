using System.Net;
using Acode.Cli.Tests.Support;
using Acode.Ui.Tests.Support;

namespace Acode.Ui.Tests;

/// <summary>
/// Every error answer the viewer gives is a small page saying what was wrong and what to do next, with a link back to
/// the list and the security headers of every answer: none is blank. A search query too long for the viewer gets the
/// viewer's own 400, not Kestrel's bare 414.
/// </summary>
public sealed class UiErrorPagesTests : IDisposable
{
    private readonly CliWorkspace _workspace = new();

    [Fact]
    [Trait("Issue", "uitrial.6")]
    public async Task Every_error_answer_is_a_page_with_what_went_wrong_a_link_back_and_the_security_headers()
    {
        await _workspace.RunOkAsync("demo");
        string session = Assert.Single(await _workspace.SessionIdsAsync());
        await using UiProcess ui = await UiProcess.StartAsync(_workspace);
        using UiHttp http = await UiHttp.ConnectAsync(ui);

        foreach ((string path, HttpStatusCode status, string said) in new[]
        {
            ("/nope", HttpStatusCode.NotFound, "There is no page at /nope"),
            ("/sessions", HttpStatusCode.NotFound, "There is no page at /sessions"),
            ("/static/nope.js", HttpStatusCode.NotFound, "There is no page at /static/nope.js"),
            ("/nope/<b>x</b>", HttpStatusCode.NotFound, "There is no page at /nope/<b>x</b>"),
            ($"/sessions/{session}/events?after=abc", HttpStatusCode.BadRequest, "'abc' is not an event number"),
            ($"/sessions/{session}/events?after=-1", HttpStatusCode.BadRequest, "'-1' is not an event number"),
            ("/health?conflicts_before=abc", HttpStatusCode.BadRequest, "'abc' is not a conflict number"),
            ("/sessions/sess_01JD3Z6Q6V2K8M4N5P7R9S1T3V", HttpStatusCode.NotFound, "No session sess_01JD3Z6Q6V2K8M4N5P7R9S1T3V"),
            ($"/sessions/{session}/artifacts/art_01JD3Z6Q6V2K8M4N5P7R9S1T3V", HttpStatusCode.NotFound, "No artifact art_01JD3Z6Q6V2K8M4N5P7R9S1T3V"),
            ("/sessions/sess_01JD3Z6Q6V2K8M4N5P7R9S1T3V/artifacts/art_01JD3Z6Q6V2K8M4N5P7R9S1T3V", HttpStatusCode.NotFound, "Session not found"), // not "Artifact not found" (trial AT 5)
            ("/sessions/sess_01JD3Z6Q6V2K8M4N5P7R9S1T3V/artifacts/art_01JD3Z6Q6V2K8M4N5P7R9S1T3V/content", HttpStatusCode.NotFound, "No session sess_01JD3Z6Q6V2K8M4N5P7R9S1T3V: it was deleted"),
            // A value the address cannot carry is a bad request, as the JSON endpoint answers it (trial AR 3).
            ("/sessions/bogus", HttpStatusCode.BadRequest, "'bogus' is not a session id (sess_ followed by 26 letters and digits), nor the start of one"),
            ("/sessions/bogus/events", HttpStatusCode.BadRequest, "'bogus' is not a session id"),
            ("/sessions/sess_0000", HttpStatusCode.NotFound, "No session id starts with 'sess_0000'"),
            ("/sessions/sess_81M962T6XYATJ6J4VRY20VF3BR", HttpStatusCode.BadRequest, "'sess_81M962T6XYATJ6J4VRY20VF3BR' is not a session id"), // 26 characters that overflow a ULID (trial AT 3)
            ($"/sessions/nope/artifacts/art_01JD3Z6Q6V2K8M4N5P7R9S1T3V", HttpStatusCode.BadRequest, "'nope' is not a session id (sess_ followed by 26 letters and digits)."),
            ($"/sessions/{session}/artifacts/bogus", HttpStatusCode.BadRequest, "'bogus' is not an artifact id (art_ followed by 26 letters and digits)."),
            ($"/sessions/{session}/artifacts/bogus/content", HttpStatusCode.BadRequest, "'bogus' is not an artifact id"),
            ("/?q=" + new string('a', 10 * 1024), HttpStatusCode.BadRequest, "at most 4,096 are accepted"),
            ("/?q=" + string.Concat(Enumerable.Repeat("%E2%82%AC", 5000)), HttpStatusCode.BadRequest, "at most 4,096 are accepted"),
        })
        {
            UiAnswer answer = await http.GetAsync(path);
            string what = $"GET {path[..Math.Min(path.Length, 80)]}: {answer}";
            Assert.True(answer.Status == status, what);
            Assert.StartsWith("text/html", answer.Headers.GetValueOrDefault("Content-Type"), StringComparison.Ordinal);
            Assert.Contains(said, answer.Text, StringComparison.Ordinal);
            Assert.DoesNotContain("<b>x</b>", answer.Body, StringComparison.Ordinal);
            Assert.Contains("id=\"problem\"", answer.Body, StringComparison.Ordinal);
            Assert.Contains("<a href=\"/\">", answer.Body, StringComparison.Ordinal);
            AssertSecurityHeaders(answer, what);
        }

        // The JSON endpoint answers JSON: what was not found, with the same headers.
        UiAnswer call = await http.GetAsync($"/api/sessions/{session}/tool-calls/tc_01JD3Z6Q6V2K8M4N5P7R9S1T3V");
        Assert.True(call.Status == HttpStatusCode.NotFound, call.ToString());
        Assert.StartsWith("application/json", call.Headers.GetValueOrDefault("Content-Type"), StringComparison.Ordinal);
        Assert.Contains("No tool call tc_01JD3Z6Q6V2K8M4N5P7R9S1T3V", call.Body, StringComparison.Ordinal);
        Assert.Contains("\"hint\":\"Open the session", call.Body, StringComparison.Ordinal);
        AssertSecurityHeaders(call, "tool call");
    }

    [Fact]
    public async Task A_start_of_a_session_id_in_the_address_opens_its_session_as_on_the_command_line()
    {
        await _workspace.RunOkAsync("demo", "--sessions", "2");
        string[] ids = [.. await _workspace.SessionIdsAsync()];
        await using UiProcess ui = await UiProcess.StartAsync(_workspace);
        using UiHttp http = await UiHttp.ConnectAsync(ui);
        // The shortest start of the first id no other id shares, and at least 4 characters after sess_ (as on the command line).
        int length = Math.Max(9, Enumerable.Range(5, 26).First(n => !ids[1].StartsWith(ids[0][..n], StringComparison.Ordinal)));
        string unique = ids[0][..length];

        foreach ((string path, string location) in new[]
        {
            ($"/sessions/{unique}", $"/sessions/{ids[0]}"),
            ($"/sessions/{unique["sess_".Length..].ToLowerInvariant()}", $"/sessions/{ids[0]}"),
            ($"/sessions/{unique}/events?after=3", $"/sessions/{ids[0]}/events?after=3"),
        })
        {
            UiAnswer answer = await http.GetAsync(path);
            Assert.True(answer.Status == HttpStatusCode.Redirect, $"GET {path}: {answer}");
            Assert.Equal(location, answer.Headers.GetValueOrDefault("Location"));
        }

        UiAnswer none = await http.GetAsync("/sessions/sess_ZZZZZZ");
        Assert.Equal(HttpStatusCode.NotFound, none.Status);
        Assert.Contains("No session id starts with 'sess_ZZZZZZ' in this workspace.", none.Text, StringComparison.Ordinal);

        // Both demo sessions were made within the same few milliseconds: their ids share their first characters.
        UiAnswer ambiguous = await http.GetAsync("/sessions/" + ids[0][..9]);
        Assert.Equal(HttpStatusCode.BadRequest, ambiguous.Status);
        Assert.Contains("is ambiguous: 2 sessions start with it", ambiguous.Text, StringComparison.Ordinal);
        Assert.All(ids, id => Assert.Contains(id, ambiguous.Text, StringComparison.Ordinal));
        AssertSecurityHeaders(ambiguous, "ambiguous");
    }

    public void Dispose() => _workspace.Dispose();

    private static void AssertSecurityHeaders(UiAnswer answer, string what)
    {
        Assert.True(answer.Headers.GetValueOrDefault("Content-Security-Policy")?.StartsWith("default-src 'none'", StringComparison.Ordinal) == true, what);
        Assert.True(answer.Headers.GetValueOrDefault("X-Content-Type-Options") == "nosniff", what);
        Assert.True(answer.Headers.GetValueOrDefault("X-Frame-Options") == "DENY", what);
        Assert.True(answer.Headers.GetValueOrDefault("Cache-Control") == "no-store", what);
    }
}
