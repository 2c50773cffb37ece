using System.Net;
using System.Net.Sockets;
using Acode.Cli.Tests.Support;
using Acode.Ui.Tests.Support;

namespace Acode.Ui.Tests;

/// <summary>The health page: the outbox backlog and its age, and the sync's state with the target redacted.</summary>
public sealed class UiHealthTests : IDisposable
{
    private readonly CliWorkspace _workspace = new();

    [Fact]
    public async Task With_PostgreSQL_configured_but_down_it_shows_the_backlog_its_age_and_why_without_the_password()
    {
        await _workspace.RunOkAsync("demo");
        _workspace.Environment["ACODE_POSTGRES_URL"] = $"postgresql://acode:s3cret-pw@127.0.0.1:{FreePort()}/acode";
        await using UiProcess ui = await UiProcess.StartAsync(_workspace);
        using var client = new HttpClient();
        string html = await client.GetStringAsync(ui.WithToken("/health"));
        string text = WebUtility.HtmlDecode(System.Text.RegularExpressions.Regex.Replace(html, "<[^>]+>", " "));
        Assert.Matches(@"Pending\s+[1-9][0-9,]*", text);
        Assert.Matches(@"Oldest pending\s+[0-9.]+ (ms|s|min) old", text);
        Assert.Matches(@"Reachable\s+no: ", text);
        Assert.Contains("127.0.0.1", text, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret-pw", html, StringComparison.Ordinal);
        Assert.Matches(@"Last successful sync\s+never", text);
        Assert.Contains("No dead letters.", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_session_page_that_cannot_be_read_is_named_on_the_health_page_with_its_error()
    {
        await _workspace.RunOkAsync("demo");
        string id = Assert.Single(await _workspace.SessionIdsAsync());
        await using UiProcess ui = await UiProcess.StartAsync(_workspace);
        using var client = new HttpClient();
        Assert.DoesNotContain("serving-errors", await client.GetStringAsync(ui.WithToken("/health")), StringComparison.Ordinal);

        // A row holding a value acode never writes (edited by hand, or damaged): its page is a 503 with ACODE-DB-002,
        // while Health's own facts (outbox, sync) are still read without a fault.
        using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={_workspace.DatabasePath};Pooling=False"))
        {
            connection.Open();
            using Microsoft.Data.Sqlite.SqliteCommand command = connection.CreateCommand();
            command.CommandText = "PRAGMA ignore_check_constraints = ON; UPDATE sessions SET state = 'Bogus';";
            command.ExecuteNonQuery();
        }

        HttpResponseMessage failed = await client.GetAsync(ui.BaseUrl + $"/sessions/{id}");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.StatusCode);
        HttpResponseMessage health = await client.GetAsync(ui.BaseUrl + "/health");
        string html = await health.Content.ReadAsStringAsync();
        string text = WebUtility.HtmlDecode(System.Text.RegularExpressions.Regex.Replace(html, "<[^>]+>", " "));

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Contains("Errors while serving", text, StringComparison.Ordinal);
        Assert.Matches($@"1 answer\(s\) of this viewer could not be read from the store since it started\. The last, at .+ \(UTC\), for /sessions/{id}: ACODE-DB-002: ", text);
        Assert.DoesNotContain("token=", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dead_letters_are_listed_with_their_last_error_as_text()
    {
        await _workspace.RunOkAsync("demo");
        using (var database = Acode.Infrastructure.Sqlite.SqliteWorkspaceDatabase.Open(new Acode.Infrastructure.Workspace(_workspace.Root)))
        {
            var outbox = new Acode.Infrastructure.Sqlite.SqliteOutbox(database);
            IReadOnlyList<Acode.Application.Outbox.OutboxRecord> claimed = await outbox.ClaimAsync("ui-test", 2, TimeSpan.FromMinutes(1));
            Assert.Equal(2, claimed.Count);
            foreach (Acode.Application.Outbox.OutboxRecord record in claimed)
            {
                await outbox.RecordFailureAsync("ui-test", record.Id, $"23514: check constraint violated <script>alert({record.Id})</script>", DateTimeOffset.UtcNow, deadLetter: true);
            }
        }

        await using UiProcess ui = await UiProcess.StartAsync(_workspace);
        using var client = new HttpClient();
        string html = await client.GetStringAsync(ui.WithToken("/health"));
        Assert.DoesNotContain("<script>alert", html, StringComparison.Ordinal);
        string text = WebUtility.HtmlDecode(System.Text.RegularExpressions.Regex.Replace(html, "<[^>]+>", " "));
        Assert.Matches(@"Dead letters\s+2", text);
        Assert.Equal(2, System.Text.RegularExpressions.Regex.Count(text, @"23514: check constraint violated <script>alert\(\d+\)</script>"));
        Assert.Contains("acode db sync retry --all", text, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Issue", "trial16.D2")]
    public async Task A_backlog_leased_by_another_sync_says_how_many_and_until_when()
    {
        await _workspace.RunOkAsync("demo");
        DateTimeOffset until;
        using (var database = Acode.Infrastructure.Sqlite.SqliteWorkspaceDatabase.Open(new Acode.Infrastructure.Workspace(_workspace.Root)))
        {
            // As a sync killed while holding them leaves them: leased for an hour by an owner that is gone.
            var outbox = new Acode.Infrastructure.Sqlite.SqliteOutbox(database);
            IReadOnlyList<Acode.Application.Outbox.OutboxRecord> claimed = await outbox.ClaimAsync("killed-sync", 3, TimeSpan.FromHours(1));
            Assert.Equal(3, claimed.Count);
            until = DateTimeOffset.UtcNow.AddHours(1);
        }

        await using UiProcess ui = await UiProcess.StartAsync(_workspace);
        using var client = new HttpClient();
        string html = await client.GetStringAsync(ui.WithToken("/health"));
        string text = WebUtility.HtmlDecode(System.Text.RegularExpressions.Regex.Replace(html, "<[^>]+>", " "));
        Assert.Matches($@"Pending\s+[0-9,]+[^;]*; 3 leased by another sync until {until:yyyy-MM-dd}T", text);
    }

    public void Dispose() => _workspace.Dispose();

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
