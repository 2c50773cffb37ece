using System.Text.Json;
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
/// A secret in the start an oversized transcript line keeps (its <c>transcript.oversized_line</c> event) is replaced by
/// the importer before the cut, where the store's scan cannot find it again: it is still counted, in the import's
/// <c>secrets.redacted</c> event and the workspace's tally, once (docs/secrets.md), on both stores. One in the part of
/// the line that is not kept is not stored, so not counted.
/// </summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class OversizedLineRedactionTests(PostgresFixture fixture) : IDisposable
{
    private const string SessionKey = "abababab-2222-4333-8444-555555555555";
    private const string KeptToken = "ghp_Rk3Lm9Pq2Ws7Xv4Yz8Ab1Cd5Ef6Gh0Ij3Kl7M";
    private const string DroppedToken = "ghp_Zq8Wm3Np5Rt7Vx2Yb4Cd6Ef9Gh1Jk3Lm5No7P";
    private const int MaxLineBytes = 8 * 1024;

    private readonly TempWorkspace _workspace = new();

    private string Transcript => Path.Combine(_workspace.Root, "projects", "-w", SessionKey + ".jsonl");

    [Fact]
    public async Task On_sqlite_the_secret_kept_in_an_oversized_line_s_start_is_counted_once()
    {
        using SqliteWorkspaceDatabase database = _workspace.Open();
        var store = new SqliteRunStateStore(database);

        string sessionId = await ImportTwiceAsync(store);

        Assert.Equal(1, database.CountRedactedSecrets());
        Assert.Equal(1, database.CountRedactedSecrets(sessionId));
    }

    [Fact]
    public async Task On_postgres_the_secret_kept_in_an_oversized_line_s_start_is_counted_once()
    {
        string connectionString = await fixture.CreateDatabaseAsync();
        await using NpgsqlDataSource dataSource = NpgsqlDataSource.Create(connectionString);
        await new PostgresMigrator().MigrateAsync(dataSource);

        await ImportTwiceAsync(new PostgresRunStateStore(dataSource, "pg_test"));
    }

    /// <summary>Imports the transcript, then again after it grew; returns the session's id.</summary>
    private async Task<string> ImportTwiceAsync(IRunStateStore store)
    {
        var importer = new ClaudeCodeTranscriptImporter(store) { MaxLineBytes = MaxLineBytes };
        // The kept token is in the first KiB of the oversized line (its excerpt); the dropped one past it.
        string oversized = Record("u2", "2025-12-06T00:00:01Z", "token " + KeptToken + " then " + new string('y', 2_000) + " " + DroppedToken + " " + new string('z', MaxLineBytes));
        Write(Record("u1", "2025-12-06T00:00:00Z", "read it"), oversized);

        TranscriptImportReport first = await importer.ImportFileAsync(Transcript);

        Assert.Equal(1, first.Problems.OversizedLines);
        ImportedSession imported = await ImportedSession.LoadAsync(store, first.SessionId!);
        SessionEvent line = Assert.Single(imported.Events, e => e.Type == "transcript.oversized_line");
        Assert.Contains("[REDACTED:github-token]", line.PayloadJson, StringComparison.Ordinal);
        Assert.DoesNotContain(KeptToken, imported.Export, StringComparison.Ordinal);
        Assert.DoesNotContain(DroppedToken, imported.Export, StringComparison.Ordinal);
        Assert.Equal("""{"count":1,"kinds":{"github-token":1}}""", Assert.Single(imported.Events, e => e.Type == "secrets.redacted").PayloadJson);

        // The file grows: the oversized line is read again and stored already, so it counts nothing more.
        File.AppendAllLines(Transcript, [Record("u3", "2025-12-06T00:00:02Z", "and now?")]);
        TranscriptImportReport second = await importer.ImportFileAsync(Transcript);

        ImportedSession grown = await ImportedSession.LoadAsync(store, second.SessionId!);
        Assert.Equal(first.SessionId, second.SessionId);
        Assert.Equal(1, grown.Events.Where(e => e.Type == "secrets.redacted").Sum(e => JsonDocument.Parse(e.PayloadJson).RootElement.GetProperty("count").GetInt64()));
        return first.SessionId!;
    }

    private static string Record(string uuid, string timestamp, string content)
        => JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["type"] = "user", ["uuid"] = uuid, ["sessionId"] = SessionKey, ["cwd"] = "/w", ["version"] = "2.0.1", ["timestamp"] = timestamp,
            ["message"] = new Dictionary<string, object?> { ["role"] = "user", ["content"] = content },
        });

    private void Write(params string[] lines)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Transcript)!);
        File.WriteAllLines(Transcript, lines);
    }

    public void Dispose() => _workspace.Dispose();
}
