using System.Net;
using Acode.Application;
using Acode.Application.Serialization;
using Acode.Cli.Tests.Support;
using Acode.Domain.Entities;
using Acode.Domain.Ids;
using Acode.Infrastructure;
using Acode.Infrastructure.Sqlite;
using Acode.Testing;
using Acode.Ui.Tests.Support;

namespace Acode.Ui.Tests;

/// <summary>
/// A conflict's payloads on the health page show emoji and accented letters as the characters, as the event log does,
/// not as the JSON escapes PostgreSQL's documents hold them in (<c>\uD83D\uDE80</c>); still HTML-escaped.
/// </summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class UiConflictPayloadTextTests(PostgresFixture fixture) : IDisposable
{
    private const string TitleA = "from A \U0001F680 café <b>bold</b>";
    private const string TitleB = "from B \U0001F4A5 naïve";

    private readonly CliWorkspace _a = new();
    private readonly CliWorkspace _b = new();

    [Fact]
    [Trait("Issue", "msgfix13.3c")]
    public async Task The_health_page_shows_a_conflicts_payload_characters_not_their_escapes()
    {
        string url = PostgresServer.ToUrl(await fixture.CreateDatabaseAsync());
        _a.Environment["ACODE_POSTGRES_URL"] = url;
        _b.Environment["ACODE_POSTGRES_URL"] = url;
        SessionId id = await ShareSessionAsync();
        await RenameAsync(_a, id, TitleA);
        await RenameAsync(_b, id, TitleB);
        await _a.RunOkAsync("db", "sync");
        await _b.RunOkAsync("db", "sync");

        await using UiProcess ui = await UiProcess.StartAsync(_b);
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false });
        using HttpResponseMessage first = await client.GetAsync(ui.WithToken("/"));
        string cookie = Assert.Single(first.Headers.GetValues("Set-Cookie")).Split(';')[0];
        using var request = new HttpRequestMessage(HttpMethod.Get, ui.BaseUrl + "/health");
        request.Headers.Add("Cookie", cookie);
        using HttpResponseMessage page = await client.SendAsync(request);

        string html = await page.Content.ReadAsStringAsync();
        Assert.True(page.StatusCode == HttpStatusCode.OK, $"{page.StatusCode}: {html}");
        string text = WebUtility.HtmlDecode(html);
        Assert.Contains(TitleA, text, StringComparison.Ordinal);
        Assert.Contains(TitleB, text, StringComparison.Ordinal);
        Assert.DoesNotContain("\\uD83D", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<b>bold</b>", html, StringComparison.Ordinal); // still HTML-escaped
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
