using Acode.Application;
using Acode.Application.Serialization;
using Acode.Domain.Entities;
using Acode.Domain.Ids;
using Acode.Cli.Tests.Support;
using Acode.Infrastructure;
using Acode.Infrastructure.Sqlite;
using Acode.Testing;
using Acode.Ui.Tests.Support;
using Microsoft.Playwright;

namespace Acode.Ui.Tests;

/// <summary>
/// The health page with PostgreSQL configured: two workspaces edit one session and both sync into a real PostgreSQL,
/// which records a conflict; the page shows each workspace's last sync and the conflict's two versions side by side,
/// their hostile titles as text.
/// </summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class UiConflictTests(PostgresFixture fixture) : IDisposable
{
    private const string TitleA = "from A <script>window.__pwned='a'</script>";
    private const string TitleB = "from B <img src=x onerror=window.__pwned='b'>";

    private readonly CliWorkspace _a = new();
    private readonly CliWorkspace _b = new();

    [Fact]
    public async Task A_conflict_shows_both_versions_side_by_side_as_text()
    {
        string url = PostgresServer.ToUrl(await fixture.CreateDatabaseAsync());
        _a.Environment["ACODE_POSTGRES_URL"] = url;
        _b.Environment["ACODE_POSTGRES_URL"] = url;
        _a.Environment["ACODE_PERSISTENCE__SYNC__WORKSPACENAME"] = "ana <b>laptop</b>";
        _b.Environment["ACODE_PERSISTENCE__SYNC__WORKSPACENAME"] = "bo-desk";
        SessionId id = await ShareSessionAsync();
        await RenameAsync(_a, id, TitleA);
        await RenameAsync(_b, id, TitleB);
        await _a.RunOkAsync("db", "sync");
        await _b.RunOkAsync("db", "sync");

        await using UiProcess ui = await UiProcess.StartAsync(_b);
        await using HeadlessBrowser browser = await HeadlessBrowser.LaunchAsync();
        IPage page = await browser.NewPageAsync();
        var events = new List<string>();
        page.Dialog += (_, dialog) =>
        {
            events.Add("dialog: " + dialog.Message);
            _ = dialog.DismissAsync();
        };
        page.PageError += (_, error) => events.Add("page error: " + error);
        page.Console += (_, message) => events.Add($"console {message.Type}: {message.Text}");
        await page.GotoAsync(ui.WithToken("/health"));
        await page.EvaluateAsync("() => new Promise(r => setTimeout(r, 200))");

        ILocator conflict = page.Locator("#conflicts .conflict");
        Assert.Equal(1, await conflict.CountAsync());
        Assert.Contains($"Session {id}", await conflict.Locator("h3").InnerTextAsync(), StringComparison.Ordinal);
        string incoming = await conflict.Locator(".version.incoming pre").InnerTextAsync();
        string existing = await conflict.Locator(".version.existing pre").InnerTextAsync();
        Assert.Contains(TitleB, incoming, StringComparison.Ordinal);
        Assert.Contains(TitleA, existing, StringComparison.Ordinal);
        Assert.Contains("kept", await conflict.Locator(".version.won h4").InnerTextAsync(), StringComparison.Ordinal);
        // Each side names its workspace as the rest of the viewer does: the name it reported, with its id.
        Assert.Matches(@"Incoming v2 \(based on v1\) from bo-desk \(ws_[0-9a-f]+\)", await conflict.Locator(".version.incoming h4").InnerTextAsync());
        Assert.Matches(@"Stored v2 from ana <b>laptop</b> \(ws_[0-9a-f]+\)", await conflict.Locator(".version.existing h4").InnerTextAsync());

        ILocator workspaces = page.Locator("#workspaces tbody tr");
        Assert.Equal(2, await workspaces.CountAsync());
        await Screenshots.SaveAsync(page, "09-health-conflict", fullPage: true);

        Assert.Null(await page.EvaluateAsync<string?>("() => window.__pwned ?? null"));
        Assert.Equal(0, await page.Locator("main img, main script").CountAsync());

        // Keyset: older than the only conflict there is nothing.
        string before = (await conflict.GetAttributeAsync("id"))!["conflict-".Length..];
        await page.GotoAsync(ui.WithToken("/health?conflicts_before=" + before));
        Assert.Equal("No more conflicts.", await page.Locator("#conflicts").InnerTextAsync());

        // B's own copy of the session names, from PostgreSQL, the workspace it was created in (A synced it first) and
        // the one whose change stands there.
        string workspaceA = (await _a.JsonAsync("db", "status")).GetProperty("workspaceId").GetString()!;
        string standing = (await _b.JsonAsync("session", "list", "--remote")).GetProperty("items")[0].GetProperty("workspace").GetString()!;
        await page.GotoAsync(ui.WithToken("/sessions/" + id.Value));
        Assert.Equal(workspaceA, await page.Locator("#created-workspace").GetAttributeAsync("data-origin"));
        Assert.Equal(standing, await page.Locator("#last-workspace").GetAttributeAsync("data-origin"));
        Assert.Null(await page.EvaluateAsync<string?>("() => window.__pwned ?? null"));
        Assert.Empty(events);
    }

    public void Dispose()
    {
        _a.Dispose();
        _b.Dispose();
    }

    private async Task<SessionId> ShareSessionAsync()
    {
        using SqliteWorkspaceDatabase a = SqliteWorkspaceDatabase.Open(new Workspace(_a.Root));
        using SqliteWorkspaceDatabase b = SqliteWorkspaceDatabase.Open(new Workspace(_b.Root));
        var storeA = new SqliteRunStateStore(a);
        var storeB = new SqliteRunStateStore(b);
        Session session = await storeA.CreateSessionAsync("shared");
        using var export = new StringWriter();
        await SessionArchive.WriteAsync(export, storeA, session);
        await foreach (SessionGraphBuilder graph in SessionArchive.ReadAsync(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(export.ToString()))))
        {
            await storeB.ImportAsync(graph.Session!, graph.Events);
        }

        return session.Id;
    }

    private static async Task RenameAsync(CliWorkspace workspace, SessionId id, string title)
    {
        using SqliteWorkspaceDatabase database = SqliteWorkspaceDatabase.Open(new Workspace(workspace.Root));
        var store = new SqliteRunStateStore(database);
        Session session = (await store.GetSessionAsync(id))!;
        session.Rename(title);
        await store.SaveAsync(session);
    }
}
