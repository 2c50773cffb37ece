using System.Text.Json;
using Acode.Cli.Tests.Support;
using Acode.Testing;
using Acode.Ui.Tests.Support;
using Microsoft.Playwright;
using Npgsql;

namespace Acode.Ui.Tests;

/// <summary>
/// <c>acode ui --remote</c> through the real binary: workspace A records sessions and syncs them into a real PostgreSQL;
/// workspace B, an empty folder with only the PostgreSQL URL, views them in a headless Chromium (list with each
/// session's workspace, filter, search, a session, a tool call, an artifact, PostgreSQL's health) and creates nothing.
/// </summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class UiRemoteTests(PostgresFixture fixture) : IDisposable
{
    private readonly CliWorkspace _a = new();
    private readonly CliWorkspace _b = new();

    [Fact]
    public async Task The_team_s_sessions_are_listed_with_their_workspace_filtered_searched_and_opened_from_PostgreSQL()
    {
        string connectionString = await fixture.CreateDatabaseAsync();
        string url = PostgresServer.ToUrl(connectionString);
        _a.Environment["ACODE_POSTGRES_URL"] = url;
        _b.Environment["ACODE_POSTGRES_URL"] = url;
        await _a.RunOkAsync("demo", "--sessions", "3");
        await _a.RunOkAsync("db", "sync");
        JsonElement cli = await _b.JsonAsync("session", "list", "--remote");
        string[] ids = cli.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()!).ToArray();
        string origin = cli.GetProperty("items")[0].GetProperty("workspace").GetString()!;
        string name = await ScalarAsync<string>(connectionString, "SELECT name FROM workspaces WHERE id = $1", origin);

        await using UiProcess ui = await UiProcess.StartAsync(_b, "--remote");
        await using HeadlessBrowser browser = await HeadlessBrowser.LaunchAsync();
        var problems = new List<string>();
        IPage page = await browser.NewPageAsync();
        page.Console += (_, message) =>
        {
            if (message.Type is "error" or "warning")
            {
                problems.Add(message.Text);
            }
        };
        page.PageError += (_, error) => problems.Add(error);

        // The list: the CLI's sessions in its order, each with the workspace it came from (id and reported name).
        await page.GotoAsync(ui.LaunchUrl);
        ILocator rows = page.Locator("#sessions tbody tr");
        Assert.Equal(ids, await page.Locator("#sessions tbody td.id").AllInnerTextsAsync());
        Assert.Equal([origin, origin, origin], await page.Locator("#sessions tbody td.workspace").EvaluateAllAsync<string[]>("cells => cells.map(c => c.dataset.origin)"));
        Assert.Equal(name, await rows.First.Locator("td.workspace .ws-name").InnerTextAsync());
        Assert.Contains(PostgresServer.ToUrl(connectionString).Split('@')[1], await page.Locator("header .workspace").InnerTextAsync(), StringComparison.Ordinal);
        await Screenshots.SaveAsync(page, "10-remote-sessions");

        await page.Locator("#filters input[name=state][value=Failed]").CheckAsync();
        await page.Locator("#filters button[type=submit]").ClickAsync();
        await page.WaitForURLAsync("**/?state=Failed**");
        Assert.Equal(1, await rows.CountAsync());
        Assert.Equal("Failed", await rows.Locator(".state").InnerTextAsync());

        // Search runs on PostgreSQL's index; hits name their workspace too.
        await page.GotoAsync(ui.BaseUrl + "/?q=recognized");
        ILocator hits = page.Locator("#hits tbody tr", new() { HasText = "result" });
        Assert.Equal(3, await hits.CountAsync());
        Assert.Equal(origin, await hits.First.Locator("td.workspace").GetAttributeAsync("data-origin"));
        Assert.Equal(["recognized"], await hits.First.Locator(".snippet mark").AllInnerTextsAsync());
        await Screenshots.SaveAsync(page, "11-remote-search");

        // A session (with the workspace it was created in and the one whose change stands: another workspace, with a
        // hostile name, changed it last), a tool call fetched on click, an artifact's diff.
        const string otherName = "<img src=x onerror=alert(1)><script>alert(2)</script>laptop-b";
        await ExecuteAsync(connectionString, "INSERT INTO workspaces (id, name, acode_version) VALUES ('ws-b', $1, 'test')", otherName);
        await ExecuteAsync(connectionString, "UPDATE sessions SET origin = 'ws-b' WHERE title = 'Fix flaky date parsing test'");
        await page.GotoAsync(ui.BaseUrl + "/?state=Completed");
        await rows.First.Locator("td.title a").ClickAsync();
        await page.WaitForSelectorAsync("body[data-ready=true]");
        Assert.Equal("Fix flaky date parsing test", await page.Locator("#session-title").InnerTextAsync());
        Assert.Equal(origin, await page.Locator("#created-workspace").GetAttributeAsync("data-origin"));
        Assert.Equal(name, await page.Locator("#created-workspace .ws-name").InnerTextAsync());
        Assert.Equal("ws-b", await page.Locator("#last-workspace").GetAttributeAsync("data-origin"));
        Assert.Equal(otherName, await page.Locator("#last-workspace .ws-name").InnerTextAsync());
        Assert.Equal(0, await page.Locator("#session-workspaces img, #session-workspaces script").CountAsync());
        Assert.Equal(5, await page.Locator("#timeline .row.call").CountAsync());
        Assert.Equal(2, await page.Locator("#timeline .row.call.failed").CountAsync());
        Assert.DoesNotContain("Failed DateParserTests.Parses_iso_dates", await page.ContentAsync(), StringComparison.Ordinal);
        IResponse response = await page.RunAndWaitForResponseAsync(() => page.Locator("#timeline .row.call", new() { HasText = "run_tests" }).First.ClickAsync(), r => r.Url.Contains("/api/sessions/", StringComparison.Ordinal));
        Assert.Equal(200, response.Status);
        await page.WaitForSelectorAsync("#detail[data-loaded]");
        Assert.Equal("run_tests · Failed", await page.Locator("#detail-title").InnerTextAsync());
        Assert.Contains("\"filter\": \"DateParserTests\"", await page.Locator("#detail-arguments").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains("Failed DateParserTests.Parses_iso_dates", await page.Locator("#detail-result").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal("1 test failed", await page.Locator("#detail-error").InnerTextAsync());
        await Screenshots.SaveAsync(page, "12-remote-tool-call", fullPage: true);

        await page.Locator("#artifacts a", new() { HasText = "DateParser.diff" }).ClickAsync();
        Assert.Equal(1, await page.Locator("pre.diff .hunk").CountAsync());
        Assert.Contains("yyyy-MM-dd", await page.Locator("pre.diff .add").InnerTextAsync(), StringComparison.Ordinal);
        await Screenshots.SaveAsync(page, "13-remote-artifact-diff");

        // Health: PostgreSQL's side only; the workspace is listed from the workspaces table.
        await page.Locator("header nav a", new() { HasText = "Health" }).ClickAsync();
        Assert.Contains("1.", await page.Locator("#postgres").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await page.Locator("#outbox, #dead-letters").CountAsync());
        ILocator workspace = page.Locator($"#workspaces tbody tr[data-id='{origin}']");
        Assert.Equal(name, await workspace.Locator(".ws-name").InnerTextAsync());
        Assert.Equal("No conflicts.", await page.Locator("#conflicts").InnerTextAsync());
        await Screenshots.SaveAsync(page, "14-remote-health");

        Assert.Empty(problems);
        Assert.False(Directory.Exists(Path.Combine(_b.Root, ".agent")), "the remote viewer creates nothing locally");
        AcodeResult stopped = await ui.StopAsync();
        Assert.Equal(0, stopped.ExitCode);
        Assert.Contains("viewing the team's sessions in PostgreSQL at postgresql://", stopped.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(fixture.Server.Password, stopped.Stdout + stopped.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_workspace_stays_on_the_health_page_after_its_applied_changes_are_pruned()
    {
        string connectionString = await fixture.CreateDatabaseAsync();
        _a.Environment["ACODE_POSTGRES_URL"] = PostgresServer.ToUrl(connectionString);
        await _a.RunOkAsync("demo");
        await _a.RunOkAsync("db", "sync");
        string origin = await ScalarAsync<string>(connectionString, "SELECT id FROM workspaces");
        // What SyncAppliedPruner does to keys past the retention horizon, for all of them at once.
        await ExecuteAsync(connectionString, "DELETE FROM sync_applied");
        Assert.Equal(0L, await ScalarAsync<long>(connectionString, "SELECT count(*) FROM sync_applied"));

        await using UiProcess ui = await UiProcess.StartAsync(_a);
        using var client = new HttpClient();
        string local = await client.GetStringAsync(ui.WithToken("/health"));
        _b.Environment["ACODE_POSTGRES_URL"] = PostgresServer.ToUrl(connectionString);
        await using UiProcess remote = await UiProcess.StartAsync(_b, "--remote");
        string team = await client.GetStringAsync(remote.WithToken("/health"));

        foreach (string html in new[] { local, team })
        {
            Assert.Contains($"data-id=\"{origin}\"", html, StringComparison.Ordinal);
            Assert.DoesNotContain("No workspace has synced yet.", html, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Without_PostgreSQL_it_exits_17_and_with_it_down_16_before_serving_and_creating_nothing()
    {
        AcodeResult unconfigured = await _b.RunAsync("ui", "--remote", "--no-open");
        Assert.Equal(17, unconfigured.ExitCode);
        Assert.Contains("ACODE-DB-007", unconfigured.Stderr, StringComparison.Ordinal);
        Assert.Contains("No PostgreSQL is configured", unconfigured.Stderr, StringComparison.Ordinal);
        Assert.Contains("ACODE_POSTGRES_URL", unconfigured.Stderr, StringComparison.Ordinal);

        _b.Environment["ACODE_POSTGRES_URL"] = $"postgresql://acode:{Uri.EscapeDataString(fixture.Server.Password)}@127.0.0.1:1/acode";
        AcodeResult down = await _b.RunAsync("ui", "--remote", "--no-open");
        Assert.Equal(16, down.ExitCode);
        Assert.Contains("ACODE-DB-006", down.Stderr, StringComparison.Ordinal);
        Assert.Contains("127.0.0.1:1", down.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(fixture.Server.Password, down.Stdout + down.Stderr, StringComparison.Ordinal);

        foreach (AcodeResult result in new[] { unconfigured, down })
        {
            Assert.DoesNotContain("Open:", result.Stdout, StringComparison.Ordinal);
        }

        Assert.False(Directory.Exists(Path.Combine(_b.Root, ".agent")), "nothing local is created");
    }

    [Fact]
    public async Task A_PostgreSQL_fault_while_serving_is_a_503_page_with_its_code_and_the_viewer_keeps_serving()
    {
        string connectionString = await fixture.CreateDatabaseAsync();
        _a.Environment["ACODE_POSTGRES_URL"] = PostgresServer.ToUrl(connectionString);
        _b.Environment["ACODE_POSTGRES_URL"] = PostgresServer.ToUrl(connectionString);
        await _a.RunOkAsync("demo");
        await _a.RunOkAsync("db", "sync");
        await using UiProcess ui = await UiProcess.StartAsync(_b, "--remote");
        using var client = new HttpClient();
        Assert.Equal(System.Net.HttpStatusCode.OK, (await client.GetAsync(ui.WithToken("/"))).StatusCode);

        // A table of acode's schema dropped by hand while the viewer runs.
        await ExecuteAsync(connectionString, "DROP TABLE tool_calls CASCADE");
        HttpResponseMessage list = await client.GetAsync(ui.BaseUrl + "/");
        string html = await list.Content.ReadAsStringAsync();
        Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, list.StatusCode);
        Assert.Contains("ACODE-DB-006", html, StringComparison.Ordinal);
        Assert.Contains("tool_calls", html, StringComparison.Ordinal);
        Assert.DoesNotContain(fixture.Server.Password, html, StringComparison.Ordinal);
        Assert.Contains("default-src 'none'", list.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Equal(System.Net.HttpStatusCode.OK, (await client.GetAsync(ui.BaseUrl + "/health")).StatusCode);
    }

    [Fact]
    public async Task A_session_deleted_in_PostgreSQL_is_a_410_page_saying_when_and_by_which_workspace()
    {
        string url = PostgresServer.ToUrl(await fixture.CreateDatabaseAsync());
        _a.Environment["ACODE_POSTGRES_URL"] = url;
        _b.Environment["ACODE_POSTGRES_URL"] = url;
        await _a.RunOkAsync("demo", "--sessions", "2");
        await _a.RunOkAsync("db", "sync");
        string[] ids = [.. await _a.SessionIdsAsync()];
        string deleter = (await _a.JsonAsync("db", "status")).GetProperty("workspaceId").GetString()!;
        await _a.RunOkAsync("session", "delete", ids[0], "--yes");
        await _a.RunOkAsync("db", "sync");
        await using UiProcess ui = await UiProcess.StartAsync(_b, "--remote");
        using var client = new HttpClient();
        Assert.Equal(System.Net.HttpStatusCode.OK, (await client.GetAsync(ui.WithToken("/"))).StatusCode);

        // A start of its id too: PostgreSQL's tombstones count, as for 'session show --remote' (redirected, then 410).
        foreach (string path in new[] { $"/sessions/{ids[0]}", $"/sessions/{ids[0]}/events", $"/sessions/{ids[0][..^1]}" })
        {
            HttpResponseMessage gone = await client.GetAsync(ui.BaseUrl + path);
            string html = await gone.Content.ReadAsStringAsync();
            Assert.Equal(System.Net.HttpStatusCode.Gone, gone.StatusCode);
            Assert.Contains($"Session {ids[0]} was deleted in PostgreSQL on ", html, StringComparison.Ordinal);
            Assert.Contains(deleter, html, StringComparison.Ordinal);
        }

        Assert.Equal(System.Net.HttpStatusCode.OK, (await client.GetAsync(ui.BaseUrl + $"/sessions/{ids[1]}")).StatusCode);
        HttpResponseMessage unknown = await client.GetAsync(ui.BaseUrl + "/sessions/sess_01ARZ3NDEKTSV4RRFFQ69G5FAV");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("No session sess_01ARZ3NDEKTSV4RRFFQ69G5FAV in PostgreSQL.", await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Issue", "uitrial.3")]
    public async Task A_title_filter_with_a_nul_character_is_the_same_400_page_as_locally_not_a_500()
    {
        string connectionString = await fixture.CreateDatabaseAsync();
        _a.Environment["ACODE_POSTGRES_URL"] = PostgresServer.ToUrl(connectionString);
        _b.Environment["ACODE_POSTGRES_URL"] = PostgresServer.ToUrl(connectionString);
        await _a.RunOkAsync("demo");
        await _a.RunOkAsync("db", "sync");
        await using UiProcess local = await UiProcess.StartAsync(_a);
        await using UiProcess remote = await UiProcess.StartAsync(_b, "--remote");
        using var localClient = new HttpClient();
        using var remoteClient = new HttpClient();
        Assert.Equal(System.Net.HttpStatusCode.OK, (await localClient.GetAsync(local.WithToken("/"))).StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.OK, (await remoteClient.GetAsync(remote.WithToken("/"))).StatusCode);

        foreach (string query in new[] { "/?q=flaky&title=%00", "/?title=%00zzzz", "/?q=flaky&title=x%00y&sort=created-asc" })
        {
            using HttpResponseMessage mine = await localClient.GetAsync(local.BaseUrl + query);
            using HttpResponseMessage team = await remoteClient.GetAsync(remote.BaseUrl + query);
            string teamHtml = await team.Content.ReadAsStringAsync();
            Assert.Equal(System.Net.HttpStatusCode.BadRequest, mine.StatusCode);
            Assert.True(team.StatusCode == System.Net.HttpStatusCode.BadRequest, $"{query}: {team.StatusCode} {teamHtml}");
            Assert.Contains("NUL character", System.Net.WebUtility.HtmlDecode(teamHtml), StringComparison.Ordinal);
        }

        AcodeResult stopped = await remote.StopAsync();
        Assert.DoesNotContain("22021", stopped.Stdout + stopped.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_PostgreSQL_without_acode_s_schema_is_refused_before_the_server_starts()
    {
        string connectionString = await fixture.CreateDatabaseAsync();
        _b.Environment["ACODE_POSTGRES_URL"] = PostgresServer.ToUrl(connectionString);
        AcodeResult result = await _b.RunAsync("ui", "--remote", "--no-open");
        Assert.Equal(16, result.ExitCode);
        Assert.Contains("ACODE-DB-006", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("acode db migrate", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Open:", result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(fixture.Server.Password, result.Stdout + result.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_b.Root, ".agent")));
        Assert.Equal(0L, await ScalarAsync<long>(connectionString, "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()"));
    }

    public void Dispose()
    {
        _a.Dispose();
        _b.Dispose();
    }

    private static async Task ExecuteAsync(string connectionString, string sql, params object[] parameters)
    {
        await using NpgsqlDataSource dataSource = NpgsqlDataSource.Create(connectionString);
        await using NpgsqlCommand command = dataSource.CreateCommand(sql);
        foreach (object parameter in parameters)
        {
            command.Parameters.AddWithValue(parameter);
        }

        await command.ExecuteNonQueryAsync();
    }

    private static async Task<T> ScalarAsync<T>(string connectionString, string sql, params object[] parameters)
    {
        await using NpgsqlDataSource dataSource = NpgsqlDataSource.Create(connectionString);
        await using NpgsqlCommand command = dataSource.CreateCommand(sql);
        foreach (object parameter in parameters)
        {
            command.Parameters.AddWithValue(parameter);
        }

        return (T)(await command.ExecuteScalarAsync())!;
    }
}
