using Acode.Application;
using Acode.Application.Search;
using Acode.Infrastructure.Search;
using Acode.Infrastructure.Sqlite;
using Acode.Infrastructure.Tests.Support;

namespace Acode.Infrastructure.Tests.Search;

/// <summary>The search contract on the workspace SQLite database (FTS5).</summary>
public sealed class SqliteSessionSearchTests : SessionSearchContract, IDisposable
{
    private readonly TempWorkspace _temp = new();
    private readonly SqliteWorkspaceDatabase _database;

    public SqliteSessionSearchTests()
    {
        _database = _temp.Open();
        Store = new SqliteRunStateStore(_database);
        Search = new SqliteSessionSearch(_database);
    }

    protected override IRunStateStore Store { get; }

    protected override ISessionSearch Search { get; }

    public void Dispose()
    {
        _database.Dispose();
        _temp.Dispose();
    }

    protected override Task PublishAsync() => Task.CompletedTask;

    [Fact]
    [Trait("Issue", "search-nul")]
    public async Task A_NUL_between_two_letters_separates_them_like_a_space()
    {
        Session session = Session.Create("nul between letters");
        SessionTask task = session.AddTask("t", "desc x\0y nulinside");
        ToolCall call = task.AddStep("s").AddToolCall("shell", """{"a":"x\u0000y nulinside"}""");
        call.Start();
        call.Succeed("result r1079 x\0y nulinside");
        Artifact log = session.AddArtifact("nul.log", ArtifactKind.Log, "text/plain", System.Text.Encoding.UTF8.GetBytes("nulacontent\0nulbcontent"));
        await Store.SaveAsync(session);

        // The arguments' \u0000 is an escape, decoded as a space since schema 1.13.0: its 'y' is a word too.
        string[] descriptionAndResult = [.. new[] { task.Id.Value, call.Id.Value, call.Id.Value }.Order(StringComparer.Ordinal)];
        Assert.Equal(descriptionAndResult, (await SearchAsync("y")).Items.Select(h => h.EntityId).Order(StringComparer.Ordinal));
        Assert.Equal(descriptionAndResult, (await SearchAsync("\"x y nulinside\"")).Items.Select(h => h.EntityId).Order(StringComparer.Ordinal));
        Assert.Equal(log.Id.Value, Assert.Single((await SearchAsync("nulbcontent")).Items).EntityId); // PostgreSQL indexes no inline content holding a NUL
        SearchHit hit = Assert.Single((await SearchAsync("desc y")).Items);
        Assert.Equal("desc x y nulinside", hit.Snippet.Text);
        Assert.Equal(["desc", "y"], hit.Snippet.Highlights.Select(h => hit.Snippet.Text.Substring(h.Start, h.Length)));
    }

    [Fact]
    [Trait("Issue", "search-diacritics")]
    public async Task Diacritics_are_ignored_on_latin_letters_and_separate_combining_marks_only()
    {
        // SQLite's unicode61 tokenizer with remove_diacritics 2 folds the precomposed letters of Unicode's Latin blocks
        // and drops combining marks; a precomposed letter of another script keeps its mark (docs/search.md).
        Session session = Session.Create("Résumé São Nguyễn e\u0301te Ελληνικά йод", "Ελληνικα\u0301 σπίτι");
        await Store.SaveAsync(session);

        foreach (string folded in new[] { "resume", "RESUME", "sao", "nguyen", "ete", "Ελληνικά", "ελληνικα" })
        {
            Assert.Equal(session.Id, Assert.Single((await SearchAsync(folded)).Items).SessionId);
        }

        Assert.Equal(["goal"], (await SearchAsync("ελληνικα")).Items.Select(h => h.Field));
        Assert.Equal(["title"], (await SearchAsync("Ελληνικά")).Items.Select(h => h.Field));
        Assert.Empty((await SearchAsync("σπιτι")).Items);
        Assert.Empty((await SearchAsync("иод")).Items);
        Assert.Single((await SearchAsync("йод")).Items);
    }
}
