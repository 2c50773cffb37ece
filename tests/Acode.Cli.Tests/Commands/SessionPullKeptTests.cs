using System.Text.Json;
using Acode.Cli.Tests.Support;
using Acode.Testing;

namespace Acode.Cli.Tests.Commands;

/// <summary>
/// <c>session pull</c> keeps a row whose local change waits in the outbox although PostgreSQL holds another version of
/// it, and says so (text and <c>--json</c> <c>kept</c>) instead of "already up to date" (README, "Reading the team's
/// sessions back").
/// </summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class SessionPullKeptTests(PostgresFixture fixture) : IDisposable
{
    private readonly CliWorkspace _a = new();
    private readonly CliWorkspace _b = new();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_row_kept_for_a_waiting_local_change_is_counted_and_not_called_up_to_date(bool json)
    {
        string url = PostgresServer.ToUrl(await fixture.CreateDatabaseAsync());
        _a.Environment["ACODE_POSTGRES_URL"] = url;
        _b.Environment["ACODE_POSTGRES_URL"] = url;
        await _a.RunOkAsync("demo");
        await _a.RunOkAsync("db", "sync");
        string id = Assert.Single(await _a.SessionIdsAsync());
        await _b.RunOkAsync("session", "pull", id);
        await SessionEdit.RetitleAsync(_a, id, "title from A");
        await _a.RunOkAsync("db", "sync");
        await SessionEdit.RetitleAsync(_b, id, "title from B, not synced");

        AcodeResult pull = await _b.RunOkAsync(json ? ["session", "pull", id, "--json"] : ["session", "pull", id]);

        if (json)
        {
            using JsonDocument result = JsonDocument.Parse(pull.Stdout);
            JsonElement pulled = Assert.Single(result.RootElement.GetProperty("pulled").EnumerateArray());
            Assert.Equal(1, pulled.GetProperty("kept").GetInt32());
            Assert.Equal(0, pulled.GetProperty("updated").GetInt32());
        }
        else
        {
            Assert.DoesNotContain("already up to date", pull.Stdout, StringComparison.Ordinal);
            Assert.Contains($"{id}: 1 row(s) kept: a change of them made here waits in the outbox", pull.Stdout, StringComparison.Ordinal);
        }

        JsonElement shown = await _b.JsonAsync("session", "show", id);
        Assert.Equal("title from B, not synced", shown.EnumerateArray().Single(e => e.GetProperty("entity").GetString() == "Session").GetProperty("title").GetString());
    }

    public void Dispose()
    {
        _a.Dispose();
        _b.Dispose();
    }
}
