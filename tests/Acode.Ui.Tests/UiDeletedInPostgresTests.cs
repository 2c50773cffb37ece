using System.Net;
using System.Text.RegularExpressions;
using Acode.Cli.Tests.Support;
using Acode.Testing;
using Acode.Ui.Tests.Support;

namespace Acode.Ui.Tests;

/// <summary>
/// A session this workspace holds that another workspace deleted in PostgreSQL (session delete + sync): the local
/// session page's Workspaces part says it was deleted there, when and by whom, not "Not in PostgreSQL yet".
/// </summary>
[Collection(PostgresFixture.CollectionName)]
public sealed partial class UiDeletedInPostgresTests(PostgresFixture fixture) : IDisposable
{
    private readonly CliWorkspace _a = new();
    private readonly CliWorkspace _b = new();

    [Fact]
    public async Task The_local_page_of_a_session_deleted_in_PostgreSQL_says_deleted_there_when_and_by_which_workspace()
    {
        string url = PostgresServer.ToUrl(await fixture.CreateDatabaseAsync());
        _a.Environment["ACODE_POSTGRES_URL"] = url;
        _b.Environment["ACODE_POSTGRES_URL"] = url;
        await _a.RunOkAsync("demo");
        await _a.RunOkAsync("db", "sync");
        string id = Assert.Single(await _a.SessionIdsAsync());
        await _b.RunOkAsync("session", "pull", id);
        await _a.RunOkAsync("session", "delete", id, "--yes");
        await _a.RunOkAsync("db", "sync");

        await using UiProcess ui = await UiProcess.StartAsync(_b);
        using var client = new HttpClient();
        string html = await client.GetStringAsync(ui.WithToken("/sessions/" + id));
        string text = WebUtility.HtmlDecode(Tags().Replace(html, " "));

        Assert.Contains("id=\"deleted-in-postgres\"", html, StringComparison.Ordinal);
        Assert.Matches(@"Deleted in PostgreSQL on \d{4}-\d\d-\d\d", text);
        Assert.Contains("loses to the deletion when synced", text, StringComparison.Ordinal);
        Assert.Contains($"'acode session delete {id} --local'", text, StringComparison.Ordinal); // trial AJ 3: it named no session
        Assert.DoesNotContain("Not in PostgreSQL yet", text, StringComparison.Ordinal);
        Assert.Contains("id=\"deleting-workspace\"", html, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _a.Dispose();
        _b.Dispose();
    }

    [GeneratedRegex("<[^>]+>")]
    private static partial Regex Tags();
}
