using System.Net;
using System.Text.RegularExpressions;
using Acode.Cli.Tests.Support;
using Acode.Testing;
using Acode.Ui.Tests.Support;

namespace Acode.Ui.Tests;

/// <summary>
/// A local session PostgreSQL holds no copy of: the session page's Workspaces part says why by this workspace's outbox.
/// Changes waiting: "'acode db sync' sends it"; a change PostgreSQL refused: the dead letter and how to requeue it; nothing
/// waiting: delivered, then removed there outside acode (trial AR 2: a row deleted by hand was "not in PostgreSQL yet:
/// 'acode db sync' sends it", and the sync sent nothing).
/// </summary>
[Collection(PostgresFixture.CollectionName)]
public sealed partial class UiNotInPostgresTests(PostgresFixture fixture) : IDisposable
{
    private readonly CliWorkspace _workspace = new();

    [Fact]
    public async Task The_page_of_a_session_PostgreSQL_lacks_says_whether_a_sync_sends_it()
    {
        string connectionString = await fixture.CreateDatabaseAsync();
        _workspace.Environment["ACODE_POSTGRES_URL"] = PostgresServer.ToUrl(connectionString);
        await _workspace.RunOkAsync("demo");
        await _workspace.RunOkAsync("db", "sync");
        string removed = Assert.Single(await _workspace.SessionIdsAsync());
        await PostgresSql.ExecuteAsync(connectionString, $"DELETE FROM sessions WHERE id = '{removed}';");

        // From here PostgreSQL refuses every new session row (the rows there stay valid): the next one is not there.
        await PostgresSql.ExecuteAsync(connectionString, "ALTER TABLE sessions ADD CONSTRAINT acode_test_rejects CHECK (false) NOT VALID;");
        await _workspace.RunOkAsync("demo");
        string refused = Assert.Single((await _workspace.SessionIdsAsync()).Except([removed]));
        _workspace.Environment["ACODE_PERSISTENCE__SYNC__MAXATTEMPTS"] = "1";
        Assert.Equal(1, (await _workspace.RunAsync("db", "sync")).ExitCode);

        await _workspace.RunOkAsync("demo");
        string waiting = Assert.Single((await _workspace.SessionIdsAsync()).Except([removed, refused]));

        await using UiProcess ui = await UiProcess.StartAsync(_workspace);
        using UiHttp http = await UiHttp.ConnectAsync(ui);

        string removedText = await WorkspacesPartAsync(http, removed);
        Assert.Contains("Not in PostgreSQL, although this workspace delivered every change of it: it was removed there outside acode", removedText, StringComparison.Ordinal);
        Assert.Contains($"'acode session export {removed}' writes it to a file; 'acode db sync' does not send it again.", removedText, StringComparison.Ordinal);
        Assert.DoesNotContain("sends it", removedText, StringComparison.Ordinal);

        string refusedText = await WorkspacesPartAsync(http, refused);
        Assert.Contains("Not in PostgreSQL yet. It holds a change PostgreSQL refused (dead letters), which 'acode db sync' does not send:", refusedText, StringComparison.Ordinal);
        Assert.Contains("'acode db sync retry --all' requeues them", refusedText, StringComparison.Ordinal);

        Assert.Contains("Not in PostgreSQL yet: 'acode db sync' sends it.", await WorkspacesPartAsync(http, waiting), StringComparison.Ordinal);
    }

    public void Dispose() => _workspace.Dispose();

    private static async Task<string> WorkspacesPartAsync(UiHttp http, string sessionId)
    {
        UiAnswer page = await http.GetAsync("/sessions/" + sessionId);
        Assert.True(page.Status == HttpStatusCode.OK, page.ToString());
        Match part = WorkspacesPart().Match(page.Body);
        Assert.True(part.Success, page.Body);
        return WebUtility.HtmlDecode(part.Value);
    }

    [GeneratedRegex("<section id=\"session-workspaces\".*?</section>", RegexOptions.Singleline)]
    private static partial Regex WorkspacesPart();
}
