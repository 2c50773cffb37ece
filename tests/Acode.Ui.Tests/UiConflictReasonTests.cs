using Acode.Cli.Tests.Support;
using Acode.Testing;
using Acode.Ui.Tests.Support;

namespace Acode.Ui.Tests;

/// <summary>
/// The health page names why a conflict was not applied when the change would have moved a child to another session
/// (a forged copy of a synced session, its children's ids kept): a row never moves between sessions.
/// </summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class UiConflictReasonTests(PostgresFixture fixture) : IDisposable
{
    private readonly CliWorkspace _a = new();
    private readonly CliWorkspace _b = new();

    [Fact]
    public async Task A_change_that_would_move_a_child_to_another_session_is_listed_with_the_owning_session()
    {
        string url = PostgresServer.ToUrl(await fixture.CreateDatabaseAsync());
        _a.Environment["ACODE_POSTGRES_URL"] = url;
        _b.Environment["ACODE_POSTGRES_URL"] = url;
        await _a.RunOkAsync("demo");
        await _a.RunOkAsync("db", "sync");
        string id = Assert.Single(await _a.SessionIdsAsync());
        string fork = id[..^3] + (id.EndsWith("ZZZ", StringComparison.Ordinal) ? "YYY" : "ZZZ");
        string export = Path.Combine(_a.Root, "s.jsonl");
        string forged = Path.Combine(_b.Root, "fork.jsonl");
        await _a.RunOkAsync("session", "export", id, "-o", export);
        await File.WriteAllTextAsync(forged, (await File.ReadAllTextAsync(export)).Replace(id, fork, StringComparison.Ordinal));
        await _b.RunOkAsync("session", "import", forged);
        await _b.RunOkAsync("db", "sync");

        await using UiProcess ui = await UiProcess.StartAsync(_b);
        using var client = new HttpClient();
        string html = await client.GetStringAsync(ui.WithToken("/health"));

        Assert.Contains("<p class=\"reason\">Not applied: ", html, StringComparison.Ordinal);
        Assert.Contains($"belongs to session <a href=\"/sessions/{id}\" class=\"id\">{id}</a>, not to {fork}; a row never moves to another session", html, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _a.Dispose();
        _b.Dispose();
    }
}
