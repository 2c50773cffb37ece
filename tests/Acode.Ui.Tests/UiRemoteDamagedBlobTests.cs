using System.Net;
using Acode.Application.Options;
using Acode.Cli.Tests.Support;
using Acode.Domain.Entities;
using Acode.Infrastructure;
using Acode.Infrastructure.Sqlite;
using Acode.Testing;
using Acode.Ui.Tests.Support;
using Npgsql;

namespace Acode.Ui.Tests;

/// <summary>
/// <c>acode ui --remote</c> on a session whose blob of large content is damaged in PostgreSQL: its page and its tool
/// call are a 503 (a page; for the tool call JSON) with ACODE-DB-002 naming the blob (no password), not an empty 500, and the viewer keeps serving.
/// </summary>
[Trait("Issue", "15")]
[Collection(PostgresFixture.CollectionName)]
public sealed class UiRemoteDamagedBlobTests(PostgresFixture fixture) : IDisposable
{
    private readonly CliWorkspace _a = new();
    private readonly CliWorkspace _b = new();

    [Fact]
    public async Task A_session_with_a_damaged_blob_is_a_503_page_with_ACODE_DB_002_and_the_viewer_keeps_serving()
    {
        string connectionString = await fixture.CreateDatabaseAsync();
        _a.Environment["ACODE_POSTGRES_URL"] = PostgresServer.ToUrl(connectionString);
        _b.Environment["ACODE_POSTGRES_URL"] = PostgresServer.ToUrl(connectionString);
        (string sessionId, string toolCallId) = await SaveSessionWithLargeResultAsync();
        await _a.RunOkAsync("db", "sync");
        string hash;
        await using (NpgsqlDataSource dataSource = NpgsqlDataSource.Create(connectionString))
        {
            await using NpgsqlCommand damage = dataSource.CreateCommand("UPDATE blobs SET content = decode(repeat('00', length(content)), 'hex') RETURNING hash;");
            hash = (string)(await damage.ExecuteScalarAsync())!;
        }

        await using UiProcess ui = await UiProcess.StartAsync(_b, "--remote");
        using var client = new HttpClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(ui.WithToken("/"))).StatusCode);

        foreach (string path in new[] { $"/sessions/{sessionId}", $"/api/sessions/{sessionId}/tool-calls/{toolCallId}" })
        {
            using HttpResponseMessage response = await client.GetAsync(ui.BaseUrl + path);
            string html = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"GET {path}: {response.StatusCode}");
            // The tool call's endpoint says it as JSON {"error", "hint"}, which the session page's script shows.
            Assert.StartsWith(path.StartsWith("/api/", StringComparison.Ordinal) ? "application/json" : "text/html", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
            Assert.Contains("ACODE-DB-002", html, StringComparison.Ordinal);
            Assert.Contains($"damaged blob of large content ({hash[..12]})", html, StringComparison.Ordinal);
            Assert.DoesNotContain(fixture.Server.Password, html, StringComparison.Ordinal);
        }

        using HttpResponseMessage list = await client.GetAsync(ui.BaseUrl + "/");
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        Assert.Contains(sessionId, await list.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // Health reads only the conflicts and workspaces, which are sound: it names the faults the other answers met.
        string health = await client.GetStringAsync(ui.BaseUrl + "/health");
        Assert.Contains("id=\"serving-errors\"", health, StringComparison.Ordinal);
        Assert.Contains($"2 answer(s) of this viewer could not be read from the store since it started. The last, at ", health, StringComparison.Ordinal);
        Assert.Contains($"for /api/sessions/{sessionId}/tool-calls/{toolCallId}: ACODE-DB-002: ", health, StringComparison.Ordinal);
        Assert.DoesNotContain(fixture.Server.Password, health, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _a.Dispose();
        _b.Dispose();
    }

    private async Task<(string SessionId, string ToolCallId)> SaveSessionWithLargeResultAsync()
    {
        using SqliteWorkspaceDatabase database = SqliteWorkspaceDatabase.Open(new Workspace(_a.Root), new SqliteOptions());
        var store = new SqliteRunStateStore(database);
        Session session = Session.Create("large result");
        Step step = session.AddTask("work").AddStep("tools");
        step.Start();
        ToolCall call = step.AddToolCall("read_file", "{}");
        call.Start();
        call.Succeed(new string('a', 8192));
        await store.SaveAsync(session);
        return (session.Id.Value, call.Id.Value);
    }
}
