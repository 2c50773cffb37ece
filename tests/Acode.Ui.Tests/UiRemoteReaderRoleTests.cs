using System.Net;
using System.Text.Json;
using Acode.Cli.Tests.Support;
using Acode.Testing;
using Acode.Ui.Tests.Support;
using static Acode.Testing.PostgresSql;

namespace Acode.Ui.Tests;

/// <summary>
/// <c>acode ui --remote</c> is read-only, so a SELECT-only role (docs/postgres.md, "A reader role") views the team's
/// sessions: the list, a session and the health page answer 200.
/// </summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class UiRemoteReaderRoleTests(PostgresFixture fixture) : IDisposable
{
    private readonly CliWorkspace _writer = new();
    private readonly CliWorkspace _reader = new();
    private readonly string _role = $"reader_{Guid.NewGuid():N}"[..20];
    private readonly string _password = $"Pw-{Guid.NewGuid():N}";

    [Fact]
    public async Task A_SELECT_only_role_views_the_list_a_session_and_the_health_page()
    {
        string admin = await fixture.CreateDatabaseAsync();
        _writer.Environment["ACODE_POSTGRES_URL"] = PostgresServer.ToUrl(admin);
        await _writer.RunOkAsync("demo");
        await _writer.RunOkAsync("db", "sync");
        string id = Assert.Single(await _writer.SessionIdsAsync());
        await ExecuteAsync(admin, $"""
            CREATE ROLE "{_role}" LOGIN PASSWORD '{_password}';
            GRANT SELECT ON ALL TABLES IN SCHEMA public TO "{_role}";
            """);
        _reader.Environment["ACODE_POSTGRES_URL"] = PostgresServer.ToUrl(As(admin, _role, _password));

        await using UiProcess ui = await UiProcess.StartAsync(_reader, "--remote");
        using var client = new HttpClient();
        string list = await client.GetStringAsync(ui.WithToken("/"));
        HttpResponseMessage session = await client.GetAsync(ui.WithToken("/sessions/" + id));
        HttpResponseMessage health = await client.GetAsync(ui.WithToken("/health"));

        Assert.Contains(id, list, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, session.StatusCode);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        string healthHtml = await health.Content.ReadAsStringAsync();
        Assert.DoesNotContain("lacks", healthHtml, StringComparison.Ordinal);
        Assert.DoesNotContain(_password, list + healthHtml, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _writer.Dispose();
        _reader.Dispose();
    }
}
