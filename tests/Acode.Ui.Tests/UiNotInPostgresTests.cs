using System.Net;
using System.Text.RegularExpressions;
using Acode.Cli.Tests.Support;
using Acode.Testing;
using Acode.Ui.Tests.Support;

namespace Acode.Ui.Tests;

/// <summary>
/// A local session PostgreSQL holds no copy of: the session page's Workspaces part says why by what this workspace's
/// outbox holds of the session row itself. A change of it waiting: "'acode db sync' sends it"; refused: the dead letter and
/// how to requeue it; none: PostgreSQL had it and no longer does (trial AR 2: a row deleted by hand was "not in PostgreSQL
/// yet: 'acode db sync' sends it", and the sync sent nothing), even when a change of one of its tasks waits (trial AY F1),
/// with <c>retry --processed</c> named where this workspace retains the session's delivered record (AY F2) and not for a
/// session it pulled (AY F3).
/// </summary>
[Collection(PostgresFixture.CollectionName)]
public sealed partial class UiNotInPostgresTests(PostgresFixture fixture) : IDisposable
{
    private const string Gone = "Not in PostgreSQL, and no change of the session itself waits in this workspace's outbox";

    private readonly CliWorkspace _workspace = new();
    private readonly CliWorkspace _puller = new();

    [Fact]
    public async Task The_page_of_a_session_PostgreSQL_lacks_says_whether_a_sync_sends_it()
    {
        string connectionString = await fixture.CreateDatabaseAsync();
        _workspace.Environment["ACODE_POSTGRES_URL"] = PostgresServer.ToUrl(connectionString);
        _puller.Environment["ACODE_POSTGRES_URL"] = PostgresServer.ToUrl(connectionString);
        await _workspace.RunOkAsync("demo", "--sessions", "3");
        await _workspace.RunOkAsync("db", "sync");
        IReadOnlyList<string> delivered = await _workspace.SessionIdsAsync();
        (string removed, string partChanged, string pulled) = (delivered[0], delivered[1], delivered[2]);
        await _puller.RunOkAsync("session", "pull", pulled);
        await PostgresSql.ExecuteAsync(connectionString, $"DELETE FROM sessions WHERE id IN ('{removed}', '{partChanged}', '{pulled}');");

        // From here PostgreSQL refuses every new session row (the rows there stay valid): the next one is not there.
        await PostgresSql.ExecuteAsync(connectionString, "ALTER TABLE sessions ADD CONSTRAINT acode_test_rejects CHECK (false) NOT VALID;");
        await _workspace.RunOkAsync("demo");
        string refused = Assert.Single((await _workspace.SessionIdsAsync()).Except(delivered));
        _workspace.Environment["ACODE_PERSISTENCE__SYNC__MAXATTEMPTS"] = "1";
        Assert.Equal(1, (await _workspace.RunAsync("db", "sync")).ExitCode);

        await SessionEdit.RetitleAsync(_workspace, partChanged, "A task edited after the session was deleted in PostgreSQL", DateTimeOffset.UtcNow, entity: "SessionTask");
        await _workspace.RunOkAsync("demo");
        string waiting = Assert.Single((await _workspace.SessionIdsAsync()).Except([.. delivered, refused]));

        await using (UiProcess ui = await UiProcess.StartAsync(_workspace))
        {
            using UiHttp http = await UiHttp.ConnectAsync(ui);

            string removedText = await WorkspacesPartAsync(http, removed);
            Assert.Contains(Gone + ": PostgreSQL had it and no longer does (a row deleted by hand, a database restored from an older backup", removedText, StringComparison.Ordinal);
            Assert.Contains("'acode db sync retry --processed' sends again what this workspace retains of it", removedText, StringComparison.Ordinal);
            Assert.Contains($"'acode session export {removed}' writes this workspace's copy to a file.", removedText, StringComparison.Ordinal);
            Assert.DoesNotContain("sync' sends it", removedText, StringComparison.Ordinal);

            // The task's change waits and is delivered by the next sync, but the session row is not among it (trial AY F1).
            string partText = await WorkspacesPartAsync(http, partChanged);
            Assert.Contains(Gone + " (changes of its parts do, and the sync sends them, but they do not bring the session back)", partText, StringComparison.Ordinal);
            Assert.DoesNotContain("sync' sends it", partText, StringComparison.Ordinal);

            string refusedText = await WorkspacesPartAsync(http, refused);
            Assert.Contains("Not in PostgreSQL yet. It holds a change PostgreSQL refused (dead letters), which 'acode db sync' does not send:", refusedText, StringComparison.Ordinal);
            Assert.Contains("'acode db sync retry --all' requeues them", refusedText, StringComparison.Ordinal);

            Assert.Contains("Not in PostgreSQL yet: 'acode db sync' sends it.", await WorkspacesPartAsync(http, waiting), StringComparison.Ordinal);
        }

        // A pulled session was never delivered from here: no retry sends it (trial AY F3).
        await using (UiProcess ui = await UiProcess.StartAsync(_puller))
        {
            using UiHttp http = await UiHttp.ConnectAsync(ui);
            string pulledText = await WorkspacesPartAsync(http, pulled);
            Assert.Contains(Gone + ": PostgreSQL had it and no longer does", pulledText, StringComparison.Ordinal);
            Assert.Contains("This workspace retains no delivered record of it (it pulled the session, or the outbox's retention removed them), so no sync sends it again.", pulledText, StringComparison.Ordinal);
            Assert.DoesNotContain("retry --processed", pulledText, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_workspace_that_never_synced_pointed_at_a_new_database_is_told_the_sync_sends_it()
    {
        // Trial AY F4: the page said a table of acode's schema was dropped by hand, and to restore the database from a backup.
        _workspace.Environment["ACODE_POSTGRES_URL"] = PostgresServer.ToUrl(await fixture.CreateDatabaseAsync());
        await _workspace.RunOkAsync("demo");
        string id = Assert.Single(await _workspace.SessionIdsAsync());

        await using UiProcess ui = await UiProcess.StartAsync(_workspace);
        using UiHttp http = await UiHttp.ConnectAsync(ui);
        string text = await WorkspacesPartAsync(http, id);

        Assert.Contains("Not in PostgreSQL yet: 'acode db sync' sends it.", text, StringComparison.Ordinal);
        Assert.DoesNotContain("ACODE-DB", text, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _workspace.Dispose();
        _puller.Dispose();
    }

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
