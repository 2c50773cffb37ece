using System.Net;
using System.Text.Json;
using Acode.Cli.Tests.Support;
using Acode.Domain.Entities;
using Acode.Infrastructure;
using Acode.Infrastructure.Sqlite;
using Acode.Ui.Tests.Support;

namespace Acode.Ui.Tests;

/// <summary>The search page: hits come best first, so it offers no sort that would do nothing; a snippet is cut to a readable width around its hit.</summary>
public sealed class UiSearchPageTests : IDisposable
{
    private readonly CliWorkspace _workspace = new();

    [Fact]
    [Trait("Issue", "uitrial.cosmetic")]
    public async Task The_search_page_offers_no_sort_and_keeps_the_lists_sort_for_later()
    {
        await _workspace.RunOkAsync("demo");
        await using UiProcess ui = await UiProcess.StartAsync(_workspace);
        using UiHttp http = await UiHttp.ConnectAsync(ui);

        UiAnswer hits = await http.GetAsync("/?q=test&sort=created-asc");
        UiAnswer list = await http.GetAsync("/?sort=created-asc");

        Assert.True(hits.Status == HttpStatusCode.OK, hits.ToString());
        Assert.Contains("id=\"hits\"", hits.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("<select name=\"sort\"", hits.Body, StringComparison.Ordinal);
        Assert.Contains("Order: best match first", hits.Text, StringComparison.Ordinal);
        Assert.Contains("<input type=\"hidden\" name=\"sort\" value=\"created-asc\">", hits.Body, StringComparison.Ordinal);
        Assert.Contains("<option value=\"created-asc\" selected>", list.Body, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Issue", "uitrial.cosmetic")]
    public async Task A_hit_in_a_one_word_result_of_200_000_characters_gets_a_snippet_cut_around_it()
    {
        string word = "zqhit" + new string('x', 200_000);
        using (SqliteWorkspaceDatabase database = SqliteWorkspaceDatabase.Open(new Workspace(_workspace.Root)))
        {
            var store = new SqliteRunStateStore(database);
            Session session = await store.CreateSessionAsync("Long word");
            Step step = session.AddTask("Task").AddStep("Step");
            step.Start();
            ToolCall call = step.AddToolCall("read_file", "{}");
            call.Start();
            call.Succeed(word);
            await store.SaveAsync(session);
        }

        await using UiProcess ui = await UiProcess.StartAsync(_workspace);
        using UiHttp http = await UiHttp.ConnectAsync(ui);
        UiAnswer hits = await http.GetAsync("/?q=zqhit*");
        JsonElement json = await _workspace.JsonAsync("session", "search", "zqhit*");

        Assert.True(hits.Status == HttpStatusCode.OK, hits.ToString());
        Assert.True(hits.Body.Length < 20_000, $"the search page is {hits.Body.Length} characters");
        Assert.Contains("<mark>zqhit", hits.Body, StringComparison.Ordinal);
        JsonElement hit = Assert.Single(json.GetProperty("items").EnumerateArray());
        string snippet = hit.GetProperty("snippet").GetString()!;
        Assert.InRange(snippet.Length, 10, 402); // SearchSnippet.MaxLength (400) and a … at the end
        Assert.StartsWith("zqhit", snippet, StringComparison.Ordinal);
        Assert.EndsWith("…", snippet, StringComparison.Ordinal);
        JsonElement highlight = Assert.Single(hit.GetProperty("highlights").EnumerateArray().ToList());
        Assert.Equal(0, highlight[0].GetInt32());
        Assert.True(highlight[1].GetInt32() <= snippet.Length - 1, snippet);
    }

    public void Dispose() => _workspace.Dispose();
}
