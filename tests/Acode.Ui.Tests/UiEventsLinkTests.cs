using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Acode.Cli.Tests.Support;
using Acode.Domain.Entities;
using Acode.Infrastructure;
using Acode.Infrastructure.Sqlite;
using Acode.Ui.Tests.Support;

namespace Acode.Ui.Tests;

/// <summary>The session page's "All N events" link leads to the first events page, and the events page says which of them it shows.</summary>
public sealed partial class UiEventsLinkTests : IDisposable
{
    private readonly CliWorkspace _workspace = new();

    [Fact]
    [Trait("Issue", "uitrial.7")]
    public async Task All_events_links_to_the_events_page_from_the_first_event()
    {
        string id;
        using (SqliteWorkspaceDatabase database = SqliteWorkspaceDatabase.Open(new Workspace(_workspace.Root)))
        {
            var store = new SqliteRunStateStore(database);
            Session session = await store.CreateSessionAsync("Many events");
            for (int i = 1; i <= 250; i++)
            {
                session.AppendEvent("note", string.Create(CultureInfo.InvariantCulture, $$"""{"n":{{i}}}"""));
            }

            await store.SaveAsync(session);
            id = session.Id.Value;
        }

        await using UiProcess ui = await UiProcess.StartAsync(_workspace);
        using UiHttp http = await UiHttp.ConnectAsync(ui);

        UiAnswer page = await http.GetAsync("/sessions/" + id);
        Match link = MoreLink().Match(page.Body);
        Assert.True(link.Success, page.ToString());
        // The session's own first event (its creation) and the 250 notes.
        Assert.Equal("All 251 events →", link.Groups["label"].Value);
        string href = WebUtility.HtmlDecode(link.Groups["href"].Value);
        Assert.Equal($"/sessions/{id}/events", href);

        UiAnswer events = await http.GetAsync(href);
        Assert.True(events.Status == HttpStatusCode.OK, events.ToString());
        Assert.Equal("1", FirstEventNumber().Match(events.Body).Groups[1].Value);
        Assert.Contains("All 251 events: #1 to #251.", events.Text, StringComparison.Ordinal);

        // A later page (as the events page's own "Next events" link makes) says where it starts and links back to the first.
        UiAnswer later = await http.GetAsync($"/sessions/{id}/events?after=100");
        Assert.Equal("101", FirstEventNumber().Match(later.Body).Groups[1].Value);
        Assert.Contains("151 of 251 events, after #100: #101 to #251.", later.Text, StringComparison.Ordinal);
        Assert.Contains($"href=\"/sessions/{id}/events\"", later.Body, StringComparison.Ordinal);
    }

    public void Dispose() => _workspace.Dispose();

    [GeneratedRegex("""<p class="more"><a href="(?<href>[^"]*)" class="next">(?<label>[^<]*)</a>""")]
    private static partial Regex MoreLink();

    [GeneratedRegex("""<table class="events">.*?<tbody><tr><td class="num">(\d+)</td>""", RegexOptions.Singleline)]
    private static partial Regex FirstEventNumber();
}
