using System.Net;
using Acode.Cli.Tests.Support;
using Acode.Ui.Tests.Support;
using Microsoft.Data.Sqlite;

namespace Acode.Ui.Tests;

/// <summary>
/// What the local viewer reads: a title filter no store can search for is a 400 page (never every session); a workspace
/// database removed or replaced while it runs, or migrated by a newer acode, is the same 503 page on every page (within
/// about a second: the viewer checks at most once a second); an empty
/// (0-byte) database file is no workspace, and the viewer writes nothing into it.
/// </summary>
public sealed class UiWorkspaceDataTests : IDisposable
{
    private readonly CliWorkspace _workspace = new();

    [Theory]
    [Trait("Issue", "uitrial.1")]
    [InlineData("/?title=%00zzzz")]
    [InlineData("/?title=fix%00")]
    [InlineData("/?q=flaky&title=%00")]
    [InlineData("/?q=flaky&title=a%00b&state=Failed")]
    public async Task A_title_filter_with_a_nul_character_is_a_400_page_not_every_session(string pathAndQuery)
    {
        await _workspace.RunOkAsync("demo");
        await using UiProcess ui = await UiProcess.StartAsync(_workspace);
        using var client = new HttpClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(ui.WithToken("/"))).StatusCode);

        using HttpResponseMessage page = await client.GetAsync(ui.BaseUrl + pathAndQuery);
        string html = WebUtility.HtmlDecode(await page.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.BadRequest, page.StatusCode);
        Assert.Contains("NUL character (U+0000)", html, StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"sessions\"", html, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Issue", "uitrial.13")]
    public async Task Every_page_answers_503_ACODE_DB_004_once_a_newer_acode_migrated_the_workspace()
    {
        await _workspace.RunOkAsync("demo");
        string id = (await _workspace.SessionIdsAsync())[0];
        await using UiProcess ui = await UiProcess.StartAsync(_workspace);
        using var client = new HttpClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(ui.WithToken("/"))).StatusCode);

        using (var connection = new SqliteConnection($"Data Source={_workspace.DatabasePath};Pooling=False"))
        {
            connection.Open();
            using SqliteCommand command = connection.CreateCommand();
            command.CommandText = "INSERT INTO schema_version VALUES ('9.0.0', 'Future', 'x', '2026-12-01T00:00:00.0000000Z');";
            command.ExecuteNonQuery();
        }

        await NoticedAsync(client, ui.BaseUrl + "/");
        foreach (string path in new[] { "/", "/?q=flaky", "/?title=a", $"/sessions/{id}", $"/sessions/{id}/events", "/health" })
        {
            using HttpResponseMessage page = await client.GetAsync(ui.BaseUrl + path);
            string html = WebUtility.HtmlDecode(await page.Content.ReadAsStringAsync());
            Assert.True(page.StatusCode == HttpStatusCode.ServiceUnavailable, $"{path}: {page.StatusCode}");
            Assert.Contains("ACODE-DB-004", html, StringComparison.Ordinal);
            Assert.Contains("9.0.0", html, StringComparison.Ordinal);
        }
    }

    [Theory]
    [Trait("Issue", "uitrial.2")]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Every_page_answers_503_once_the_workspace_database_was_removed_or_replaced(bool recreate)
    {
        await _workspace.RunOkAsync("demo");
        string id = (await _workspace.SessionIdsAsync())[0];
        await using UiProcess ui = await UiProcess.StartAsync(_workspace);
        using var client = new HttpClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(ui.WithToken("/"))).StatusCode);

        Directory.Delete(Path.Combine(_workspace.Root, ".agent"), recursive: true);
        if (recreate)
        {
            await _workspace.RunOkAsync("demo");
        }

        await NoticedAsync(client, ui.BaseUrl + "/");
        foreach (string path in new[] { "/", "/?q=flaky", $"/sessions/{id}", "/health", $"/api/sessions/{id}/tool-calls/tc_01JD3Z6Q6V2K8M4N5P7R9S1T3V" })
        {
            using HttpResponseMessage page = await client.GetAsync(ui.BaseUrl + path);
            string html = WebUtility.HtmlDecode(await page.Content.ReadAsStringAsync());
            Assert.True(page.StatusCode == HttpStatusCode.ServiceUnavailable, $"{path}: {page.StatusCode}");
            // The JSON endpoint says the same as JSON {"error", "hint"}, which the session page's script shows.
            Assert.StartsWith(path.StartsWith("/api/", StringComparison.Ordinal) ? "application/json" : "text/html", page.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
            Assert.Contains("ACODE-DB-001", html, StringComparison.Ordinal);
            Assert.Contains(recreate ? "was replaced by another file" : "was removed", html, StringComparison.Ordinal);
            Assert.Contains("run it again", html, StringComparison.Ordinal);
            Assert.DoesNotContain(id, html, StringComparison.Ordinal);
        }

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(ui.BaseUrl + "/static/app.css")).StatusCode);
    }

    [Fact]
    [Trait("Issue", "uitrial.12")]
    public async Task An_empty_database_file_is_no_workspace_and_the_viewer_writes_nothing_into_it()
    {
        Directory.CreateDirectory(Path.Combine(_workspace.Root, ".agent"));
        await File.WriteAllBytesAsync(_workspace.DatabasePath, []);

        AcodeResult result = await _workspace.RunAsync("ui", "--no-open");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("is empty (0 bytes)", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Open:", result.Stdout, StringComparison.Ordinal);
        Assert.Equal(0, new FileInfo(_workspace.DatabasePath).Length);
        Assert.Equal([_workspace.DatabasePath], Directory.GetFiles(Path.Combine(_workspace.Root, ".agent")));
    }

    public void Dispose() => _workspace.Dispose();

    /// <summary>Waits until <paramref name="url"/> answers 503: the viewer checks the file at most once a second, so a change shows within about a second.</summary>
    private static async Task NoticedAsync(HttpClient client, string url)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while ((await client.GetAsync(url)).StatusCode != HttpStatusCode.ServiceUnavailable)
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(3), $"{url} was not a 503 page {waited.Elapsed.TotalSeconds:0.0} s after the change");
            await Task.Delay(100);
        }
    }
}
