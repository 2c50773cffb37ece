using System.Net;
using System.Text.RegularExpressions;
using Acode.Cli.Tests.Support;
using Acode.Domain.Entities;
using Acode.Domain.Ids;
using Acode.Infrastructure;
using Acode.Infrastructure.Sqlite;
using Acode.Testing;
using Acode.Ui.Tests.Support;

namespace Acode.Ui.Tests;

/// <summary>
/// The Health page's PostgreSQL facts: with PostgreSQL down, <c>acode ui --remote</c> says ACODE-DB-006 and its Try line
/// as the CLI does, and presents no stale schema as current; a conflict whose side is a session's deletion is labelled
/// as one, and the deleted session is named without a link to a page that does not exist.
/// </summary>
[Collection(PostgresFixture.CollectionName)]
public sealed partial class UiRemoteHealthTests(PostgresFixture fixture) : IDisposable
{
    private readonly CliWorkspace _a = new();
    private readonly CliWorkspace _b = new();

    [Fact]
    public async Task With_PostgreSQL_down_the_remote_health_page_gives_the_code_and_advice_and_no_stale_schema()
    {
        string url = PostgresServer.ToUrl(await fixture.CreateDatabaseAsync());
        _a.Environment["ACODE_POSTGRES_URL"] = url;
        _b.Environment["ACODE_POSTGRES_URL"] = url;
        await _a.RunOkAsync("demo");
        await _a.RunOkAsync("db", "sync");
        await using UiProcess ui = await UiProcess.StartAsync(_b, "--remote");
        using var client = new HttpClient();
        string up = Text(await client.GetStringAsync(ui.WithToken("/health")));
        Assert.Matches(@"Reachable\s+yes", up);
        Assert.Matches(@"Schema\s+\d+\.\d+\.\d+ \(latest", up);

        string down;
        await fixture.Server.StopAsync();
        try
        {
            down = Text(await client.GetStringAsync(ui.WithToken("/health")));
        }
        finally
        {
            await fixture.Server.StartAsync();
        }

        Assert.Contains("ACODE-DB-006: PostgreSQL at ", down, StringComparison.Ordinal);
        Assert.DoesNotContain("PostgresUnavailable", down, StringComparison.Ordinal);
        Assert.Contains("Try: Nothing was read or changed. Try again once PostgreSQL answers; check that the server is running", down, StringComparison.Ordinal);
        Assert.DoesNotContain("sync resumes by itself", down, StringComparison.Ordinal); // the team's viewer has no outbox: nothing waits, nothing resumes
        Assert.Matches(@"Reachable\s+no: ACODE-DB-006", down);
        Assert.Matches(@"Schema\s+not known now \(PostgreSQL cannot be read\); it was \d+\.\d+\.\d+", down);
    }

    [Fact]
    public async Task A_conflict_with_a_deletion_is_labelled_and_the_deleted_session_is_not_linked()
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
        await RenameAsync(_b, id, "renamed in B after A deleted it");
        await _b.RunOkAsync("db", "sync");

        await using UiProcess ui = await UiProcess.StartAsync(_b, "--remote");
        using var client = new HttpClient();
        string html = await client.GetStringAsync(ui.WithToken("/health"));
        string text = Text(html);

        Assert.Contains("(session deleted in PostgreSQL)", text, StringComparison.Ordinal);
        Assert.DoesNotContain("href=\"/sessions/" + id, html, StringComparison.Ordinal);
        Assert.Matches($@"Stored: session {id} deleted \(tombstone v\d+ from .+? \(ws_[0-9a-f]+\)\)\s+kept", text); // the default name, host/folder, with the id
        Assert.Contains("A deletion: the session and everything in it are gone", text, StringComparison.Ordinal);
        Assert.Contains("Incoming v", text, StringComparison.Ordinal); // B's rename is an ordinary change
    }

    public void Dispose()
    {
        _a.Dispose();
        _b.Dispose();
    }

    private static string Text(string html) => WebUtility.HtmlDecode(Tags().Replace(html, " "));

    private static async Task RenameAsync(CliWorkspace workspace, string id, string title)
    {
        using SqliteWorkspaceDatabase database = SqliteWorkspaceDatabase.Open(new Workspace(workspace.Root));
        var store = new SqliteRunStateStore(database);
        Session session = (await store.GetSessionAsync(SessionId.Parse(id)))!;
        session.Rename(title);
        await store.SaveAsync(session);
    }

    [GeneratedRegex("<[^>]+>")]
    private static partial Regex Tags();
}
