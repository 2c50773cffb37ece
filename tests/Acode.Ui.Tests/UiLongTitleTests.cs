using System.Net;
using Acode.Cli.Tests.Support;
using Acode.Domain.Entities;
using Acode.Infrastructure;
using Acode.Infrastructure.Sqlite;
using Acode.Ui.Tests.Support;

namespace Acode.Ui.Tests;

/// <summary>
/// A title is stored whole, whatever its length (<c>session import</c> takes any), so the viewer shortens it: to 60
/// characters and "…" in the sessions list, links and the browser tab (as <c>session list</c> does), to 2,000 in the
/// heading of its own page, with its full length said. A 1 MB title made the list page 1 MB and the session page 2 MB.
/// </summary>
public sealed class UiLongTitleTests : IDisposable
{
    private const int Length = 1_000_000;
    private readonly CliWorkspace _workspace = new();

    [Fact]
    [Trait("Issue", "hostile.D6")]
    public async Task A_long_title_is_shortened_in_the_list_the_tab_and_the_heading()
    {
        string title = "T" + new string('x', Length - 1);
        string sessionId;
        using (SqliteWorkspaceDatabase database = SqliteWorkspaceDatabase.Open(new Workspace(_workspace.Root)))
        {
            var store = new SqliteRunStateStore(database);
            Session session = await store.CreateSessionAsync(title);
            session.AppendEvent("note");
            await store.SaveAsync(session);
            sessionId = session.Id.Value;
        }

        await using UiProcess ui = await UiProcess.StartAsync(_workspace);
        using UiHttp http = await UiHttp.ConnectAsync(ui);

        string shortTitle = title[..60] + "…";
        UiAnswer list = await http.GetAsync("/");
        Assert.True(list.Status == HttpStatusCode.OK, list.ToString());
        Assert.True(list.Body.Length < 100_000, $"the list page is {list.Body.Length:N0} characters");
        Assert.Contains(">" + shortTitle + "</a>", list.Text, StringComparison.Ordinal);

        UiAnswer page = await http.GetAsync("/sessions/" + sessionId);
        Assert.True(page.Status == HttpStatusCode.OK, page.ToString());
        Assert.True(page.Body.Length < 100_000, $"the session page is {page.Body.Length:N0} characters");
        Assert.Equal(shortTitle + " · acode", WebUtility.HtmlDecode(page.Title));
        Assert.Contains("<h1 id=\"session-title\">" + title[..2000] + "…</h1>", page.Text, StringComparison.Ordinal);
        Assert.Contains($"The title is {Length:N0} characters long; the first 2,000 are shown. 'acode session export {sessionId}' gives it whole.", page.Text, StringComparison.Ordinal);

        UiAnswer events = await http.GetAsync($"/sessions/{sessionId}/events");
        Assert.Contains("<h1>Events of <a href=\"/sessions/" + sessionId + "\">" + shortTitle + "</a></h1>", events.Text, StringComparison.Ordinal);
        Assert.Equal("Events of " + shortTitle + " · acode", WebUtility.HtmlDecode(events.Title));
    }

    public void Dispose() => _workspace.Dispose();
}
