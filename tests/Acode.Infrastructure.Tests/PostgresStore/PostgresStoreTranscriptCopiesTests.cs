using Acode.Application;
using Acode.Infrastructure.Migrations;
using Acode.Infrastructure.PostgresStore;
using Acode.Infrastructure.Tests.Support;
using Acode.Infrastructure.Transcripts;
using Acode.Testing;
using Npgsql;

namespace Acode.Infrastructure.Tests.PostgresStore;

/// <summary>
/// Two copies of one Claude Code transcript continued on two machines, imported by two workspaces into one PostgreSQL
/// run-state store (two origins): each copy numbers its own versions, so a row the other workspace wrote is replaced only
/// by a version later in time, whatever the numbers say (docs/architecture.md, "A transcript imported over the team's
/// version"). Before, the copy with more turns overwrote the later copy's session whenever it was imported again, and
/// the later copy, numbering fewer versions, was never written.
/// </summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class PostgresStoreTranscriptCopiesTests(PostgresFixture fixture) : IDisposable
{
    private const string Name = "88888888-8888-4888-8888-888888888888.jsonl";

    private readonly TempWorkspace _temp = new();

    [Fact]
    public async Task A_copy_older_in_time_does_not_replace_the_other_workspace_version_and_a_later_one_does_with_fewer_versions()
    {
        string connectionString = await fixture.CreateDatabaseAsync();
        await using NpgsqlDataSource dataSource = NpgsqlDataSource.Create(connectionString);
        await new PostgresMigrator().MigrateAsync(dataSource);
        var longer = new ClaudeCodeTranscriptImporter(new PostgresRunStateStore(dataSource, "ws_longer"));
        var later = new ClaudeCodeTranscriptImporter(new PostgresRunStateStore(dataSource, "ws_later"));
        var store = new PostgresRunStateStore(dataSource, "ws_reader");
        string[] shared = [Line("u1", null, "10:00:00", "user", "hi"), Line("a1", "u1", "10:00:01", "assistant", "hello")];
        string longerCopy = Write("longer", [.. shared,
            Line("u2", "a1", "10:01:00", "user", "again"), Line("a2", "u2", "10:01:01", "assistant", "done"),
            Line("u3", "a2", "10:02:00", "user", "once more"), Line("a3", "u3", "10:02:01", "assistant", "done again")]);
        string laterCopy = Write("later", [.. shared, Line("u9", "a1", "10:09:00", "user", "now deploy it")]);

        SessionId id = SessionId.Parse((await longer.ImportFileAsync(longerCopy)).SessionId!);
        long longerVersion = (await store.GetSessionAsync(id))!.Version;
        await later.ImportFileAsync(laterCopy);
        Session afterLater = (await store.GetSessionAsync(id))!;
        await longer.ImportFileAsync(longerCopy);
        Session afterAgain = (await store.GetSessionAsync(id))!;

        Assert.True(afterLater.Version < longerVersion, $"the later copy numbers fewer versions ({afterLater.Version} against {longerVersion})");
        Assert.Equal(new DateTimeOffset(2026, 11, 20, 10, 9, 0, TimeSpan.Zero), afterLater.UpdatedAt);
        Assert.Equal((afterLater.Version, afterLater.UpdatedAt), (afterAgain.Version, afterAgain.UpdatedAt));

        // The longer copy goes on after the later one's last record: now it is the later version.
        File.AppendAllLines(longerCopy, [Line("u4", "a3", "10:12:00", "user", "and after that")]);
        await longer.ImportFileAsync(longerCopy);
        Assert.Equal(new DateTimeOffset(2026, 11, 20, 10, 12, 0, TimeSpan.Zero), (await store.GetSessionAsync(id))!.UpdatedAt);
    }

    public void Dispose() => _temp.Dispose();

    private string Write(string folder, string[] lines)
    {
        string file = Path.Combine(_temp.Root, folder, Name);
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.WriteAllLines(file, lines);
        return file;
    }

    private static string Line(string uuid, string? parent, string time, string role, string text)
    {
        string parentField = parent is null ? "" : $$$""","parentUuid":"{{{parent}}}" """.TrimEnd();
        return role == "user"
            ? $$$"""{"type":"user","uuid":"{{{uuid}}}"{{{parentField}}},"cwd":"/w","timestamp":"2026-11-20T{{{time}}}Z","message":{"role":"user","content":"{{{text}}}"}}"""
            : $$$"""{"type":"assistant","uuid":"{{{uuid}}}"{{{parentField}}},"cwd":"/w","timestamp":"2026-11-20T{{{time}}}Z","message":{"id":"m_{{{uuid}}}","role":"assistant","model":"m","content":[{"type":"text","text":"{{{text}}}"}],"stop_reason":"end_turn"}}""";
    }
}
