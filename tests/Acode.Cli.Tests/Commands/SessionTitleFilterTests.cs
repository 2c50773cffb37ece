using System.Text.Json;
using Acode.Application.Options;
using Acode.Cli.Tests.Support;
using Acode.Domain.Entities;
using Acode.Infrastructure;
using Acode.Infrastructure.Sqlite;
using Acode.Testing;

namespace Acode.Cli.Tests.Commands;

/// <summary>
/// <c>--title</c> ignores the case of every letter, not only ASCII, and finds the same sessions locally and with
/// <c>--remote</c> (docs/search.md, "The title filter"): <c>session list --title 'ÉMOJI'</c> found nothing locally and the
/// session with <c>--remote</c>. The remote database is a <c>C</c>-locale one, whose own <c>lower()</c> lowers only ASCII.
/// </summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class SessionTitleFilterTests(PostgresFixture fixture) : IDisposable
{
    private static readonly string[] Titles = ["Fix Login page", "Support émoji in titles 🚀", "Straße bauen", "STRAẞE NORD", "İstanbul trip", "ΟΔΟΣ map", "νέα οδος"];

    private readonly CliWorkspace _workspace = new();

    [Fact]
    [Trait("Issue", "msgfix13.2")]
    public async Task Session_list_and_search_find_the_same_titles_locally_and_remotely_ignoring_the_case_of_every_letter()
    {
        _workspace.Environment["ACODE_POSTGRES_URL"] = PostgresServer.ToUrl(await fixture.CreateDatabaseAsync());
        await _workspace.RunOkAsync("db", "migrate");
        using (SqliteWorkspaceDatabase database = SqliteWorkspaceDatabase.Open(new Workspace(_workspace.Root), new SqliteOptions()))
        {
            var store = new SqliteRunStateStore(database);
            foreach (string title in Titles)
            {
                await store.SaveAsync(Session.Create(title, "find the titles"));
            }
        }

        await _workspace.RunOkAsync("db", "sync");

        var cases = new (string Text, string[] Expected)[]
        {
            ("fix LOGIN", [Titles[0]]),
            ("ÉMOJI", [Titles[1]]),
            ("emoji", []),
            ("STRAẞE", [Titles[2], Titles[3]]),
            ("strasse", []),
            ("İSTANBUL", [Titles[4]]),
            ("οδοσ", [Titles[5], Titles[6]]),
        };
        foreach ((string text, string[] expected) in cases)
        {
            Assert.Equal(expected.Order(StringComparer.Ordinal), await ListedTitlesAsync("session", "list", "--title", text));
            Assert.Equal(expected.Order(StringComparer.Ordinal), await ListedTitlesAsync("session", "list", "--remote", "--title", text));
            Assert.Equal(expected.Order(StringComparer.Ordinal), await SearchedTitlesAsync("session", "search", "--title", text, "find"));
            Assert.Equal(expected.Order(StringComparer.Ordinal), await SearchedTitlesAsync("session", "search", "--remote", "--title", text, "find"));
        }

        AcodeResult help = await _workspace.RunOkAsync("session", "list", "--help");
        Assert.DoesNotContain("for ASCII", help.Stdout, StringComparison.Ordinal);
        Assert.Contains("ignoring case for every letter", help.Stdout, StringComparison.Ordinal);
    }

    public void Dispose() => _workspace.Dispose();

    private async Task<string[]> ListedTitlesAsync(params string[] args)
        => [.. (await _workspace.JsonAsync(args)).GetProperty("items").EnumerateArray().Select(i => i.GetProperty("title").GetString()!).Order(StringComparer.Ordinal)];

    private async Task<string[]> SearchedTitlesAsync(params string[] args)
        => [.. (await _workspace.JsonAsync(args)).GetProperty("items").EnumerateArray().Select(i => i.GetProperty("sessionTitle").GetString()!).Distinct().Order(StringComparer.Ordinal)];
}
