using Acode.Application;
using Acode.Application.Transcripts;
using Acode.Infrastructure.Migrations;
using Acode.Infrastructure.PostgresStore;
using Acode.Infrastructure.Sqlite;
using Acode.Infrastructure.Tests.Support;
using Acode.Infrastructure.Transcripts;
using Acode.Testing;
using Npgsql;

namespace Acode.Infrastructure.Tests.Transcripts;

/// <summary>
/// Two transcripts of one session (the same file name in two folders): a copy, or a copy that went on, is the same
/// session; one holding another run is refused instead of being mixed into it, on SQLite and on the PostgreSQL store
/// (docs/import.md, "Two transcripts of one session").
/// </summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class SameSessionTwoFoldersTests(PostgresFixture fixture) : IDisposable
{
    private const string SessionKey = "77777777-7777-4777-8777-777777777777";
    private const string Prompt = """{"type":"user","uuid":"u1","cwd":"/w","timestamp":"2026-11-20T10:00:00Z","message":{"role":"user","content":"first run"}}""";
    private const string Answer = """{"type":"assistant","uuid":"a1","parentUuid":"u1","cwd":"/w","timestamp":"2026-11-20T10:00:01Z","message":{"id":"m1","role":"assistant","model":"m","content":[{"type":"text","text":"done"}],"stop_reason":"end_turn"}}""";
    private const string LaterPrompt = """{"type":"user","uuid":"u2","parentUuid":"a1","cwd":"/w","timestamp":"2026-11-20T10:05:00Z","message":{"role":"user","content":"go on"}}""";
    private const string OtherPrompt = """{"type":"user","uuid":"v1","cwd":"/v","timestamp":"2026-11-20T10:00:00Z","message":{"role":"user","content":"second run"}}""";

    private readonly TempWorkspace _workspace = new();
    private SqliteWorkspaceDatabase? _database;

    [Fact]
    public async Task On_SQLite_a_copy_joins_the_session_and_another_run_is_refused()
        => await CheckAsync(new SqliteRunStateStore(_database = _workspace.Open()));

    [Fact]
    public async Task On_the_PostgreSQL_store_a_copy_joins_the_session_and_another_run_is_refused()
    {
        string connectionString = await fixture.CreateDatabaseAsync();
        await using NpgsqlDataSource dataSource = NpgsqlDataSource.Create(connectionString);
        await new PostgresMigrator().MigrateAsync(dataSource);
        await CheckAsync(new PostgresRunStateStore(dataSource, "pg_test"));
    }

    private async Task CheckAsync(IRunStateStore store)
    {
        var importer = new ClaudeCodeTranscriptImporter(store);
        string id = (await importer.ImportFileAsync(Write("a", Prompt))).SessionId!;

        TranscriptImportReport copy = await importer.ImportFileAsync(Write("b", Prompt, Answer));

        Assert.Equal(id, copy.SessionId);
        Session session = (await store.GetSessionAsync(SessionId.Parse(id)))!;
        Assert.Equal([1], session.Tasks.Select(t => t.Ordinal));
        Assert.Single(session.Tasks[0].Steps);

        string other = Write("c", OtherPrompt);
        TranscriptFormatException refused = await Assert.ThrowsAsync<TranscriptFormatException>(() => importer.ImportFileAsync(other));

        Assert.Equal(other, refused.Path);
        Assert.Contains($"holds Claude Code session {SessionKey} ({id})", refused.Message, StringComparison.Ordinal);
        Assert.Equal(["first run"], (await store.GetSessionAsync(SessionId.Parse(id)))!.Tasks.Select(t => t.Title));
        // Followed, it is refused too, and stays so while the file does not change.
        ITranscriptFollower follower = importer.Follow(other);
        await Assert.ThrowsAsync<TranscriptFormatException>(() => follower.PollAsync());
        Assert.Null(await follower.PollAsync());
    }

    [Fact]
    public async Task On_SQLite_a_copy_lacking_the_first_lines_makes_the_whole_one_refused_when_read_and_when_followed()
        => await CheckPartialCopyAsync(new SqliteRunStateStore(_database = _workspace.Open()));

    [Fact]
    public async Task On_the_PostgreSQL_store_a_copy_lacking_the_first_lines_makes_the_whole_one_refused_when_read_and_when_followed()
    {
        string connectionString = await fixture.CreateDatabaseAsync();
        await using NpgsqlDataSource dataSource = NpgsqlDataSource.Create(connectionString);
        await new PostgresMigrator().MigrateAsync(dataSource);
        await CheckPartialCopyAsync(new PostgresRunStateStore(dataSource, "pg_test"));
    }

    /// <summary>The partial copy's session id takes its first record's time: the same records under two ids, which the store refuses to move.</summary>
    private async Task CheckPartialCopyAsync(IRunStateStore store)
    {
        var importer = new ClaudeCodeTranscriptImporter(store);
        string part = (await importer.ImportFileAsync(Write("a", LaterPrompt))).SessionId!;
        string whole = Write("b", Prompt, Answer, LaterPrompt);

        TranscriptFormatException refused = await Assert.ThrowsAsync<TranscriptFormatException>(() => importer.ImportFileAsync(whole));
        ITranscriptFollower follower = importer.Follow(whole);
        TranscriptFormatException followed = await Assert.ThrowsAsync<TranscriptFormatException>(() => follower.PollAsync());

        Assert.Equal(whole, refused.Path);
        Assert.Contains($"stored already in session {part}", refused.Message, StringComparison.Ordinal);
        Assert.Contains($"acode session delete {part}", refused.Remedy, StringComparison.Ordinal);
        Assert.Equal(refused.Message, followed.Message);
        Assert.Null(await follower.PollAsync()); // until the file changes
        Assert.Equal([part], (await store.FindSessionIdsByPrefixAsync("sess_", 10)).Select(s => s.Value));
    }

    private string Write(string folder, params string[] lines)
    {
        string path = Path.Combine(_workspace.Root, "projects", folder, SessionKey + ".jsonl");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllLines(path, lines);
        return path;
    }

    public void Dispose()
    {
        _database?.Dispose();
        _workspace.Dispose();
    }
}
