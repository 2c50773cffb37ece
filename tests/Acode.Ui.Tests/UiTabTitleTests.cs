using System.Net;
using System.Text;
using Acode.Cli.Tests.Support;
using Acode.Domain.Entities;
using Acode.Infrastructure;
using Acode.Infrastructure.Sqlite;
using Acode.Ui.Tests.Support;

namespace Acode.Ui.Tests;

/// <summary>
/// A browser shows the content of &lt;title&gt; as it is (it is text only), so a title with bidi or control characters
/// must carry them there as plain <c>\u202E</c> text, never as the markup the page body uses to show them.
/// </summary>
public sealed class UiTabTitleTests : IDisposable
{
    private const string Title = "Fix \u202eevil\u202c now";
    private const string Shown = "Fix \\u202Eevil\\u202C now";

    private readonly CliWorkspace _workspace = new();

    [Fact]
    [Trait("Issue", "uitrial.4")]
    public async Task Every_page_title_shows_bidi_and_control_characters_as_plain_escaped_text()
    {
        string sessionId;
        string artifactId;
        using (SqliteWorkspaceDatabase database = SqliteWorkspaceDatabase.Open(new Workspace(_workspace.Root)))
        {
            var store = new SqliteRunStateStore(database);
            Session session = await store.CreateSessionAsync(Title);
            artifactId = session.AddArtifact(Title + " \u001b[31m.log", ArtifactKind.Log, "text/plain", Encoding.UTF8.GetBytes("log")).Id.Value;
            session.AppendEvent("note");
            await store.SaveAsync(session);
            sessionId = session.Id.Value;
        }

        await using UiProcess ui = await UiProcess.StartAsync(_workspace);
        using UiHttp http = await UiHttp.ConnectAsync(ui);

        UiAnswer page = await http.GetAsync("/sessions/" + sessionId);
        Assert.True(page.Status == HttpStatusCode.OK, page.ToString());
        Assert.Equal(Shown + " · acode", Decoded(page));
        Assert.Equal("Events of " + Shown + " · acode", Decoded(await http.GetAsync($"/sessions/{sessionId}/events")));
        Assert.Equal(Shown + " \\u001B[31m.log · acode", Decoded(await http.GetAsync($"/sessions/{sessionId}/artifacts/{artifactId}")));

        // Every other page and answer: text only, nothing hidden, whatever the request carried.
        foreach (string path in new[] { "/", "/health", "/?q=" + Uri.EscapeDataString(Title), "/?since=" + Uri.EscapeDataString(Title), "/sessions/" + Uri.EscapeDataString(Title) })
        {
            UiAnswer answer = await http.GetAsync(path);
            Assert.DoesNotContain("<", answer.Title, StringComparison.Ordinal);
            Assert.DoesNotContain("\u202e", answer.Title, StringComparison.Ordinal);
        }
    }

    [Fact]
    [Trait("Issue", "trial27.4")]
    public async Task Joiners_in_emoji_and_Persian_words_show_as_themselves_while_bidi_controls_stay_escaped()
    {
        // A family emoji joined by U+200D, a Persian word with U+200C, then a bidi override.
        const string title = "\U0001F468\u200D\U0001F469\u200D\U0001F467 \u0645\u06CC\u200C\u062E\u0648\u0627\u0647\u0645 \u202Eevil";
        const string shown = "\U0001F468\u200D\U0001F469\u200D\U0001F467 \u0645\u06CC\u200C\u062E\u0648\u0627\u0647\u0645 \\u202Eevil";
        string sessionId;
        using (SqliteWorkspaceDatabase database = SqliteWorkspaceDatabase.Open(new Workspace(_workspace.Root)))
        {
            sessionId = (await new SqliteRunStateStore(database).CreateSessionAsync(title)).Id.Value;
        }

        AcodeResult list = await _workspace.RunOkAsync("session", "list");
        Assert.Contains("\\u202E", list.Stdout, StringComparison.Ordinal); // the table may wrap the title: only what is escaped is checked
        Assert.DoesNotContain("\\u200", list.Stdout, StringComparison.Ordinal);
        AcodeResult show = await _workspace.RunOkAsync("session", "show", sessionId);
        Assert.Contains(shown, show.Stdout, StringComparison.Ordinal);

        await using UiProcess ui = await UiProcess.StartAsync(_workspace);
        using UiHttp http = await UiHttp.ConnectAsync(ui);
        UiAnswer page = await http.GetAsync("/sessions/" + sessionId);
        Assert.Equal(shown + " · acode", Decoded(page));
        Assert.Contains("\U0001F468\u200D\U0001F469\u200D\U0001F467", WebUtility.HtmlDecode(page.Body), StringComparison.Ordinal);
        Assert.DoesNotContain("\\u200D", WebUtility.HtmlDecode(page.Body), StringComparison.Ordinal);
        Assert.DoesNotContain("\\u200C", WebUtility.HtmlDecode(page.Body), StringComparison.Ordinal);
    }

    public void Dispose() => _workspace.Dispose();

    /// <summary>The title as the tab shows it: markup would stay literal there, so none may be in it.</summary>
    private static string Decoded(UiAnswer answer)
    {
        Assert.DoesNotContain("<", answer.Title, StringComparison.Ordinal);
        return WebUtility.HtmlDecode(answer.Title);
    }
}
